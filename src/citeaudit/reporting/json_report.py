"""The JSON report: a stable contract for CI and other tools.

Its shape is defined by `schema/report.schema.json`; `build_report` is the only place
that produces it, and tests validate its output against the schema.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import quote

from citeaudit.claims.parts import claim_parts
from citeaudit.files import write_text_if_changed
from citeaudit.models import Article, ClaimResult, ReferenceCheck, Work
from citeaudit.reading.article import paragraph_text
from citeaudit.registries.answers import now_iso
from citeaudit.reporting.findings import report_findings
from citeaudit.reporting.suggested_fixes import add_suggestions

SCHEMA_VERSION = "1"
_CITED_FIELDS = (
    "raw", "line", "authors", "year", "title", "container", "volume", "issue", "pages",
    "edition", "publisher", "place", "doi", "pmid", "isbn", "url", "kind", "description",
)  # fmt: skip


@lru_cache(maxsize=1)
def report_schema() -> dict[str, Any]:
    return json.loads(
        files("citeaudit").joinpath("reporting/schema/report.schema.json").read_text("utf-8")
    )


def _links(doi: str | None, work: Work | None) -> dict[str, str]:
    links: dict[str, str] = {}
    if doi:
        links["doi"] = f"https://doi.org/{quote(doi, safe='/')}"
        links["openalex"] = f"https://openalex.org/works?filter=doi:{quote(doi, safe='/')}"
    if work and work.pmid and work.pmid.isdigit():
        links["pubmed"] = f"https://pubmed.ncbi.nlm.nih.gov/{work.pmid}/"
    return links


def build_report(
    article: Article,
    checks: list[ReferenceCheck],
    works: dict[str, Work | None],
    results: list[ClaimResult],
    *,
    mode: str,
    validation: list[dict[str, Any]],
    fail_on: str,
) -> dict[str, Any]:
    """Assemble the report; `summary.failing` is filled in by the pipeline's gate."""
    refs_by_key = {r.key: r for r in article.references}
    references = []
    for check in checks:
        ref = refs_by_key[check.key]
        work = works.get(check.key)
        references.append(
            {
                "key": check.key,
                "cited": {name: getattr(ref, name) for name in _CITED_FIELDS},
                "doi": check.doi,
                "doi_status": check.doi_status,
                "match": check.match,
                "mismatches": [{k: v for k, v in asdict(m).items()} for m in check.mismatches],
                "retraction": check.retraction,
                "notices": [
                    {k: n.get(k) for k in ("type", "doi", "date", "source")} for n in check.notices
                ],
                "problems": check.problems,
                "registry": _registry_view(work),
                "provenance": check.provenance,
                "registry_answer": check.registry_answer,
                "source_file": check.source_file,
                "links": _links(check.doi, work),
                "link": check.link,
            }
        )
    # The registry's version of each reference that differs from it, in the list's style.
    add_suggestions(references)
    claims = []
    for result in results:
        claim = result.claim
        sentence = next(
            (
                s
                for s in article.sentences
                if (s.line == claim.line and s.text in claim.text) or claim.text in s.text
            ),
            None,
        )
        claims.append(
            {
                "id": claim.claim_id,
                "text": claim.text,
                "line": claim.line,
                "kind": claim.kind,
                "parts": asdict(claim_parts(claim.text)),
                "refs": claim.refs,
                "cited": claim.cited,
                "verdict": result.verdict,
                "reason": result.reason,
                "evidence": [asdict(e) for e in result.evidence],
                "supporting_refs": result.supporting_refs,
                "needs_look": result.needs_look,
                "paragraph": paragraph_text(article, sentence.paragraph) if sentence else None,
            }
        )
    report = {
        "schema_version": SCHEMA_VERSION,
        "article": {"name": article.name, "path": article.path, "title": _title(article)},
        "generated_at": now_iso(),
        "mode": mode,
        "summary": {
            "references": len(references),
            "claims": len(claims),
            "uncited_claims": sum(1 for c in claims if not c["cited"]),
            "doi_status": dict(Counter(r["doi_status"] for r in references)),
            "match": dict(Counter(r["match"] for r in references)),
            "retraction": dict(Counter(r["retraction"] for r in references)),
            "verdicts": dict(Counter(c["verdict"] for c in claims)),
            "problems": 0,  # set below, from the findings
            "failing_problems": 0,
            "failing": False,
            "fail_on": fail_on,
        },
        "references": references,
        "claims": claims,
        # inline markers that point at no reference (or at several): citation errors
        "citations": [asdict(p) for p in article.citation_problems],
        "validation": validation,
    }
    # One count of problems for every output: the findings each of them lists.
    findings = report_findings(report)
    report["summary"]["problems"] = len(findings)
    report["summary"]["failing_problems"] = sum(f.fails(fail_on) for f in findings)
    return report


def _title(article: Article) -> str | None:
    """The article's "# H1" heading; for a web page without one, its first line."""
    if article.title:
        return article.title
    return (
        article.sentences[0].text if article.sentences and article.path.endswith(".html") else None
    )


def _registry_view(work: Work | None) -> dict[str, Any] | None:
    if work is None:
        return None
    view = asdict(work)
    view.pop("abstract", None)  # long; the evidence sentences show what matters
    return view


def write_json(report: dict[str, Any], path: Path) -> None:
    write_text_if_changed(path, json.dumps(report, indent=2, ensure_ascii=False) + "\n")


def keep_time_if_unchanged(report: dict[str, Any], path: Path) -> None:
    """Give `report` the time of the report at `path` when the two differ in nothing else.

    Every output shows when its report was made; a run that found nothing new then
    rewrites nothing (the HTML, JUnit and index follow the report's time), so a team
    that tracks reports/ in git sees a change only when there is one.
    """
    try:
        old = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    new = json.loads(json.dumps(report, ensure_ascii=False))  # as it would be read back
    if (
        isinstance(old, dict)
        and isinstance(old.get("generated_at"), str)
        and {**old, "generated_at": None} == {**new, "generated_at": None}
    ):
        report["generated_at"] = old["generated_at"]
