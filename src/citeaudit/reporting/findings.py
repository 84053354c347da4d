"""Every problem a JSON report shows, each with a stable id, most serious first.

The CI outputs (JUnit XML, GitHub annotations, the Markdown summary) and the site index
must agree with each other and with the exit code, so they all read this one list:

* `gate.py` decides the categories that can fail a run (retracted, broken, mismatch,
  unsupported, unverified) and their messages; a finding fails exactly when the gate
  would print its line.
* Problems that never fail a run are listed too (a claim only partly supported or
  unverifiable, an expression of concern, details to check), because an editor and a
  CI page should still see them.
* Each finding has an id that stays the same while the problem stays (a reference key
  and what is wrong with it; a claim id and its verdict), so a later run can tell new
  problems from resolved ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from citeaudit.reporting.gate import (
    FAIL_LEVELS,
    citation_findings,
    claim_findings,
    keyed_reference_findings,
)

# Most serious first: what an editor should fix before anything else.
CATEGORY_ORDER: tuple[str, ...] = (
    "retracted",  # a retracted or withdrawn source
    "concern",  # a source under an expression of concern
    "broken",  # a DOI that does not resolve, a reference that matches nothing
    "unsupported",  # a claim its sources do not support (or contradict)
    "look",  # a claim judged supported, but not surely enough to pass without an editor
    "mismatch",  # wrong metadata, ambiguous match
    "partial",  # a claim only partly supported
    "unverified",  # no registry answer
    "details",  # metadata to check (warnings)
    "unverifiable",  # a claim with no source text to judge it by
)
CATEGORY_TITLES: dict[str, str] = {
    "retracted": "Retracted source",
    "concern": "Expression of concern",
    "broken": "Broken reference",
    "unsupported": "Unsupported claim",
    "look": "Claim needs an editor's look",
    "mismatch": "Reference details wrong",
    "partial": "Claim only partly supported",
    "unverified": "Reference not verified",
    "details": "Reference details to check",
    "unverifiable": "Claim unverifiable",
}
# Within one category, the claims whose failure misleads readers most come first: an
# unsupported statistic or efficacy promise before a definition or a product detail.
CLAIM_KIND_ORDER: tuple[str, ...] = (
    "statistic",
    "efficacy",
    "risk",
    "causal",
    "comparison",
    "recommendation",
    "source_description",
    "finding",
    "definition",
    "product",
)


@dataclass(frozen=True)
class Finding:
    """One problem of one reference or claim, as every CI output shows it."""

    id: str  # stable across runs: "ref:<key>:<what>" or "claim:<claim id>:<verdict>"
    subject: str  # "reference" | "claim"
    key: str  # the reference key or the claim id
    line: int  # line in the article file
    category: str  # one of CATEGORY_ORDER
    message: str  # the gate's message for gate categories
    kind: str = ""  # claim kind, for ordering
    verdict: str = ""  # claim verdict

    @property
    def title(self) -> str:
        return CATEGORY_TITLES.get(self.category, self.category.replace("_", " ").capitalize())

    def fails(self, fail_on: str, fail_on_unverified: bool = False) -> bool:
        """Whether this finding fails a run at the level (the gate's own rule)."""
        return self.category in fail_categories(fail_on, fail_on_unverified)

    def gate_line(self, path: str) -> str:
        """`path:line: category: message`, exactly as `citeaudit check` prints a failure."""
        return f"{path}:{self.line}: {self.category}: {self.message}"

    def sort_key(self) -> tuple[int, int, int, int, str]:
        category = (
            CATEGORY_ORDER.index(self.category)
            if self.category in CATEGORY_ORDER
            else len(CATEGORY_ORDER)
        )
        contradicted = 0 if self.verdict == "contradicted" else 1
        kind = (
            CLAIM_KIND_ORDER.index(self.kind)
            if self.kind in CLAIM_KIND_ORDER
            else len(CLAIM_KIND_ORDER)
        )
        return (category, contradicted, kind, self.line, self.id)


def fail_categories(fail_on: str, fail_on_unverified: bool = False) -> frozenset[str]:
    """The categories that fail a run at `fail_on` (`unverified` only when asked for)."""
    categories = set(FAIL_LEVELS[fail_on])
    if fail_on_unverified:
        categories.add("unverified")
    return frozenset(categories)


def report_findings(report: Mapping[str, Any]) -> list[Finding]:
    """All findings of one JSON report, most serious first."""
    found = [*_reference_findings(report), *_citation_findings(report), *_claim_findings(report)]
    return sorted(found, key=Finding.sort_key)


def failing_lines(
    report: Mapping[str, Any], fail_on: str, fail_on_unverified: bool = False
) -> list[str]:
    """The lines `citeaudit check` prints for a report's failures, most serious first, as
    every other output lists them."""
    path = str(report["article"]["path"])
    return [
        f.gate_line(path) for f in report_findings(report) if f.fails(fail_on, fail_on_unverified)
    ]


def _reference_findings(report: Mapping[str, Any]) -> list[Finding]:
    out: list[Finding] = []
    for ref in report.get("references") or []:
        key = str(ref["key"])
        line = int(ref["cited"]["line"])
        for what, category, message in keyed_reference_findings(ref):
            out.append(Finding(f"ref:{key}:{what}", "reference", key, line, category, message))
        if ref.get("retraction") == "expression_of_concern":
            out.append(
                Finding(
                    f"ref:{key}:concern",
                    "reference",
                    key,
                    line,
                    "concern",
                    f"[{key}] the cited work is under an expression of concern",
                )
            )
        for mismatch in ref.get("mismatches") or []:
            if mismatch.get("severity") == "warning":
                field = mismatch.get("field")
                explanation = mismatch.get("explanation") or ""
                out.append(
                    Finding(
                        f"ref:{key}:field-{field}",
                        "reference",
                        key,
                        line,
                        "details",
                        f"[{key}] {field}: cited '{mismatch.get('cited')}', registry "
                        f"'{mismatch.get('registry')}'"
                        + (f" ({explanation})" if explanation else ""),
                    )
                )
    return out


def _citation_findings(report: Mapping[str, Any]) -> list[Finding]:
    """Markers in the text that name no reference (the gate decides their category)."""
    out: list[Finding] = []
    for problem in report.get("citations") or []:
        marker, line = str(problem["marker"]), int(problem["line"])
        for category, message in citation_findings(problem):
            out.append(
                Finding(f"citation:{line}:{marker}", "citation", marker, line, category, message)
            )
    return out


_NON_FAILING_VERDICTS = {"partially_supported": "partial", "unverifiable": "unverifiable"}


def _claim_findings(report: Mapping[str, Any]) -> list[Finding]:
    out: list[Finding] = []
    for claim in report.get("claims") or []:
        claim_id = str(claim["id"])
        verdict = str(claim["verdict"])
        kind = str(claim.get("kind") or "")
        line = int(claim["line"])
        found = list(claim_findings(claim))
        if verdict in _NON_FAILING_VERDICTS:
            label = verdict.replace("_", " ")
            found.append(
                (
                    _NON_FAILING_VERDICTS[verdict],
                    f"[{claim_id}] claim {label}: {claim.get('reason', '')}",
                )
            )
        for category, message in found:
            out.append(
                Finding(
                    f"claim:{claim_id}:{verdict}",
                    "claim",
                    claim_id,
                    line,
                    category,
                    message,
                    kind=kind,
                    verdict=verdict,
                )
            )
    return out
