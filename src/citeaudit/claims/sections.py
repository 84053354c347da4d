"""Which standard section of a research article each sentence stands in.

Why: the same words are a claim in one section and a procedure in another ("5 % of the
patients relapsed" in the results, "5 % CO2 was added" in the methods). The
check-worthiness model weighs the section, learned from labelled sentences of real
articles, where a methods section held most of the sentences not worth checking. Only
the standard sections of research articles are named; under any other heading (a web
article's "What causes back pain?") the section is None and the model ignores it.
"""

from __future__ import annotations

import re
from collections import Counter

from citeaudit.models import Article

# A heading's words, and the section they open: "Materials and methods", "Statistical
# analysis" and "Study design" all open the methods.
_SECTIONS: tuple[tuple[str, str], ...] = (
    ("abstract", "abstract"),
    ("summary", "abstract"),
    ("introduction", "introduction"),
    ("background", "introduction"),
    ("method", "methods"),
    ("material", "methods"),
    ("procedure", "methods"),
    ("statistical", "methods"),
    ("study design", "methods"),
    ("result", "results"),
    ("discussion", "discussion"),
    ("conclusion", "conclusion"),
)
_ENDS_LIKE_A_SENTENCE = re.compile(r"[.!?:]$")


def section_opened_by(heading: str) -> str | None:
    """The standard section a heading opens, or None."""
    words = heading.casefold()
    return next((section for key, section in _SECTIONS if key in words), None)


def sentence_sections(article: Article) -> list[str | None]:
    """For each body sentence, in order, the standard section it stands in.

    A heading is a paragraph of one short sentence without a full stop; one that opens
    no standard section ("Participants", "Sample collection") is a subsection and keeps
    the section it stands in.
    """
    per_paragraph = Counter(s.paragraph for s in article.sentences)
    current: str | None = None
    out: list[str | None] = []
    for sentence in article.sentences:
        if (
            per_paragraph[sentence.paragraph] == 1
            and not _ENDS_LIKE_A_SENTENCE.search(sentence.text)
            and len(sentence.text.split()) <= 8
        ):
            current = section_opened_by(sentence.text) or current
        out.append(current)
    return out
