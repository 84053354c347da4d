"""Build the seed article's source snapshots from `data/seed-references/` (stored pages).

Run once from the repository root: `python scripts/build_seed_sources.py`. The snapshots
are labelled as built from stored public pages, never as registry answers; a field
that no page confirms stays null.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from pathlib import Path

from citeaudit.doi import find_doi
from citeaudit.models import Work
from citeaudit.reading.article import read_article
from citeaudit.registries.answers import now_iso
from citeaudit.verification.snapshots import SNAPSHOT_SCHEMA, cited_as, save_snapshot, source_id

ROOT = Path(__file__).resolve().parent.parent
FACTS = ROOT / "data" / "seed-references"
NOTE = (
    "Built from stored public pages (listed under 'pages'), NOT a registry answer: Crossref, OpenAlex "
    "and doi.org could not be reached where this snapshot was made. Unknown fields are null. "
    "`citeaudit refresh` replaces it with registry answers."
)


def _authors(text: str) -> list[str]:
    text = re.sub(r"\([^)]*\)", "", text)
    names = []
    for name in (n.strip() for n in text.split(",")):
        if name:
            given, _, family = name.rpartition(" ")
            names.append(f"{family}, {given}" if given else family)
    return names


def _plain(value: object) -> str | None:
    """`7 (July 2001; from ...)` -> `7`: the fact without the page's commentary."""
    if value in (None, ""):
        return None
    return re.sub(r"\s*\(.*$", "", str(value)).strip() or None


def work_from_facts(facts: dict) -> Work | None:
    confirmed = facts.get("confirmed") or {}
    if not confirmed:
        return None
    year = (
        confirmed.get("year") or (re.match(r"\d{4}", str(confirmed.get("date", ""))) or [None])[0]
    )
    doi = find_doi(str(confirmed.get("DOI", "")))
    is_book = str(facts.get("type", "")).startswith("book")
    return Work(
        doi=doi,
        title=confirmed.get("title"),
        authors=_authors(confirmed.get("authors", "")),
        year=int(year) if year else None,
        container=confirmed.get("journal"),
        volume=_plain(confirmed.get("volume")) if not is_book else "1",
        issue=_plain(confirmed.get("issue")),
        pages=_plain(confirmed.get("pages")),
        publisher=_plain(str(confirmed.get("publisher", "")).split(",")[0]) if is_book else None,
        type="book" if is_book else "journal-article",
        pmid=_plain(confirmed.get("PMID")),
        abstract=facts.get("abstract") if isinstance(facts.get("abstract"), str) else None,
        abstract_source=facts.get("abstract_source")
        if isinstance(facts.get("abstract"), str)
        else None,
    )


def main() -> None:
    article = read_article(ROOT / "articles" / "back-muscle-pain.md")
    files = sorted(FACTS.glob("ref*.json"))
    for ref, path in zip(article.references, files, strict=True):
        facts = json.loads(path.read_text(encoding="utf-8"))
        work = work_from_facts(facts)
        pages = [s["url"] for s in facts.get("sources", [])]
        if facts.get("abstract_source"):
            pages.append(facts["abstract_source"])
        snapshot = {
            "schema": SNAPSHOT_SCHEMA,
            "id": source_id(ref),
            "cited_as": cited_as(ref),
            "work": asdict(work) if work else None,
            "doi": work.doi if work else None,
            "doi_status": "unverified",
            "match": "matched" if work else "unverified",
            "match_notes": [] if work else ["no stored page confirms any field of this reference"],
            "answers": {},
            "provenance": {
                "kind": "stored-pages",
                "note": NOTE,
                "built_from": f"data/seed-references/{path.name}",
                "pages": pages,
                "unknown": facts.get("unknown") or {},
            },
            "checked_at": now_iso(),
        }
        print(save_snapshot(ROOT / "sources", ref, snapshot).relative_to(ROOT))


if __name__ == "__main__":
    main()
