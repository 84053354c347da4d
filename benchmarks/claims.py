"""Claim extraction on real published articles: is every sentence that cites a source
proposed as a claim, carrying exactly the references it cites?

Why: a citing sentence that is not proposed is never judged, so a wrong citation in it
reaches readers unchecked; one proposed with the wrong references is judged against the
wrong source.

Data: the hand-labelled citing sentences of ``benchmarks/data/articles/`` (the same
pages and labels as ``benchmarks/articles.py``, provenance in its PROVENANCE.md);
``dev/`` may be looked at while improving extraction, ``heldout/`` is only measured.

How it scores: each page is read and its claims proposed the way ``citeaudit extract``
does. A labelled citing sentence is matched to the proposed claim whose text is closest
(markers removed on both sides); it counts as *extracted* when such a claim exists and
as *extracted with its references* when that claim's references are exactly the
labelled ones. The issue asks for every cited sentence extracted (1.0).

Not measured here: precision and recall of *uncited* check-worthy sentences, for which
no labelled real articles exist in the project yet.

Usage: ``uv run python benchmarks/claims.py [--split dev|heldout|all] [--json]``; with
``--json`` the last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parent))

from articles import DATA, _plain, _reference_keys
from citeaudit.claims.proposals import propose_claims
from citeaudit.reading.inputs import read_any_article


def score_article(html: Path) -> dict:
    labels = json.loads(
        html.with_name(html.name.removesuffix(html.suffix) + ".labels.json").read_text()
    )
    article = read_any_article(html)
    keys = _reference_keys(article, labels["references"])
    claims = propose_claims(article)
    texts = [_plain(claim.text) for claim in claims]
    extracted = with_refs = 0
    for item in labels["cited_sentences"]:
        found = process.extractOne(_plain(item["sentence"]), texts, scorer=fuzz.ratio)
        if not found or found[1] < 80:
            continue
        extracted += 1
        want = {keys.get(p) for p in item["refs"]}
        if None not in want and set(claims[found[2]].refs) == want:
            with_refs += 1
    return {
        "article": html.name,
        "cited_sentences": len(labels["cited_sentences"]),
        "extracted": extracted,
        "with_refs": with_refs,
        "claims": len(claims),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", default="dev", choices=("dev", "heldout", "all"))
    parser.add_argument("--json", action="store_true", help="end with one JSON object")
    args = parser.parse_args(argv)
    splits = ("dev", "heldout") if args.split == "all" else (args.split,)
    started = time.perf_counter()
    results = {}
    for split in splits:
        rows = [score_article(p) for p in sorted((DATA / split).glob("*.html"))]
        total = sum(r["cited_sentences"] for r in rows)
        extracted = sum(r["extracted"] for r in rows)
        with_refs = sum(r["with_refs"] for r in rows)
        print(f"\n{split}: {len(rows)} articles, {total} cited sentences")
        for r in rows:
            print(
                f"  {r['article']:<58} extracted {r['extracted']:>3}/{r['cited_sentences']:<3}"
                f" with its references {r['with_refs']:>3}"
            )
        share = extracted / total if total else 0.0
        right = with_refs / total if total else 0.0
        print(f"  cited sentences extracted: {extracted}/{total} = {share:.3f}")
        print(f"  extracted with exactly their references: {with_refs}/{total} = {right:.3f}")
        results[split] = {
            "articles": len(rows),
            "cited_sentences": total,
            "extracted": extracted,
            "extracted_share": round(share, 3),
            "with_refs": with_refs,
            "with_refs_share": round(right, 3),
        }
    seconds = round(time.perf_counter() - started, 1)
    if args.json:
        print(json.dumps({"splits": results, "seconds": seconds}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
