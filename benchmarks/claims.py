"""Claim extraction on real published articles: is every sentence that cites a source
proposed as a claim, carrying exactly the references it cites?

Why: a citing sentence that is not proposed is never judged, so a wrong citation in it
reaches readers unchecked; one proposed with the wrong references is judged against the
wrong source.

Data: the hand-labelled citing sentences of ``benchmarks/data/articles/`` (the same
pages and labels as ``benchmarks/articles.py``, provenance in its PROVENANCE.md);
``dev/`` may be looked at while improving extraction, ``heldout/`` is only measured.

How it scores: each page is read and its claims proposed the way ``citeaudit extract``
does (a sentence cut into one claim per cited clause counts as the whole sentence,
with its clauses' references together). A labelled citing sentence is matched to the
proposed claim whose text is closest (markers removed on both sides); it counts as *extracted* when such a claim exists and
as *extracted with its references* when that claim's references are exactly the
labelled ones. The issue asks for every cited sentence extracted (1.0).

Uncited sentences: ``checkworthiness-{dev,heldout}.jsonl`` beside the pages hold up to 40
sentences per page, drawn at random from those the reader found no citation in, each
labelled check-worthy or not by hand (``CHECKWORTHINESS-LABELS.md``, written before any
model was trained). A labelled sentence counts as *proposed* when a proposed claim's text
matches it (fuzzy ratio >= 90, markers removed); precision is the share of proposed
labelled sentences that are check-worthy, recall the share of check-worthy ones proposed.
The issue asks recall >= 0.90 at precision >= 0.80 on the held-out pages.

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


def _uncited_labels(split: str) -> dict[str, list[dict]]:
    """The hand-labelled uncited sentences of a split's pages, by page file name."""
    path = DATA / f"checkworthiness-{split}.jsonl"
    out: dict[str, list[dict]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out.setdefault(row["article"], []).append(row)
    return out


def score_article(html: Path, uncited: list[dict]) -> dict:
    labels = json.loads(
        html.with_name(html.name.removesuffix(html.suffix) + ".labels.json").read_text()
    )
    article = read_any_article(html)
    keys = _reference_keys(article, labels["references"])
    claims = propose_claims(article)
    # a sentence cut into one claim per cited clause is extracted as a whole: its
    # clauses' claims together carry the sentence's references
    candidates = [(claim.text, set(claim.refs)) for claim in claims] + [
        (s.text, set(s.refs)) for s in article.sentences if s.parts
    ]
    texts = [_plain(text) for text, _ in candidates]
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    for row in uncited:
        found = process.extractOne(_plain(row["text"]), texts, scorer=fuzz.ratio)
        proposed = bool(found and found[1] >= 90)
        key = ("tp" if proposed else "fn") if row["checkworthy"] else ("fp" if proposed else "tn")
        counts[key] += 1
    extracted = with_refs = 0
    for item in labels["cited_sentences"]:
        found = process.extractOne(_plain(item["sentence"]), texts, scorer=fuzz.ratio)
        if not found or found[1] < 80:
            continue
        extracted += 1
        want = {keys.get(p) for p in item["refs"]}
        if None not in want and candidates[found[2]][1] == want:
            with_refs += 1
    return {
        "article": html.name,
        "cited_sentences": len(labels["cited_sentences"]),
        "extracted": extracted,
        "with_refs": with_refs,
        "claims": len(claims),
        **counts,
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
        uncited = _uncited_labels(split)
        rows = [
            score_article(p, uncited.get(p.name, [])) for p in sorted((DATA / split).glob("*.html"))
        ]
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
        tp, fp, fn = (sum(r[k] for r in rows) for k in ("tp", "fp", "fn"))
        labelled = sum(r[k] for r in rows for k in ("tp", "fp", "fn", "tn"))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        print(
            f"  uncited check-worthy ({labelled} labelled sentences, {tp + fn} check-worthy):"
            f" precision {tp}/{tp + fp} = {precision:.3f}, recall {tp}/{tp + fn} = {recall:.3f}"
        )
        results[split] = {
            "articles": len(rows),
            "cited_sentences": total,
            "extracted": extracted,
            "extracted_share": round(share, 3),
            "with_refs": with_refs,
            "with_refs_share": round(right, 3),
            "uncited_labelled": labelled,
            "uncited_precision": round(precision, 3),
            "uncited_recall": round(recall, 3),
        }
    seconds = round(time.perf_counter() - started, 1)
    if args.json:
        print(json.dumps({"splits": results, "seconds": seconds}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
