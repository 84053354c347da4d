"""Reference-string parsing on real, hand-labelled references the parser never saw.

Why: a wrong field becomes a wrong "mismatch" in front of an editor, and rendered
strings (``benchmarks/references.py``) are far cleaner than real reference lists. This
scores ``parse_reference`` on the held-out 15 % of AnyStyle's hand-labelled references
(``benchmarks/reference_data.py``; never trained or tuned on). For comparison, the old
rule-based parser this labeller replaced (measured on the same split when it was
replaced: 0.508 of fields right overall, 0.144 of references fully right, 4 crashes).

How a field is scored: the hand-labelled segments go through the same normalisers the
parser uses (``reading/reference_fields.fill_fields``), which gives the gold value of
each field; the parser's value is right when it equals the gold one after case,
accents, spacing and punctuation are folded (so a book whose hand labels call its name
a container and give no title has that name as its title, on both sides, as the
registries have it). A field counts when the gold reference
or the parse has it, so a field invented where the reference has none is an error.
Authors are right when the list of family names equals the gold list. "Overall" is
over the six fields an editor sees compared with the registry (authors, year, title,
container, volume, pages); a reference is fully right when all its fields are.

Usage: ``uv run python benchmarks/parsing.py [--split held-out|dev] [--json]``; with ``--json`` the
last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from citeaudit.models import Reference  # noqa: E402
from citeaudit.reading.normalise.people import family  # noqa: E402
from citeaudit.reading.reference_fields import fill_fields  # noqa: E402
from citeaudit.reading.references import parse_reference  # noqa: E402
from reference_data import FILES, Labelled, load  # noqa: E402

FIELDS = ("authors", "year", "title", "container", "volume", "pages")
EXTRA = ("issue", "publisher", "place")


def _fold(value: object) -> str:
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def field_value(ref: Reference, name: str) -> str | None:
    if name == "authors":
        names = [_fold(family(person)) for person in ref.authors]
        return " | ".join(names) or None
    value = getattr(ref, name)
    if value in (None, ""):
        return None
    return _fold(value) or None


def gold(item: Labelled) -> Reference:
    ref = Reference(key="", raw=item.text, line=0)
    return fill_fields(ref, list(item.segments), untangle=False)


def score(parser, items: list[Labelled]) -> dict:
    right: Counter[str] = Counter()
    counted: Counter[str] = Counter()
    fully = crashes = 0
    for item in items:
        expected = gold(item)
        try:
            got = parser(item.text, 1)
        except Exception:
            crashes += 1
            continue
        all_right = True
        for name in FIELDS + EXTRA:
            want, have = field_value(expected, name), field_value(got, name)
            if want is None and have is None:
                continue
            counted[name] += 1
            if want == have:
                right[name] += 1
            elif name in FIELDS:
                all_right = False
        fully += all_right
    per_field = {
        name: round(right[name] / counted[name], 3) for name in FIELDS + EXTRA if counted[name]
    }
    overall = sum(right[n] for n in FIELDS) / max(1, sum(counted[n] for n in FIELDS))
    return {
        "references": len(items),
        "overall": round(overall, 3),
        "fully_right": round(fully / max(1, len(items)), 3),
        "crashes": crashes,
        "fields": per_field,
    }


def speed(items: list[Labelled], count: int = 1000) -> float:
    texts = [item.text for item in items][:count]
    parse_reference(texts[0], 1)  # the model loads once per process, not per reference
    started = time.perf_counter()
    for text in texts:
        parse_reference(text, 1)
    return round((time.perf_counter() - started) * count / len(texts), 3)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="end with one JSON object")
    parser.add_argument("--split", default="held-out", choices=("held-out", "dev", "train"))
    args = parser.parse_args(argv)
    items = load(args.split)
    result = score(parse_reference, items)
    by_file = {
        name: score(parse_reference, [item for item in items if item.source == name])
        for name in FILES
    }
    result["by_file"] = {
        name: {"references": part["references"], "overall": part["overall"]}
        for name, part in by_file.items()
    }
    seconds = speed(items)
    print(f"Reference parsing on the {args.split} part of AnyStyle's labelled references")
    print(f"({len(items)} real reference strings)\n")
    for name in FIELDS + EXTRA:
        print(f"{name:<12}{result['fields'].get(name, 0):>8.3f}")
    print(
        f"{'overall':<12}{result['overall']:>8.3f}   (authors, year, title, container, volume, pages)"
    )
    print(f"{'fully right':<12}{result['fully_right']:>8.3f}")
    print(f"{'crashes':<12}{result['crashes']:>8}")
    print("\nOverall by AnyStyle file:")
    for name, part in by_file.items():
        print(f"  {name:<10}{part['overall']:>8.3f}   ({part['references']} references)")
    print(f"\nParsing 1,000 references: {seconds:.2f} s")
    if args.json:
        print(json.dumps({"split": args.split, **result, "seconds_per_1000": seconds}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
