"""Titles, journals, publishers and places without the punctuation around them."""

from __future__ import annotations

import re

_TAGS = re.compile(r"</?\w+[^>]*>")
_QUOTES = "\"'“”‘’«»„"


# What kind of work it is, bracketed after its title (APA's "[Motion picture]",
# "(Report No. 12)", "[Doctoral dissertation, ...]"): no part of the title a registry has.
_GENRE = re.compile(
    r"\s*[\[(](?i:(?:technical |research |final |annual )?reports?|policy brief|working paper"
    r"|doctoral dissertation|dissertation|master'?s thesis|thesis|motion picture|dvd|video"
    r"|film|podcast|blog post|data ?set|computer software|brochure|fact sheet"
    r"|press release)\b[^\[\]()]*[\])][.,;:]?$"
)


def without_kind(text: str) -> str:
    """The title without a bracketed kind of work after it."""
    return _GENRE.sub("", text)


def title(segment: str) -> str | None:
    """A title without its quotes, closing punctuation and a bracketed kind of work:
    “On X,” -> On X; "Why access matters (Policy Brief 2012-01)." -> Why access matters."""
    text = without_kind(_TAGS.sub("", segment).strip())
    text = re.sub(r"^[:;,.\s]+", "", text)
    text = text.strip(_QUOTES + " ,;:")
    text = re.sub(r"[,;:]$", "", text)
    if text.endswith(".") and not re.search(r"\b[A-Z]\.$|\b(?:al|etc|vs|ed|eds)\.$", text):
        text = text[:-1]
    text = text.strip(_QUOTES + " ")
    return " ".join(text.split()) or None


def container(segment: str) -> str | None:
    """A journal or book title without "In:" and the punctuation that ends the field."""
    text = _TAGS.sub("", segment).strip()
    text = re.sub(r"^(?:in|dans|en|im)\s*:?\s+", "", text, flags=re.I)
    # A journal abbreviation's last full stop ends the field as well ("Proc. Natl. Acad. Sci.
    # U. S. A."): dropped, as registries write the short title without it.
    cleaned = title(text)
    return cleaned.rstrip(".") or None if cleaned else None


def plain(segment: str) -> str | None:
    """A publisher or place: "New York:" -> "New York", "Elsevier." -> "Elsevier"."""
    text = _TAGS.sub("", segment).strip(" ,.;:()[]")
    return " ".join(text.split()) or None
