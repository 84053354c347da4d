"""The site index: every article of a site on one page, and what changed since last run.

A scheduled run must say which problems are new and which were fixed, by problem (a
reference key and what is wrong with it, a claim id and its verdict), not by line; it
must keep articles it did not check this time, and never fail over its own state file.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

from citeaudit.reporting.html_report import render_html
from citeaudit.reporting.site_index import STATE_SCHEMA, update_site_index
from cli_run import ARTICLE, citeaudit
from report_samples import SCRIPT_PAYLOAD, Page, every_problem


def renamed(report: dict[str, Any], name: str) -> dict[str, Any]:
    copied = copy.deepcopy(report)
    copied["article"] = {**copied["article"], "name": name, "path": f"articles/{name}.md"}
    return copied


def claim(report: dict[str, Any], claim_id: str) -> dict[str, Any]:
    return next(c for c in report["claims"] if c["id"] == claim_id)


def test_first_run_has_nothing_to_compare_with(tmp_path: Path) -> None:
    index = update_site_index([every_problem()], tmp_path, fail_on="broken")
    assert not index.compared and index.new_count == index.resolved_count == 0
    state = json.loads((tmp_path / "index.json").read_text(encoding="utf-8"))
    assert state["schema"] == STATE_SCHEMA
    entry = state["articles"]["back-muscle-pain"]
    assert entry["failing"] is True  # the retracted source fails at 'broken'
    assert entry["changes"] == {"compared_with": None, "new": [], "resolved": []}
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "First run: there is no previous run to compare with." in page
    assert "first check" in page


def test_changed_verdicts_and_fixed_references_show_as_new_and_resolved(tmp_path: Path) -> None:
    before = every_problem()
    update_site_index([before], tmp_path, fail_on="unsupported")

    after = copy.deepcopy(before)
    claim(after, "C1")["verdict"] = "supported"  # fixed: a source was added
    claim(after, "C5")["verdict"] = "unsupported"  # newly unsupported
    claim(after, "C5")["reason"] = "the definition is not in the source"
    after["references"] = [r for r in after["references"] if r["key"] != "broken2010"]
    for item in after["claims"]:
        item["line"] += 2  # an edit above moved everything: not a change of problems
    index = update_site_index([after], tmp_path, fail_on="unsupported")

    (change,) = index.changes
    assert change.compared_with is not None
    assert [p["id"] for p in change.new] == ["claim:C5:unsupported"]
    assert sorted(p["id"] for p in change.resolved) == [
        "claim:C1:unsupported",
        "ref:broken2010:doi",
    ]
    assert (index.new_count, index.resolved_count) == (1, 2)

    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    page = Page(html)
    assert [li["data-category"] for li in page.find("li", data_testid="new-problem")] == [
        "unsupported"
    ]
    assert len(page.find("li", data_testid="resolved-problem")) == 2
    assert 'data-testid="new-total">1 new</span>' in html
    assert 'data-testid="resolved-total">2 resolved</span>' in html


def test_new_problems_link_to_their_card_in_the_article_report(tmp_path: Path) -> None:
    before = every_problem()
    update_site_index([before], tmp_path, fail_on="broken")
    after = copy.deepcopy(before)
    claim(after, "C5")["verdict"] = "unsupported"
    after["references"][0]["doi_status"] = "not_found"
    update_site_index([after], tmp_path, fail_on="broken")

    page = Page((tmp_path / "index.html").read_text(encoding="utf-8"))
    report_ids = {attrs.get("id") for _, attrs in Page(render_html(after)).tags}
    links = [
        a["href"]
        for a in page.find("a")
        if a.get("href") and "#" in str(a["href"]) and not str(a["href"]).startswith("#")
    ]
    assert sorted(links) == [
        "back-muscle-pain.html#claim-C5",
        "back-muscle-pain.html#ref-simons1999",
    ]
    for link in links:
        file, anchor = str(link).split("#")
        assert file == "back-muscle-pain.html" and anchor in report_ids


def test_articles_not_checked_in_this_run_keep_their_last_result(tmp_path: Path) -> None:
    first, second = every_problem(), renamed(every_problem(), "other-article")
    update_site_index([first, second], tmp_path, fail_on="broken")
    index = update_site_index([first], tmp_path, fail_on="broken")

    assert [c.name for c in index.changes] == ["back-muscle-pain"]
    state = json.loads((tmp_path / "index.json").read_text(encoding="utf-8"))
    assert set(state["articles"]) == {"back-muscle-pain", "other-article"}
    assert state["articles"]["other-article"]["in_this_run"] is False
    assert state["articles"]["other-article"]["problems"]  # kept, not emptied
    page = Page((tmp_path / "index.html").read_text(encoding="utf-8"))
    rows = {r["data-article"]: r for r in page.find("tr", data_testid="article-row")}
    assert set(rows) == {"back-muscle-pain", "other-article"}
    assert rows["other-article"].get("class") == "stale"

    # Checked again later, it is compared with its own last state.
    again = update_site_index([second], tmp_path, fail_on="broken")
    assert again.changes[0].compared_with is not None and not again.changes[0].new


def test_an_unreadable_state_file_is_said_on_the_page_and_replaced(tmp_path: Path) -> None:
    (tmp_path / "index.json").write_text("{not json", encoding="utf-8")
    index = update_site_index([every_problem()], tmp_path, fail_on="broken")
    assert index.state_note and "could not be read" in index.state_note
    assert not index.compared
    assert 'data-testid="state-note"' in (tmp_path / "index.html").read_text(encoding="utf-8")
    state = json.loads((tmp_path / "index.json").read_text(encoding="utf-8"))
    assert state["schema"] == STATE_SCHEMA

    (tmp_path / "index.json").write_text('{"schema": "something else"}', encoding="utf-8")
    index = update_site_index([every_problem()], tmp_path, fail_on="broken")
    assert index.state_note and "is not a citeaudit index" in index.state_note


def test_a_hand_edited_state_entry_is_shown_without_breaking_the_run(tmp_path: Path) -> None:
    odd = {"problems": [{"id": "x", "category": 7}, "junk"], "counts": "many", "changes": 5}
    state = {"schema": STATE_SCHEMA, "articles": {"old-article": odd, "broken": "not an entry"}}
    (tmp_path / "index.json").write_text(json.dumps(state), encoding="utf-8")
    update_site_index([every_problem()], tmp_path, fail_on="broken")
    page = Page((tmp_path / "index.html").read_text(encoding="utf-8"))
    rows = [r["data-article"] for r in page.find("tr", data_testid="article-row")]
    assert rows == ["back-muscle-pain", "old-article"]


def test_index_page_escapes_article_text_and_runs_no_script(tmp_path: Path) -> None:
    before = every_problem()
    before["article"]["title"] = "Back pain " + SCRIPT_PAYLOAD
    update_site_index([before], tmp_path, fail_on="broken")
    after = copy.deepcopy(before)
    claim(after, "C5")["verdict"] = "unsupported"
    claim(after, "C5")["reason"] = SCRIPT_PAYLOAD + "<img src=x onerror=alert(1)>"
    after["references"][0]["key"] = 'k"><script>alert(1)</script>'
    update_site_index([after], tmp_path, fail_on="broken")

    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    page = Page(html)
    assert not page.find("script") and not page.find("img")
    assert "&lt;script&gt;alert(1);window.__pwned=1" in html
    (csp,) = [
        m["content"] for m in page.find("meta") if m.get("http-equiv") == "Content-Security-Policy"
    ]
    assert "script-src 'none'" in str(csp) and "default-src 'none'" in str(csp)
    hrefs = [str(a.get("href")) for a in page.find("a")]
    assert all(re.fullmatch(r"#[\w-]+|[\w%.-]+\.html(#[\w-]+)?", h) for h in hrefs), hrefs


def test_cli_reports_changes_between_runs(workspace: Path) -> None:
    first = citeaudit(workspace, "check", ARTICLE, "--offline")
    assert first.returncode == 0, first.stderr
    assert "site index -> reports/index.html\n" in first.stdout

    # An editor rejects the uncited 80-90% statistic claim: its problem is resolved.
    claims = workspace / "claims.csv"
    lines = claims.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if "80-90%" in line)
    assert ",reviewed," in lines[row]
    lines[row] = lines[row].replace(",reviewed,", ",rejected,")
    claims.write_text("\n".join(lines) + "\n", encoding="utf-8")

    second = citeaudit(workspace, "check", ARTICLE, "--offline")
    assert second.returncode == 0, second.stderr
    assert "0 new, 1 resolved since the previous run" in second.stdout
    state = json.loads((workspace / "reports" / "index.json").read_text(encoding="utf-8"))
    resolved = state["articles"]["back-muscle-pain"]["changes"]["resolved"]
    assert [p["id"] for p in resolved] == ["claim:back-muscle-pain-58249bd1:unsupported"]

    third = citeaudit(workspace, "check", ARTICLE, "--offline", "--no-index")
    assert "site index" not in third.stdout
