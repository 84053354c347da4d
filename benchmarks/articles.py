"""Citation linking on real published articles: is each citing sentence linked to
exactly the references it cites?

Why: a claim is judged against the sources its sentence cites. A sentence linked to no
source is reported "uncited", one linked to the wrong source is judged against the
wrong evidence; both reach an editor as false findings.

Data: ``benchmarks/data/articles/`` (provenance and licences in its PROVENANCE.md):
real publisher and Wikipedia pages, saved as published, each with hand-made labels
(``NAME.labels.json``) of every citing sentence in the body and the 1-based positions
in the reference list of the entries it cites. ``dev/`` (15 pages) may be looked at
while improving the reader; ``heldout/`` (6 pages) is only for reporting.

How it scores: each article is read the way ``citeaudit check`` reads it. A labelled
reference position is mapped to citeaudit's reference whose text best matches the
label's opening words; a labelled sentence is mapped to citeaudit's sentence whose
text best matches it (markers, and a formula's TeX source, removed on both sides). The sentence counts as right
when the set of references citeaudit linked equals the labelled set. A labelled
sentence citeaudit did not find at all counts as wrong.

Usage: ``uv run python benchmarks/articles.py [--split dev|heldout|all] [--json]``;
with ``--json`` the last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

from rapidfuzz import fuzz, process

from citeaudit.models import Article
from citeaudit.reading.inputs import read_any_article

DATA = Path(__file__).resolve().parent / "data" / "articles"
_MARKERS = re.compile(r"\[[\d,\s–-]+\]|\([^()]*\b(?:1[89]|20)\d\d[a-z]?\b[^()]*\)|[\d,–-]+$")


_YEAR = re.compile(r"\b(?:1[89]|20)\d\d[a-z]?\b")


# A formula's TeX source that Wikipedia puts beside its rendering, "{\displaystyle x_{j}}":
# copied into a label from the page's text (the labeller's note says so), kept by no
# reader; set aside on both sides like the markers (nested braces one level deep).
_TEX = re.compile(r"\{\\displaystyle(?:[^{}]|\{[^{}]*\})*\}")


def _plain(text: str) -> str:
    text = _MARKERS.sub(" ", _TEX.sub(" ", text))
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def _match_key(text: str) -> str:
    """What a sentence is matched by: its words without markers; for a sentence that is
    one bracketed aside with a year in it ("(See Lee, 2012, for a review.)"), which that
    leaves empty or nearly so, all its words."""
    plain = _plain(text)
    if len(plain) >= 20:
        return plain
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def _reference_keys(article: Article, openings: list[str]) -> dict[int, str | None]:
    """Labelled list position -> citeaudit's reference key (None when none is close)."""
    raws = [_plain(ref.raw) for ref in article.references]
    keys: dict[int, str | None] = {}
    # Entries that read the same once years are set aside ("Merola, I., ... (2012a)" and
    # "(2012b)"; a 1975 paper and its 1993 reprint) take the reference with their year,
    # then the matching references in list order, not the first one twice.
    taken: dict[str, set[int]] = {}
    for position, opening in enumerate(openings, start=1):
        used = taken.setdefault(_plain(opening), set())
        found = [
            f
            for f in process.extract(_plain(opening), raws, scorer=fuzz.partial_ratio, limit=8)
            if f[1] >= 85
        ]
        best = [f for f in found if f[1] == found[0][1]] if found else []
        years = set(_YEAR.findall(opening))

        def order(f: tuple, years: set[str] = years) -> tuple[bool, int]:
            raw_years = set(_YEAR.findall(article.references[f[2]].raw))
            return (not (years and years <= raw_years), f[2])

        pick = next((f for f in sorted(best, key=order) if f[2] not in used), None)
        pick = pick or (found[0] if found else None)
        if pick is not None:
            used.add(pick[2])
        keys[position] = article.references[pick[2]].key if pick is not None else None
    return keys


def score_article(html: Path) -> dict:
    labels = json.loads(
        html.with_name(html.name.removesuffix(html.suffix) + ".labels.json").read_text()
    )
    article = read_any_article(html)
    keys = _reference_keys(article, labels["references"])
    sentences = [_match_key(s.text) for s in article.sentences]
    right = 0
    misses: list[dict] = []
    for item in labels["cited_sentences"]:
        want = {keys.get(p) for p in item["refs"]}
        found = process.extract(_match_key(item["sentence"]), sentences, scorer=fuzz.ratio, limit=5)
        got: set[str | None] = set()
        if found and found[0][1] >= 80:
            # the same words may stand twice (an abstract repeats the introduction's first
            # sentence without its citation): the one that cites is the one labelled
            ties = [f for f in found if f[1] == found[0][1]]
            best = next((f for f in ties if article.sentences[f[2]].refs), ties[0])
            got = set(article.sentences[best[2]].refs)
        if got == want and None not in want:
            right += 1
        else:
            misses.append(
                {
                    "sentence": item["sentence"][:120],
                    "want": sorted(map(str, want)),
                    "got": sorted(map(str, got)),
                    "style": item.get("style"),
                }
            )
    return {
        "article": html.name,
        "cited_sentences": len(labels["cited_sentences"]),
        "right": right,
        "references_labelled": labels["reference_count"],
        "references_read": len(article.references),
        "misses": misses,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", default="dev", choices=("dev", "heldout", "all"))
    parser.add_argument("--json", action="store_true", help="end with one JSON object")
    parser.add_argument("--show", type=int, default=0, help="print N misses per article (dev only)")
    args = parser.parse_args(argv)
    splits = ("dev", "heldout") if args.split == "all" else (args.split,)
    started = time.perf_counter()
    results = {}
    for split in splits:
        rows = [score_article(p) for p in sorted((DATA / split).glob("*.html"))]
        total = sum(r["cited_sentences"] for r in rows)
        right = sum(r["right"] for r in rows)
        print(f"\n{split}: {len(rows)} articles, {total} cited sentences")
        for r in rows:
            print(
                f"  {r['article']:<48} {r['right']:>3}/{r['cited_sentences']:<3} "
                f"references {r['references_read']}/{r['references_labelled']}"
            )
            if args.show and split == "dev":
                for miss in r["misses"][: args.show]:
                    print(f"      {miss}")
        share = right / total if total else 0.0
        print(f"  linked to exactly the right references: {right}/{total} = {share:.3f}")
        results[split] = {
            "articles": len(rows),
            "cited_sentences": total,
            "linked_right": right,
            "share": round(share, 3),
            "per_article": {r["article"]: [r["right"], r["cited_sentences"]] for r in rows},
        }
    seconds = round(time.perf_counter() - started, 1)
    if args.json:
        print(json.dumps({"splits": results, "seconds": seconds}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
