"""Titles, journals, publishers and places without the punctuation around them."""

from __future__ import annotations

import re

_TAGS = re.compile(r"</?\w+[^>]*>")
_QUOTES = "\"'“”‘’«»„"


def title(segment: str) -> str | None:
    """A title without its quotes and closing punctuation: “On X,” -> On X."""
    text = _TAGS.sub("", segment).strip()
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
