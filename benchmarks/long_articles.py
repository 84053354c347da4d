"""Long articles: reading and claim extraction must take time in proportion to the text.

Why: `citeaudit extract` on a one-line article once took 1.4 s at 40 KB, 11.2 s at
200 KB and did not finish 1 MB in 180 s (sentence splitting and heading detection
grew with the square of the text), while the size limit is 5 MB. A publisher's export
may well put a whole article on one line.

The articles are the seed article's own body, repeated up to each size, with its
reference list after it, in two shapes: everything on **one line**, and the body's
**lines** as the seed has them (a paragraph per line). For each, the script times, in
this process, what `citeaudit extract` does before writing claims.csv:
`read_article` (paragraphs, sentence splitting, citation markers, references) and
`propose_claims`. It prints seconds and MB/s per size, and `growth`: seconds per MB at
the largest size over seconds per MB at the smallest (about 1 when time is linear in
the text; 25 for a square law over a 25-fold size range).

Usage: ``uv run python benchmarks/long_articles.py [--sizes 200000,1000000,5000000]
[--json]``; with ``--json`` the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from citeaudit.claims.proposals import propose_claims
from citeaudit.reading.article import read_article

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "articles" / "back-muscle-pain.md"
REFERENCES_HEADING = "References:"


def build_article(size: int, one_line: bool) -> str:
    """The seed's body repeated to `size` bytes (one line, or a paragraph a line), then
    its reference list."""
    text = SEED.read_text(encoding="utf-8")
    body, references = text.split(REFERENCES_HEADING, 1)
    paragraphs = [line.strip() for line in body.splitlines() if line.strip()]
    joiner = " " if one_line else "\n"
    unit = joiner.join(paragraphs)
    copies = max(1, size // (len(unit.encode("utf-8")) + 1))
    return joiner.join([unit] * copies) + "\n" + REFERENCES_HEADING + references


def measure(size: int, one_line: bool, workdir: Path) -> dict[str, Any]:
    path = workdir / f"long-{'line' if one_line else 'lines'}-{size}.md"
    path.write_text(build_article(size, one_line), encoding="utf-8")
    started = time.perf_counter()
    article = read_article(path)
    read_s = time.perf_counter() - started
    claims = propose_claims(article)
    total_s = time.perf_counter() - started
    megabytes = path.stat().st_size / 1_000_000
    return {
        "shape": "one line" if one_line else "a paragraph a line",
        "bytes": path.stat().st_size,
        "sentences": len(article.sentences),
        "claims": len(claims),
        "read_s": round(read_s, 3),
        "total_s": round(total_s, 3),
        "mb_per_s": round(megabytes / total_s, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="200000,1000000,5000000",
        help="article sizes in bytes, comma-separated (the limit is 5,242,880)",
    )
    parser.add_argument("--json", action="store_true", help="end with one JSON object")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for one_line in (True, False):
            for size in sizes:
                row = measure(size, one_line, Path(tmp))
                rows.append(row)
                print(
                    f"{row['shape']:>20}  {row['bytes'] / 1e6:6.2f} MB  "
                    f"{row['sentences']:>6} sentences  {row['claims']:>6} claims  "
                    f"read {row['read_s']:7.2f} s  total {row['total_s']:7.2f} s  "
                    f"{row['mb_per_s']:.3f} MB/s",
                    flush=True,
                )
    growth = {}
    for shape in ("one line", "a paragraph a line"):
        mine = [r for r in rows if r["shape"] == shape]
        first, last = mine[0], mine[-1]
        growth[shape] = round(
            (last["total_s"] / last["bytes"]) / (first["total_s"] / first["bytes"]), 2
        )
        print(f"growth ({shape}): {growth[shape]} (seconds per MB, largest over smallest)")
    if args.json:
        print(json.dumps({"rows": rows, "growth": growth}))


if __name__ == "__main__":
    main()
