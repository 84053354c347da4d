"""Reporting: an audit in; what editors and CI read out.

`json_report.py` builds the JSON report (the contract, `schema/report.schema.json`);
every other output is a view of it: the HTML page for editors (`html_report.py`,
`templates/`), JUnit XML, GitHub annotations, the Markdown step summary and the site
index. `gate.py` decides what fails a run at a --fail-on level and `findings.py` lists
the problems once, most serious first, for all of them. Open `json_report.py` first.
"""
