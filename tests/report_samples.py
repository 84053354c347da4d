"""Sample reports for the report tests: the JSON sample, a copy with script payloads
in every field a page shows, and one with every kind of problem.

`tests/fixtures/report_sample.json` is a report built for these tests, not a run's
output; the payloads are the classic script, event-handler and attribute breakouts.
"""

from __future__ import annotations

import copy
import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

SAMPLE = Path(__file__).resolve().parent / "fixtures" / "report_sample.json"

SCRIPT_PAYLOAD = "<script>alert(1);window.__pwned=1;document.title='pwned'</script>"
IMG_PAYLOAD = "<img src=x onerror=alert(1)>"
SVG_PAYLOAD = "<svg onload=alert(1)>"
ATTR_PAYLOAD = "\"><script>window.__pwned=1</script><a href='javascript:alert(1)'>x</a>"
PAYLOADS = (SCRIPT_PAYLOAD, IMG_PAYLOAD, SVG_PAYLOAD, ATTR_PAYLOAD)


class Page(HTMLParser):
    """Every start tag with its attributes, and the text inside <script> elements."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data

    def find(self, tag: str | None = None, **attrs: str) -> list[dict[str, str | None]]:
        found = []
        for name, values in self.tags:
            if tag is not None and name != tag:
                continue
            if all(values.get(k.replace("_", "-")) == v for k, v in attrs.items()):
                found.append(values)
        return found


def load_sample() -> dict[str, Any]:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def malicious_copy() -> dict[str, Any]:
    """The sample with script payloads planted in every kind of field the page shows."""
    report = copy.deepcopy(load_sample())
    report["article"]["title"] = "Back pain " + SCRIPT_PAYLOAD
    report["article"]["path"] = "articles/" + ATTR_PAYLOAD + ".md"
    claim = report["claims"][1]
    claim["text"] = "Trigger points " + SCRIPT_PAYLOAD + " cause pain " + IMG_PAYLOAD
    claim["paragraph"] = "Intro. " + claim["text"] + " More " + SVG_PAYLOAD
    claim["reason"] = "Because " + IMG_PAYLOAD
    claim["id"] = "C2" + ATTR_PAYLOAD
    claim["kind"] = SVG_PAYLOAD
    claim["evidence"][0]["sentence"] = (
        "Levels of <jats:italic>substance P</jats:italic> rose " + SCRIPT_PAYLOAD + IMG_PAYLOAD
        + SVG_PAYLOAD + " near trigger points."
    )  # fmt: skip
    shah = next(r for r in report["references"] if r["key"] == "shah2008")
    shah["registry"]["title"] = (
        "Biochemical milieu <jats:italic>in vivo</jats:italic> " + SCRIPT_PAYLOAD + IMG_PAYLOAD
        + SVG_PAYLOAD + "<a href='javascript:alert(1)'>link</a>"
    )  # fmt: skip
    shah["registry"]["abstract"] = "<jats:p>Abstract " + SCRIPT_PAYLOAD + IMG_PAYLOAD + "</jats:p>"
    shah["cited"]["container"] = "J Bodyw " + IMG_PAYLOAD
    shah["cited"]["raw"] = "Shah JP. " + SCRIPT_PAYLOAD
    shah["cited"]["authors"] = ["Shah JP" + SVG_PAYLOAD]
    shah["problems"] = ["issue " + SCRIPT_PAYLOAD]
    shah["provenance"] = "Crossref " + IMG_PAYLOAD
    shah["mismatches"][0]["explanation"] = "Check " + SVG_PAYLOAD
    shah["mismatches"][0]["cited"] = SCRIPT_PAYLOAD
    shah["links"] = {
        "openalex": "javascript:alert(1)",
        "pubmed": "https://pubmed.ncbi.nlm.nih.gov/1/" + ATTR_PAYLOAD,
        "other": "javascript:window.__pwned=1",
        "data": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    }
    shah["doi"] = "10.1016/x" + ATTR_PAYLOAD
    shah["key"] = "shah2008" + ATTR_PAYLOAD
    claim["refs"] = [shah["key"]]
    claim["evidence"][0]["ref"] = shah["key"]
    doe = next(r for r in report["references"] if r["key"] == "doe2015")
    doe["notices"][0]["doi"] = "10.5555/" + ATTR_PAYLOAD
    doe["notices"][0]["source"] = IMG_PAYLOAD
    doe["notices"][0]["date"] = SVG_PAYLOAD
    report["validation"][3]["name"] = "sources " + SCRIPT_PAYLOAD
    report["validation"][3]["details"] = [IMG_PAYLOAD, SVG_PAYLOAD]
    return report


def every_problem() -> dict[str, Any]:
    """The sample report with one reference of each problem kind added to its own."""
    report = copy.deepcopy(load_sample())
    base = next(r for r in report["references"] if r["key"] == "gerwin2005")

    def ref(key: str, line: int, **changes: Any) -> dict[str, Any]:
        new = copy.deepcopy(base)
        new.update(key=key, **changes)
        new["cited"] = {**new["cited"], "line": line}
        return new

    report["references"] += [
        ref("broken2010", 32, doi="10.9999/nothing", doi_status="not_found"),
        ref("nomatch2011", 33, doi=None, doi_status="unverified", match="not_found"),
        ref("ambig2012", 34, match="ambiguous"),
        ref(
            "wrongyear2013",
            35,
            mismatches=[
                {"field": "year", "cited": "2013", "registry": "2003", "severity": "error"},
                {"field": "pages", "cited": "1-9", "registry": "1-10", "severity": "warning"},
            ],
        ),
        ref("concern2014", 36, retraction="expression_of_concern"),
        ref("offline2015", 37, doi_status="unverified", match="unverified"),
    ]
    return report
