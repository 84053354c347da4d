"""JUnit XML for CI pages: one testcase per reference and per claim.

CI systems (GitHub test reporters, GitLab, Jenkins, Azure) list JUnit testcases, so an
audit written as JUnit shows every reference and claim on the CI page, with the failing
ones marked. There is no official JUnit schema; the file is written to be valid against
the strictest published one (Apache Ant's, as Windy Road's `JUnit.xsd` states it) and so
is also accepted by the lenient ones (Jenkins' `junit-10.xsd`). That decides the shape:

* one `<testsuite>` per article, with `properties`, `system-out` and `system-err`;
* a testcase has at most one `<failure>`: a reference with two failing problems gets
  one failure naming both (its `type` is the most serious category);
* a failure is exactly what fails the run at its `--fail-on` level, so the JUnit page
  and the exit code agree; problems below the level (a partly supported claim, a
  reference nobody could verify) are not failures and not `<skipped/>` either (they were
  checked), but lines in the suite's `system-out`, where CI pages show them.

Testcase names hold the reference key or claim id, not the line or the verdict, so a CI
page's history follows the same testcase from run to run.
"""

from __future__ import annotations

import re
import socket
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from citeaudit.files import write_text_if_changed
from citeaudit.reporting.findings import Finding, report_findings

# Characters XML 1.0 cannot carry at all, even escaped; article text may hold them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def junit_xml(
    reports: Sequence[Mapping[str, Any]],
    *,
    fail_on: str,
    fail_on_unverified: bool = False,
    html_reports: Mapping[str, str] | None = None,
    hostname: str | None = None,
) -> str:
    """The JUnit document for a run; `html_reports` maps article name -> HTML path."""
    root = ET.Element("testsuites")
    host = _token(hostname or socket.gethostname() or "localhost") or "localhost"
    for number, report in enumerate(reports):
        root.append(_suite(report, number, host, fail_on, fail_on_unverified, html_reports or {}))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def write_junit(reports: Sequence[Mapping[str, Any]], path: Path, **options: Any) -> Path:
    """Write the JUnit file atomically (a CI step may read it while another run writes)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_if_changed(path, junit_xml(reports, **options))
    return path


def _suite(
    report: Mapping[str, Any],
    number: int,
    host: str,
    fail_on: str,
    fail_on_unverified: bool,
    html_reports: Mapping[str, str],
) -> ET.Element:
    article = report["article"]
    name = _token(article["name"]) or "article"
    path = str(article["path"])
    findings = report_findings(report)
    by_subject: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        by_subject.setdefault((finding.subject, finding.key), []).append(finding)

    cases: list[ET.Element] = []
    for ref in report["references"]:
        key = str(ref["key"])
        title = ref["cited"].get("title") or ref["cited"].get("raw") or ""
        cases.append(
            _case(
                f"{name}.references",
                f"reference {key}: {_short(title)}",
                by_subject.get(("reference", key), []),
                path,
                fail_on,
                fail_on_unverified,
                detail=_reference_detail(ref),
            )
        )
    for problem in report.get("citations") or []:
        marker, line = str(problem["marker"]), int(problem["line"])
        cases.append(
            _case(
                f"{name}.citations",
                f"citation {marker} on line {line}",
                [f for f in by_subject.get(("citation", marker), []) if f.line == line],
                path,
                fail_on,
                fail_on_unverified,
                detail=str(problem["message"]),
            )
        )
    for claim in report["claims"]:
        claim_id = str(claim["id"])
        cases.append(
            _case(
                f"{name}.claims",
                f"claim {claim_id}: {_short(claim['text'])}",
                by_subject.get(("claim", claim_id), []),
                path,
                fail_on,
                fail_on_unverified,
                detail=_claim_detail(claim),
            )
        )

    failures = sum(1 for case in cases if case.find("failure") is not None)
    suite = ET.Element(
        "testsuite",
        {
            "name": name,
            "package": "citeaudit",
            "id": str(number),
            "timestamp": _timestamp(str(report.get("generated_at") or "")),
            "hostname": host,
            "tests": str(len(cases)),
            "failures": str(failures),
            "errors": "0",
            "time": "0",
        },
    )
    properties = ET.SubElement(suite, "properties")
    summary = report.get("summary") or {}
    values = {
        "article": path,
        "fail_on": fail_on,
        "fail_on_unverified": "true" if fail_on_unverified else "false",
        "mode": str(report.get("mode") or ""),
        "report_schema": str(report.get("schema_version") or ""),
        "references": str(summary.get("references", len(report["references"]))),
        "claims": str(summary.get("claims", len(report["claims"]))),
    }
    if article["name"] in html_reports:
        values["html_report"] = html_reports[article["name"]]
    for key, value in values.items():
        ET.SubElement(properties, "property", {"name": key, "value": _clean(value)})
    suite.extend(cases)
    ET.SubElement(suite, "system-out").text = _clean(
        _system_out(report, findings, path, fail_on, fail_on_unverified)
    )
    ET.SubElement(suite, "system-err").text = ""
    return suite


def _case(
    classname: str,
    name: str,
    findings: list[Finding],
    path: str,
    fail_on: str,
    fail_on_unverified: bool,
    *,
    detail: str,
) -> ET.Element:
    case = ET.Element(
        "testcase", {"classname": _token(classname), "name": _token(name), "time": "0"}
    )
    failing = [f for f in findings if f.fails(fail_on, fail_on_unverified)]
    if failing:  # findings arrive most serious first
        lines = [f.gate_line(path) for f in failing]
        failure = ET.SubElement(
            case, "failure", {"type": failing[0].category, "message": _clean("; ".join(lines))}
        )
        failure.text = _clean("\n".join([*lines, "", detail]).strip() + "\n")
    return case


def _system_out(
    report: Mapping[str, Any],
    findings: list[Finding],
    path: str,
    fail_on: str,
    fail_on_unverified: bool,
) -> str:
    """What did not fail but should still be read: lesser problems and input checks."""
    lines = [
        f"citeaudit: {path} checked at --fail-on {fail_on}"
        + (" with --fail-on-unverified" if fail_on_unverified else "")
    ]
    lesser = [f for f in findings if not f.fails(fail_on, fail_on_unverified)]
    if lesser:
        lines += ["", f"Problems below the fail level ({len(lesser)}):"]
        lines += [f.gate_line(path) for f in lesser]
    for check in report.get("validation") or []:
        state = "passed" if check.get("success") else "FAILED"
        lines.append("")
        lines.append(f"Input check {check.get('name')}: {state}")
        lines += [f"  {detail}" for detail in check.get("details") or []]
    return "\n".join(lines) + "\n"


def _reference_detail(ref: Mapping[str, Any]) -> str:
    cited = ref.get("cited") or {}
    lines = [f"As cited (line {cited.get('line')}): {cited.get('raw', '')}"]
    lines.append(
        f"DOI {ref.get('doi') or 'none'}: {ref.get('doi_status')}; registry match: "
        f"{ref.get('match')}; retraction: {ref.get('retraction')}"
    )
    lines += [f"Problem: {p}" for p in ref.get("problems") or []]
    for link in (ref.get("links") or {}).values():
        lines.append(f"Look up: {link}")
    return "\n".join(lines)


def _claim_detail(claim: Mapping[str, Any]) -> str:
    refs = ", ".join(claim.get("refs") or []) or "nothing (uncited)"
    lines = [
        f"Claim (line {claim.get('line')}, {claim.get('kind') or 'claim'}): {claim.get('text')}",
        f"Cites: {refs}",
        f"Verdict: {claim.get('verdict')}. {claim.get('reason') or ''}".rstrip(),
    ]
    for evidence in claim.get("evidence") or []:
        lines.append(f"Evidence [{evidence.get('ref')}]: {evidence.get('sentence')}")
    return "\n".join(lines)


def _timestamp(value: str) -> str:
    """ISO 8601 in UTC without a zone and without fractions, as Ant's schema wants it."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        moment = datetime.now(UTC)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _token(text: str) -> str:
    """One line, single spaces: what an xs:token attribute (names, classnames) holds."""
    return " ".join(_clean(str(text)).split())


def _short(text: str, limit: int = 100) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
