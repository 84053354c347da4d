"""Comparing what the article wrote with what a registry holds.

Two questions, both pure: is this registry record the work the article meant
(`accept_candidate`, `pick_candidate`), and where do the two disagree
(`compare_fields`)? Disagreements are graded: a year off by one between online and
print is information, a wrong volume is an error. Tolerance matters as much as
strictness here, because a false alarm teaches editors to ignore the report.

Acceptance weighs every field, not the title alone: a reference with a wrong year or
a misspelled author is still the same work when its title, other authors, journal,
volume and pages agree, and it is the field check (not the match) that should then
report the error. Short, generic titles ("Editorial", "Reply") need more agreement
before they are accepted, and a near-tie between two records is `ambiguous`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from citeaudit.doi import normalize_doi
from citeaudit.models import Mismatch, Reference, Work
from citeaudit.reading.names import PARTICLES, fold, surname, surname_keys

_STOPWORDS = {
    "of", "the", "and", "&", "in", "for", "on", "a", "an", "to", "de", "la", "und", "der",
    "die", "das", "des", "du", "le", "les", "et", "y", "e", "at", "from", "with", "by", "its",
}  # fmt: skip
_PREPRINT_SERVERS = ("biorxiv", "medrxiv", "arxiv", "research square", "ssrn", "preprints")
ACCEPT_TITLE = 90.0  # title similarity (0-100) that, with author and year, accepts a candidate
ALTERED_TITLE = 75.0  # lowest title similarity accepted when the other fields all agree
AMBIGUITY_MARGIN = 3.0  # accepted candidates closer than this are a near-tie


def _surname_parts(name: str) -> list[str]:
    family = name.split(",")[0] if "," in name else name.strip().split(" ")[-1]
    return [w for w in fold(family).split() if w not in PARTICLES]


def _surnames_match(cited: str, registry: str) -> bool:
    """The same surname, allowing particles and a part left out ("Koning" for "de
    Koning", "Garcia" for "Reyes-Garcia"), but not a changed part ("Reyes-Tarcia")."""
    return _surname_parts_match(_surname_parts(cited), _surname_parts(registry))


def _surname_parts_match(a: list[str], b: list[str]) -> bool:
    if not a or not b:
        return False
    if "".join(a) == "".join(b):
        return True
    return set(a) <= set(b) or set(b) <= set(a)


def _surname_typo(cited: str, registry: str) -> bool:
    """A slip of one or two letters (two only in longer names), not another person."""
    a, b = surname(cited), surname(registry)
    if not a or not b or (a[0] != b[0] and a[:2] != b[:2][::-1]):
        return False
    limit = 1 if min(len(a), len(b)) < 7 else 2
    return OSA.distance(a, b) <= limit


def _content_words(text: str) -> list[str]:
    return [w for w in fold(text).split() if w not in _STOPWORDS]


def title_similarity(cited: str | None, registry: str | None) -> float:
    """0-100; a cited title that omits the registry's subtitle (or vice versa) still scores high."""
    if not cited or not registry:
        return 0.0
    a, b = fold(cited), fold(registry)
    if not a or not b:
        return 0.0
    best = fuzz.ratio(a, b)
    for side_a, side_b in ((cited, registry), (registry, cited)):
        main = fold(re.split(r"[:.?!]\s|\s[-–—]\s", side_a, maxsplit=1)[0])
        if len(main) >= 20:
            best = max(
                best, fuzz.ratio(main, fold(side_b)) * 0.98, _prefix_score(main, fold(side_b))
            )
    return float(best)


def _prefix_score(main: str, full: str) -> float:
    return 97.0 if full.startswith(main + " ") or full == main else 0.0


def _abbreviates(short: str, word: str) -> bool:
    """`natl` abbreviates `national`, `j` `journal`, `rehabil` `rehabilitation`: same first
    letter and the short form's letters appear in order in the full word."""
    if not short or not word or short[0] != word[0]:
        return False
    if word.startswith(short):
        return True
    position = 0
    for letter in short:
        position = word.find(letter, position) + 1
        if position == 0:
            return False
    return True


def abbreviation_matches(short: str, full: str) -> bool:
    """`Am J Phys Med Rehabil` abbreviates `American Journal of Physical Medicine &
    Rehabilitation`: each abbreviated word abbreviates the next significant word."""
    full_words = [w for w in fold(re.sub(r"\([^)]*\)", " ", full)).split() if w not in _STOPWORDS]
    words = fold(short).split()
    # "U S A" keeps its "a": stopwords are dropped from the short form only if needed
    for short_words in (words, [w for w in words if w not in _STOPWORDS]):
        if (
            short_words
            and len(short_words) == len(full_words)
            and all(_abbreviates(s, f) for s, f in zip(short_words, full_words, strict=True))
        ):
            return True
    return False


def journal_matches(cited: str, work: Work) -> bool:
    """Whether the journal cited is the registry's, in full or abbreviated form (the
    registries' short titles and NLM/ISO 4 style abbreviations are accepted)."""
    names = [n for n in [work.container, *work.container_short] if n]
    cited_folded = re.sub(r"^the ", "", fold(cited))
    for name in names:
        folded = re.sub(r"^the ", "", fold(name))
        if cited_folded == folded or cited_folded.replace(" ", "") == folded.replace(" ", ""):
            return True
        if abbreviation_matches(cited, name) or abbreviation_matches(name, cited):
            return True
        if fuzz.ratio(cited_folded, folded) >= 92:
            return True
        # a book title cited without its subtitle (or with it)
        main_cited = fold(re.split(r":\s", cited, maxsplit=1)[0])
        main_name = fold(re.split(r":\s", name, maxsplit=1)[0])
        if len(main_cited) >= 12 and (
            main_cited in (main_name, folded) or cited_folded == main_name
        ):
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


def _article_number(work: Work) -> str | None:
    """The article number some publishers put in the DOI (`10.1155/2015/841750`) and
    references cite instead of the registry's `1-10` page count."""
    if not work.doi:
        return None
    last = re.split(r"[/.]", work.doi)[-1]
    return last.upper() if re.fullmatch(r"[a-z]?\d{4,}", last) else None


def _first_pages_agree(cited: str, work: Work) -> bool:
    first = expand_pages(cited)[0]
    if work.pages and first == expand_pages(work.pages)[0]:
        return True
    number = _article_number(work)
    return bool(number and first.lstrip("E") == number.lstrip("E"))


def _issue_core(issue: str) -> str:
    """`3 Suppl 1` -> `3`: supplements are written many ways; the issue number is what matters."""
    match = re.match(r"\s*(\d+(?:\s*[-/]\s*\d+)?)", issue)
    return re.sub(r"\s", "", match.group(1)) if match else fold(issue)


def _issues_agree(cited: str, registry: str) -> bool:
    a, b = _issue_core(cited), _issue_core(registry)
    if a == b or fold(cited) == fold(registry):
        return True
    # a combined issue ("3-4", "2/3") contains each of its parts
    parts_a, parts_b = set(re.split(r"[-/]", a)), set(re.split(r"[-/]", b))
    return bool(parts_a & parts_b) and ("-" in a + b or "/" in a + b)


def _years(work: Work) -> list[int]:
    return sorted({y for y in [*work.years, work.year] if y})


def year_gap(ref: Reference, work: Work) -> int | None:
    """Distance between the cited year and the nearest year the registry dates the work by."""
    years = _years(work)
    if not ref.year or not years:
        return None
    return min(abs(ref.year - y) for y in years)


# --------------------------------------------------------------------------------------
# Is this record the cited work?
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CandidateScore:
    accepted: bool
    score: float
    reasons: tuple[str, ...]


def _author_agreement(ref: Reference, work: Work) -> str:
    """`first` (the first author cited is the registry's first), `other` (among its
    authors), `typo` (a one- or two-letter slip of one of them), `raw` (the registry's
    authors appear in the reference text although the parsed list disagrees),
    `none`, or `unknown` (a side gives no authors)."""
    registry = [a for a in work.authors if re.search(r"[^\W\d_]", a)]
    if not registry:
        return "unknown"
    raw = " " + fold(ref.raw) + " "
    in_raw = [
        any(f" {k} " in raw for k in surname_keys(a)) for a in registry[:3] if surname_keys(a)
    ]
    cited_names = [a for a in ref.authors if re.search(r"[^\W\d_]{2}", a.split(",")[0])]
    cited_first = cited_names[0] if cited_names else None
    if cited_first:
        if _surnames_match(cited_first, registry[0]):
            return "first"
        if any(_surnames_match(cited_first, a) for a in registry):
            return "other"
        if any(_surname_typo(cited_first, a) for a in registry[:3]):
            return "typo"
    if in_raw and (in_raw[0] or sum(in_raw) * 2 >= len(in_raw)):
        return "raw"
    return "none" if cited_first else "unknown"


def _shared_authors(ref: Reference, work: Work) -> int:
    """How many of the cited authors are among the registry's (by surname)."""
    registry = [_surname_parts(r) for r in work.authors]  # once, not once per cited author
    shared = 0
    for name in ref.authors:
        cited = _surname_parts(name)
        shared += any(_surname_parts_match(cited, r) for r in registry)
    return shared


def _is_preprint(work: Work) -> bool:
    names = " ".join(fold(n) for n in [work.container or "", work.publisher or ""])
    return work.type in ("posted-content", "preprint") or any(s in names for s in _PREPRINT_SERVERS)


def _field_agreement(ref: Reference, work: Work) -> tuple[list[str], list[str]]:
    """Which of journal, volume, issue and first page agree and which contradict."""
    agree: list[str] = []
    differ: list[str] = []
    cites_preprint = any(s in fold(ref.raw) for s in (*_PREPRINT_SERVERS, "rxiv"))
    if cites_preprint or (ref.container and _is_preprint(work)):
        # a preprint and its journal version share title and authors: the venue decides
        (agree if cites_preprint == _is_preprint(work) else differ).append("journal")
    elif ref.container and (work.container or work.container_short):
        (agree if journal_matches(ref.container, work) else differ).append("journal")
    if ref.volume and work.volume:
        (agree if fold(ref.volume) == fold(work.volume) else differ).append("volume")
    if ref.issue and work.issue and _issues_agree(ref.issue, work.issue):
        agree.append("issue")
    if ref.pages and _first_pages_agree(ref.pages, work):
        agree.append("pages")
    elif ref.pages and work.pages:
        differ.append("pages")  # (an article number in the DOI only ever confirms)
    return agree, differ


def _raw_title_similarity(ref: Reference, work: Work) -> float:
    """How well the registry's title appears in the reference text: a safety net for
    references whose title the parser could not delimit."""
    title = fold(work.title or "")
    if len(title) < 25:
        return 0.0
    return float(fuzz.partial_ratio(title, fold(ref.raw))) * 0.97


def accept_candidate(ref: Reference, work: Work) -> CandidateScore:
    """Whether a registry record is the cited work, and how well it fits (for ranking).

    Title, authors and year decide in the usual case; a year more than one off, a
    misspelled author or an altered title are tolerated only when the journal, volume
    and pages vouch for the record instead.
    """
    reasons: list[str] = []
    title = max(title_similarity(ref.title, work.title), _raw_title_similarity(ref, work))
    author = _author_agreement(ref, work)
    gap = year_gap(ref, work)
    agree, differ = _field_agreement(ref, work)
    generic = len(_content_words(work.title or "")) < 4
    author_ok = author in ("first", "other", "raw", "typo", "unknown")
    shared = _shared_authors(ref, work)
    year_ok = gap is None or gap <= 1
    if title < ACCEPT_TITLE:
        reasons.append(f"title similarity {title:.0f} < {ACCEPT_TITLE:.0f}")
    if not author_ok:
        cited = ref.first_author_surname or "?"
        reasons.append(f"first author {cited!r} not among the registry's authors")
    if author == "other":
        reasons.append("first author is not first in the registry")
    if not year_ok:
        reasons.append(f"year {ref.year} vs {work.year}")
    if differ:
        reasons.append("differs in " + ", ".join(differ))

    long_title = len(_content_words(work.title or "")) >= 6
    if generic:
        # "Editorial", "Hospital emergency numbers": the title alone identifies nothing;
        # the authors and year must agree, or the journal, volume and pages must.
        accepted = (
            title >= 95
            and not differ
            and (
                (author in ("first", "other", "raw") and gap is not None and gap <= 1)
                or (author in ("first", "other", "raw", "typo") and len(agree) >= 3)
            )
        )
    elif title >= ACCEPT_TITLE and author_ok and year_ok:
        accepted = len(differ) <= 1 or len(agree) >= len(differ)
    elif title >= ACCEPT_TITLE and author_ok:
        # the year is wrong and everything else fits (or the title is long and exact)
        accepted = not differ and (
            len(agree) >= 2 or (long_title and title >= 97 and author == "first")
        )
    elif title >= ALTERED_TITLE and author in ("first", "other", "raw") and year_ok:
        # the title was altered: the journal, volume and pages, or three or more of the
        # authors with the exact year, must vouch for the record
        accepted = not differ and (
            len(agree) >= 2 or (title >= 80 and author == "first" and gap == 0 and shared >= 3)
        )
    elif title >= ALTERED_TITLE and author == "unknown" and year_ok:
        accepted = len(agree) >= 3 and not differ
    elif title >= 95 and year_ok and author == "unknown":
        accepted = len(agree) >= 2 and not differ  # the author list could not be read
    else:
        accepted = False

    score = title
    score += {"first": 8, "other": 4, "raw": 4, "typo": 3}.get(author, 0)
    score += {0: 5, 1: 3}.get(gap, 0) if gap is not None else 0
    score += 3 * len(agree) - 6 * len(differ)
    return CandidateScore(accepted, score, tuple(reasons))


def doi_confirms(ref: Reference, work: Work) -> CandidateScore:
    """Whether the record a cited DOI resolves to is the work the reference describes.

    The DOI is strong evidence on its own, so the bar is the reverse of a search's: the
    record is accepted unless it is clearly another work (a title unlike the cited one,
    or a different title and none of the cited authors). A wrong year or a misspelled
    name then shows up as a field mismatch, not as "the DOI points elsewhere".
    """
    verdict = accept_candidate(ref, work)
    if verdict.accepted or not ref.title or not work.title:
        return CandidateScore(True, verdict.score, verdict.reasons)
    title = max(title_similarity(ref.title, work.title), _raw_title_similarity(ref, work))
    author = _author_agreement(ref, work)
    other_work = title < 60 or (title < 85 and author == "none")
    return CandidateScore(not other_work, verdict.score, verdict.reasons)


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


# --------------------------------------------------------------------------------------
# Where do the article and the registry disagree?
# --------------------------------------------------------------------------------------


def compare_fields(ref: Reference, work: Work) -> list[Mismatch]:
    """Field-by-field differences between the article's reference and the registry's record.

    A field the registry does not give is not compared: unknown is not wrong.
    """
    out: list[Mismatch] = []
    if ref.doi and work.doi and normalize_doi(ref.doi) != normalize_doi(work.doi):
        out.append(
            Mismatch(
                "doi",
                ref.doi,
                work.doi,
                "error",
                f"the DOI cited is not this work's: the registry's record for this reference "
                f"has DOI {work.doi}",
            )
        )
    out.extend(_compare_authors(ref, work))
    gap = year_gap(ref, work)
    if gap:
        years = "/".join(str(y) for y in _years(work))
        out.append(
            Mismatch(
                "year",
                str(ref.year),
                str(work.year),
                "info" if gap == 1 else "error",
                f"off by one year from the registry's {years}: usually the online versus the "
                "print date, not an error"
                if gap == 1
                else "the year cited differs from the registry's publication year",
            )
        )
    if ref.title and work.title:
        out.extend(_compare_titles(ref.title, work.title))
    has_journal = (
        ref.kind == "article" and ref.container and (work.container or work.container_short)
    )
    if has_journal and not journal_matches(ref.container, work):  # type: ignore[arg-type]
        registry_name = work.container or work.container_short[0]
        related = fuzz.token_set_ratio(fold(ref.container or ""), fold(registry_name)) >= 70
        out.append(
            Mismatch(
                "journal",
                ref.container,  # type: ignore[arg-type]
                registry_name,
                "warning" if related else "error",
                "the journal is named differently from the registry's (not a recognised "
                "abbreviation of it)"
                if related
                else "the journal cited is not the registry's journal (abbreviations are allowed)",
            )
        )
    if ref.volume and work.volume and fold(ref.volume) != fold(work.volume):
        out.append(
            Mismatch(
                "volume",
                ref.volume,
                work.volume,
                "error",
                "the volume cited differs from the registry's",
            )
        )
    if ref.issue and work.issue and not _issues_agree(ref.issue, work.issue):
        out.append(
            Mismatch(
                "issue",
                ref.issue,
                work.issue,
                "warning",
                "the issue cited differs from the registry's",
            )
        )
    if ref.pages and work.pages:
        out.extend(_compare_pages(ref.pages, work))
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
    if ref.kind == "book" and ref.edition and work.edition:
        cited_edition = re.sub(r"\D", "", ref.edition)
        if cited_edition and cited_edition != re.sub(r"\D", "", work.edition):
            out.append(
                Mismatch(
                    "edition",
                    ref.edition,
                    work.edition,
                    "warning",
                    "the edition cited is not the one this record describes",
                )
            )
    return out


def _compare_pages(cited: str, work: Work) -> list[Mismatch]:
    if _first_pages_agree(cited, work):
        if not work.pages or len(re.split(r"[-–—]", cited)) < 2:
            return []  # a start page or article number alone is a complete citation
        cited_range, registry_range = expand_pages(cited), expand_pages(work.pages)
        if cited_range == registry_range or len(re.split(r"[-–—]", work.pages)) < 2:
            return []
        return [
            Mismatch(
                "pages",
                cited,
                work.pages,
                "warning",
                "the last page cited differs from the registry's",
            )
        ]
    return [
        Mismatch(
            "pages",
            cited,
            str(work.pages),
            "error",
            "the page range cited differs from the registry's",
        )
    ]


def _compare_titles(cited: str, registry: str) -> list[Mismatch]:
    """Title differences by word: case, punctuation, markup and a dropped subtitle are
    style; a changed word is an error, missing or added words a warning."""
    a, b = fold(cited).split(), fold(registry).split()
    if a == b:
        return []
    if b[: len(a)] == a or a[: len(b)] == b:
        return []  # a subtitle left out (or added): a matter of style
    similarity = title_similarity(cited, registry)
    if similarity < 60:
        return [
            Mismatch(
                "title", cited, registry, "error", "the title cited differs from the registry's"
            )
        ]
    changed: list[str] = []
    missing: list[str] = []
    added: list[str] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        old = [w for w in a[i1:i2] if w not in _STOPWORDS]
        new = [w for w in b[j1:j2] if w not in _STOPWORDS]
        if "".join(old) == "".join(new):
            continue  # "dry-needling" vs "dry needling", "healthcare" vs "health care"
        if op == "replace" and old and new:
            if fuzz.ratio(" ".join(old), " ".join(new)) >= 80:
                continue  # spelling variants: "randomised"/"randomized", plurals
            changed.append(f"'{' '.join(old)}' for '{' '.join(new)}'")
        elif new:
            missing.append(" ".join(new))
        elif old:
            added.append(" ".join(old))
    if changed:
        return [
            Mismatch(
                "title",
                cited,
                registry,
                "error",
                "the title cited has different words from the registry's: " + "; ".join(changed),
            )
        ]
    if missing or added:
        what = []
        if missing:
            what.append("leaves out " + ", ".join(f"'{m}'" for m in missing))
        if added:
            what.append("adds " + ", ".join(f"'{m}'" for m in added))
        return [
            Mismatch("title", cited, registry, "warning", "the title cited " + " and ".join(what))
        ]
    return [
        Mismatch(
            "title", cited, registry, "info", "minor wording or spelling differences in the title"
        )
    ]


def _compare_authors(ref: Reference, work: Work) -> list[Mismatch]:
    """Authors by surname: initials, diacritics, particles and `et al.` are style; a
    surname that is nowhere in the registry's list is an error, a misspelling, a
    changed order or a list cut short without `et al.` a warning."""
    if not ref.authors or not work.authors:
        return []
    # Names as a person writes them; fragments a renderer mangled ("J.-. sung") and
    # organisations are not compared surname by surname.
    cited = [
        a
        for a in ref.authors
        if len(a.split(",")[0].split()) <= 6 and re.search(r"[A-ZÀ-Þ]\w", a.split(",")[0])
    ]
    if not cited:
        return []
    registry = list(work.authors)
    shown_registry = "; ".join(registry[:6]) + (" et al." if len(registry) > 6 else "")
    shown_cited = "; ".join(ref.authors)
    matched: list[int] = []
    misspelled: list[str] = []
    unknown: list[str] = []
    for name in cited:
        index = next(
            (i for i, r in enumerate(registry) if i not in matched and _surnames_match(name, r)),
            None,
        )
        if index is not None:
            matched.append(index)
            continue
        typo = next(
            (i for i, r in enumerate(registry) if i not in matched and _surname_typo(name, r)),
            None,
        )
        if typo is not None:
            matched.append(typo)
            misspelled.append(
                f"'{name.split(',')[0]}' is spelled '{registry[typo].split(',')[0]}' in the registry"
            )
        elif not any(_surnames_match(name, r) for r in registry):
            unknown.append(name.split(",")[0])
        # (a name matching an author already matched is a name split in two, not a stranger)
    if unknown:
        return [
            Mismatch(
                "authors",
                shown_cited,
                shown_registry,
                "error",
                f"not among the registry's authors: {', '.join(unknown)}",
            )
        ]
    if misspelled:
        return [Mismatch("authors", shown_cited, shown_registry, "warning", "; ".join(misspelled))]
    if matched and matched[0] != 0:
        return [
            Mismatch(
                "authors",
                shown_cited,
                shown_registry,
                "warning",
                "the first author cited is not the registry's first author",
            )
        ]
    truncated = re.search(r"et\s+al\b|\band others\b|\.\s?\.\s?\.|…", ref.raw, re.IGNORECASE)
    if len(ref.authors) < len(registry) and not truncated:
        left_out = [registry[i].split(",")[0] for i in range(len(registry)) if i not in matched]
        return [
            Mismatch(
                "authors",
                shown_cited,
                shown_registry,
                "warning",
                f"the article lists {len(ref.authors)} of {len(registry)} authors without 'et al.' "
                f"(left out: {', '.join(left_out[:5])})",
            )
        ]
    return []
