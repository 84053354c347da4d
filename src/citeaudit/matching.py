"""Comparing what the article wrote with what a registry holds.

Two questions, both pure: is this registry record the work the article meant
(`accept_candidate`, `pick_candidate`), and where do the two disagree
(`compare_fields`)? Disagreements are graded: a year off by one between online and
print is information, a wrong volume is an error. Tolerance matters as much as
strictness here, because a false alarm teaches editors to ignore the report.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz

from citeaudit.models import Mismatch, Reference, Work

_STOPWORDS = {"of", "the", "and", "&", "in", "for", "on", "a", "an", "to", "de", "la", "und"}
ACCEPT_TITLE = 90.0  # rapidfuzz ratio (0-100) needed to accept a search candidate
AMBIGUITY_MARGIN = 3.0  # candidates closer than this are a near-tie


def fold(text: str) -> str:
    """Lower-case, strip accents and punctuation, collapse spaces: for comparisons only."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"<[^>]+>", " ", text)  # JATS/HTML markup in registry titles
    text = re.sub(r"[^a-z0-9 ]+", " ", text.lower().replace("&", " and "))
    return " ".join(text.split())


def surname(name: str) -> str:
    """`Hong, C. Z.` / `Hong, Chang-Zern` / `Chang-Zern Hong` -> `hong` (folded)."""
    name = name.strip()
    family = name.split(",")[0] if "," in name else name.split(" ")[-1]
    return fold(family).replace(" ", "")


def title_similarity(cited: str | None, registry: str | None) -> float:
    """0-100; a cited title that omits the registry's subtitle (or vice versa) still scores high."""
    if not cited or not registry:
        return 0.0
    a, b = fold(cited), fold(registry)
    best = fuzz.ratio(a, b)
    for side_a, side_b in ((cited, registry), (registry, cited)):
        main = fold(re.split(r"[:.?!]\s", side_a, maxsplit=1)[0])
        if len(main) >= 20:
            best = max(
                best, fuzz.ratio(main, fold(side_b)) * 0.98, _prefix_score(main, fold(side_b))
            )
    return float(best)


def _prefix_score(main: str, full: str) -> float:
    return 97.0 if full.startswith(main) else 0.0


def abbreviation_matches(short: str, full: str) -> bool:
    """`Am J Phys Med Rehabil` abbreviates `American Journal of Physical Medicine &
    Rehabilitation`: each abbreviated word is a prefix of the next significant word."""
    short_words = [w for w in fold(short).split() if w not in _STOPWORDS]
    full_words = [w for w in fold(full).split() if w not in _STOPWORDS]
    if not short_words or len(short_words) != len(full_words):
        return False
    return all(f.startswith(s) for s, f in zip(short_words, full_words, strict=True))


def journal_matches(cited: str, work: Work) -> bool:
    names = [n for n in [work.container, *work.container_short] if n]
    for name in names:
        if (
            fold(cited) == fold(name)
            or abbreviation_matches(cited, name)
            or abbreviation_matches(name, cited)
        ):
            return True
        if fuzz.ratio(fold(cited), fold(name)) >= 92:
            return True
    return False


def expand_pages(pages: str) -> tuple[str, str]:
    """`986-92` -> (`986`, `992`); `S40-7` -> (`S40`, `S47`); `e1234` -> (`e1234`, `e1234`)."""
    parts = re.split(r"\s*[-–—]+\s*", pages.strip())
    first = parts[0]
    last = parts[-1] if len(parts) > 1 else first
    prefix = re.match(r"^[A-Za-z]*", first).group(0)  # type: ignore[union-attr]
    first_digits = first[len(prefix) :]
    last_digits = re.sub(r"^[A-Za-z]*", "", last)
    if last_digits.isdigit() and first_digits.isdigit() and len(last_digits) < len(first_digits):
        last_digits = first_digits[: len(first_digits) - len(last_digits)] + last_digits
    return (prefix + first_digits).upper(), (prefix + last_digits).upper()


def _issue_core(issue: str) -> str:
    """`3 Suppl 1` -> `3`: supplements are written many ways; the issue number is what matters."""
    match = re.match(r"\s*(\d+(?:\s*[-/]\s*\d+)?)", issue)
    return re.sub(r"\s", "", match.group(1)) if match else fold(issue)


@dataclass(frozen=True)
class CandidateScore:
    accepted: bool
    score: float
    reasons: tuple[str, ...]


def accept_candidate(ref: Reference, work: Work) -> CandidateScore:
    """Whether a search hit is the cited work: title, first author and year must agree."""
    reasons: list[str] = []
    title = title_similarity(ref.title, work.title)
    ok = title >= ACCEPT_TITLE
    if not ok:
        reasons.append(f"title similarity {title:.0f} < {ACCEPT_TITLE:.0f}")
    score = title
    cited_first = ref.first_author_surname
    if cited_first and work.authors:
        registry_surnames = [surname(a) for a in work.authors]
        if surname(cited_first) == registry_surnames[0]:
            score += 5
        elif surname(cited_first) in registry_surnames:
            score += 2
            reasons.append("first author is not first in the registry")
        else:
            ok = False
            reasons.append(f"first author {cited_first!r} not among the registry's authors")
    if ref.year and work.year:
        gap = abs(ref.year - work.year)
        if gap > 1:
            ok = False
            reasons.append(f"year {ref.year} vs {work.year}")
        else:
            score += 5 - 2 * gap
    return CandidateScore(ok, score, tuple(reasons))


