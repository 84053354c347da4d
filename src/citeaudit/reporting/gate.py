"""The CI gate: which findings fail a run at a given --fail-on level.

Levels nest: `retracted` fails only on retracted or withdrawn sources; `broken` (the
default) adds DOIs that do not resolve and references that match nothing;
`mismatch` adds metadata errors and ambiguous matches; `unsupported` adds claims the
sources do not support, and `supported` ones the judge is not sure enough of to pass
(they need an editor's look); `never` only reports. `unverified` (no definite registry
answer) fails only when asked for, because a registry outage is not the article's fault.
"""

from __future__ import annotations

from typing import Any

FAIL_LEVELS: dict[str, frozenset[str]] = {
    "never": frozenset(),
    "retracted": frozenset({"retracted"}),
    "broken": frozenset({"retracted", "broken"}),
    "mismatch": frozenset({"retracted", "broken", "mismatch"}),
    "unsupported": frozenset({"retracted", "broken", "mismatch", "unsupported", "look"}),
}


def reference_findings(ref: dict[str, Any]) -> list[tuple[str, str]]:
    """(category, message) for one reference of a JSON report."""
    return [(category, message) for _, category, message in keyed_reference_findings(ref)]


def keyed_reference_findings(ref: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(what, category, message) for one reference; `what` names the check that found it.

    `what` stays the same from run to run for the same problem (e.g. `doi`, `field-year`),
    so that a site index can tell a new problem from one that was already there.
    """
    key = ref["key"]
    out: list[tuple[str, str, str]] = []
    if ref["retraction"] in ("retracted", "withdrawn"):
        notice = next(
            (n for n in ref.get("notices", []) if n.get("type") in ("retraction", "withdrawal")), {}
        )
        detail = f" (notice {notice['doi']})" if notice.get("doi") else ""
        out.append(
            ("retraction", "retracted", f"[{key}] the cited work is {ref['retraction']}{detail}")
        )
    if ref["doi_status"] in ("not_found", "invalid"):
        what = "is malformed" if ref["doi_status"] == "invalid" else "does not resolve"
        out.append(("doi", "broken", f"[{key}] DOI {ref['doi'] or ref['cited'].get('doi')} {what}"))
    if ref["match"] == "not_found":
        out.append(("no-match", "broken", f"[{key}] no registry record matches this reference"))
    if ref["match"] == "ambiguous":
        out.append(
            (
                "ambiguous",
                "mismatch",
                f"[{key}] several registry records fit this reference; add its DOI",
            )
        )
    for mismatch in ref["mismatches"]:
        if mismatch["severity"] == "error":
            out.append(
                (
                    f"field-{mismatch['field']}",
                    "mismatch",
                    f"[{key}] {mismatch['field']}: cited '{mismatch['cited']}', registry '{mismatch['registry']}'",
                )
            )
    if "unverified" in (ref["doi_status"], ref["match"]) and not out:
        out.append(("unverified", "unverified", f"[{key}] not verified against a registry"))
    link = ref.get("link") or {}
    if link.get("status") == "dead":
        # The reader cannot follow the citation: wrong as a wrong year is, never "broken"
        # (pages move; the work may well exist).
        message = f"[{key}] link {link.get('url')} is dead ({link.get('detail')})"
        out.append(("link", "mismatch", message))
    return out


def citation_findings(problem: dict[str, Any]) -> list[tuple[str, str]]:
    """An inline marker naming no reference (or several): the reader cannot find the
    source and the claim is judged without it. The article's citing is wrong, as a
    wrong year would be, so it fails at the `mismatch` level."""
    return [("mismatch", f"citation {problem['message']}")]


def claim_findings(claim: dict[str, Any]) -> list[tuple[str, str]]:
    """A claim the sources do not support; and one the judge called supported without
    being sure enough to pass it, which an editor must look at before it is."""
    if claim["verdict"] in ("unsupported", "contradicted"):
        return [
            ("unsupported", f"[{claim['id']}] claim {claim['verdict']}: {claim.get('reason', '')}")
        ]
    if claim.get("needs_look"):
        return [
            (
                "look",
                f"[{claim['id']}] claim needs an editor's look: {claim.get('reason', '')}",
            )
        ]
    return []


def failures(report: dict[str, Any], fail_on: str, fail_on_unverified: bool = False) -> list[str]:
    """One line per finding at or above the level: `path:line: category: message`."""
    categories = set(FAIL_LEVELS[fail_on])
    if fail_on_unverified:
        categories.add("unverified")
    path = report["article"]["path"]
    lines: list[str] = []
    for ref in report["references"]:
        for category, message in reference_findings(ref):
            if category in categories:
                lines.append(f"{path}:{ref['cited']['line']}: {category}: {message}")
    for problem in report.get("citations") or []:
        for category, message in citation_findings(problem):
            if category in categories:
                lines.append(f"{path}:{problem['line']}: {category}: {message}")
    for claim in report["claims"]:
        for category, message in claim_findings(claim):
            if category in categories:
                lines.append(f"{path}:{claim['line']}: {category}: {message}")
    return lines