def pick_candidate(ref: Reference, works: list[Work]) -> tuple[str, Work | None, list[str]]:
    """(`matched`|`ambiguous`|`not_found`, the accepted work, notes).

    A near-tie between two different works is `ambiguous`: guessing would put a
    confident wrong record in front of an editor.
    """
    scored = [(accept_candidate(ref, w), w) for w in works]
    accepted = sorted(((s, w) for s, w in scored if s.accepted), key=lambda sw: -sw[0].score)
    if not accepted:
        notes = [f"{w.doi or w.title}: {'; '.join(s.reasons)}" for s, w in scored[:3]]
        return "not_found", None, notes
    best_score, best = accepted[0]
    rivals = [
        w
        for s, w in accepted[1:]
        if best_score.score - s.score < AMBIGUITY_MARGIN and w.doi != best.doi
    ]
    if rivals:
        return (
            "ambiguous",
            None,
            [f"near-tie between {best.doi} and {', '.join(str(r.doi) for r in rivals)}"],
        )
    return "matched", best, []


def compare_fields(ref: Reference, work: Work) -> list[Mismatch]:
    """Field-by-field differences between the article's reference and the registry's record.

    A field the registry does not give is not compared: unknown is not wrong.
    """
    out: list[Mismatch] = []
    out.extend(_compare_authors(ref, work))
    if ref.year and work.year and ref.year != work.year:
        gap = abs(ref.year - work.year)
        out.append(
            Mismatch(
                "year",
                str(ref.year),
                str(work.year),
                "info" if gap == 1 else "error",
                "off by one year: usually the online versus the print date, not an error"
                if gap == 1
                else "the year cited differs from the registry's publication year",
            )
        )
    if ref.title and work.title:
        similarity = title_similarity(ref.title, work.title)
        if similarity < 85:
            out.append(
                Mismatch(
                    "title",
                    ref.title,
                    work.title,
                    "error",
                    "the title cited differs from the registry's",
                )
            )
        elif similarity < 97 and fold(ref.title) != fold(work.title):
            out.append(
                Mismatch(
                    "title",
                    ref.title,
                    work.title,
                    "info",
                    "minor wording or punctuation differences in the title",
                )
            )
    has_journal = (
        ref.kind == "article" and ref.container and (work.container or work.container_short)
    )
    if has_journal and not journal_matches(ref.container, work):
        out.append(
            Mismatch(
                "journal",
                ref.container,
                work.container or work.container_short[0],
                "error",
                "the journal cited is not the registry's journal (abbreviations are allowed)",
            )
        )
    for name in ("volume", "issue"):
        cited, registry = getattr(ref, name), getattr(work, name)
        if not cited or not registry:
            continue
        same = fold(cited) == fold(registry) or (
            name == "issue" and _issue_core(cited) == _issue_core(registry)
        )
        if not same:
            out.append(
                Mismatch(
                    name,
                    cited,
                    registry,
                    "error" if name == "volume" else "warning",
                    f"the {name} cited differs from the registry's",
                )
            )
    if ref.pages and work.pages:
        cited_pages, registry_pages = expand_pages(ref.pages), expand_pages(work.pages)
        if cited_pages != registry_pages:
            severity = "warning" if cited_pages[0] == registry_pages[0] else "error"
            out.append(
                Mismatch(
                    "pages",
                    ref.pages,
                    work.pages,
                    severity,
                    "the page range cited differs from the registry's",
                )
            )
    if (
        ref.kind == "book"
        and ref.publisher
        and work.publisher
        and fuzz.token_set_ratio(fold(ref.publisher), fold(work.publisher)) < 90
    ):
        out.append(
            Mismatch(
                "publisher",
                ref.publisher,
                work.publisher,
                "warning",
                "the publisher cited differs from the one on record (imprints change names after mergers)",
            )
        )
    return out


def _compare_authors(ref: Reference, work: Work) -> list[Mismatch]:
    if not ref.authors or not work.authors:
        return []
    cited = [surname(a) for a in ref.authors]
    registry = [surname(a) for a in work.authors]
    missing = [a for a, s in zip(ref.authors, cited, strict=True) if s not in registry]
    shown_registry = "; ".join(work.authors[:6]) + (" et al." if len(work.authors) > 6 else "")
    if missing:
        return [
            Mismatch(
                "authors",
                "; ".join(ref.authors),
                shown_registry,
                "error",
                f"not among the registry's authors: {', '.join(missing)}",
            )
        ]
    if cited[0] != registry[0]:
        return [
            Mismatch(
                "authors",
                "; ".join(ref.authors),
                shown_registry,
                "warning",
                "the first author cited is not the registry's first author",
            )
        ]
    if len(cited) < len(registry) and "et al" not in ref.raw:
        return [
            Mismatch(
                "authors",
                "; ".join(ref.authors),
                shown_registry,
                "info",
                f"the article lists {len(cited)} of {len(registry)} authors without 'et al.'",
            )
        ]
    return []
