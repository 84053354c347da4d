"""A reference's fields from the labeller's segments.

The labeller says which words are which field; the normalisers say what each field's
words mean. This module decides between segments when the labeller gives several of
one kind (the first title is the work's, a second is usually a series or a subtitle
cut by a stray label) and what kind of work it is.
"""

from __future__ import annotations

import re

from citeaudit.models import Reference
from citeaudit.reading.labeller import Segment
from citeaudit.reading.normalise import numbers, people, text

# "Soziale Innovation. In Handbuch X" or "‘Title’, in Book": a title run on into the book
_IN_BOOK = re.compile(r"(?<=[.’”,])\s+(?:In|in):?\s+(?=[A-Z“‘\"])")
# Vancouver authors that ran into the title: "Boettiger C. taxadb: A fast database"
_VANCOUVER_TAIL = re.compile(
    r"^(?P<names>(?:[^\s,.]+(?: [^\s,.]+)* [A-Z]{1,4}, )*[^\s,.]+(?: [^\s,.]+)* [A-Z]{1,4}\.)"
    r"\s+(?P<rest>\S.*)$"
)

_LIST_OF_NAMES = re.compile(r",|;|&|\band\b|\bund\b|\bet\b", re.IGNORECASE)

# AnyStyle's labels for the container of a work: a journal, or a book a chapter is in.
_CONTAINERS = ("journal", "container-title")


def fill_fields(ref: Reference, found: list[Segment], *, untangle: bool = True) -> Reference:
    """Set the fields of `ref` that the segments give; identifiers are left alone.

    `untangle=False` takes the segments as they are: for hand-labelled ones, whose
    boundaries are right by definition.
    """
    if untangle:
        found = _untangle(list(found))
    first: dict[str, str] = {}
    authors: list[str] = []
    for label, words in found:
        if label == "author":
            authors.extend(people.people(words))
        first.setdefault(label, words)
    ref.authors = authors
    if "date" in first:
        ref.year = numbers.year(first["date"])
    if ref.year is None:  # a year the labeller put elsewhere (inside a note, a volume)
        for label, words in found:
            if label in ("note", "volume", "publisher", "location") and (
                year := numbers.year(words)
            ):
                ref.year = year
                break
    if "title" in first:
        ref.title = text.title(first["title"])
    container = next((words for label, words in found if label in _CONTAINERS), None)
    if ref.title is None and "journal" not in first and "container-title" in first:
        # A book named alone ("Sperber, Dan. 1996. Explaining Culture. Oxford:
        # Blackwell."): its labellers split on whether that is a title or a container;
        # a registry calls it the work's title, and so does the comparison.
        ref.title, container = text.title(first["container-title"]), None
    if container is not None:
        ref.container = text.container(container)
    if "volume" in first:
        volume, issue, pages = numbers.volume_issue(first["volume"])
        ref.volume, ref.issue = volume, issue
        ref.pages = pages
    if "pages" in first:
        ref.pages = ref.pages or numbers.pages(first["pages"])
    if "publisher" in first:
        ref.publisher = text.plain(first["publisher"])
    if "location" in first:
        ref.place = text.plain(first["location"])
    if "edition" in first:
        ref.edition = numbers.edition(first["edition"])
    journal = "journal" in first or (ref.volume is not None and container is not None)
    if not journal and (ref.publisher or ref.place or ref.isbn or ref.edition):
        ref.kind = "book"
    return ref


def _untangle(found: list[Segment]) -> list[Segment]:
    """Two boundaries the labeller misses on clean strings, put back by their shape:
    a chapter title run on into "In Book", and Vancouver authors run on into the title."""
    out: list[Segment] = []
    for index, (label, words) in enumerate(found):
        if label in ("title", "container-title") and (cut := _IN_BOOK.search(words)):
            has_container = any(lab in ("container-title", "journal") for lab, _ in found)
            if label == "container-title" or not has_container:
                out.append(("title", words[: cut.start()]))
                out.append(("container-title", words[cut.end() :]))
                continue
        if label == "volume" and words.count("(") > words.count(")"):
            # "83(3 Suppl 1):" cut in two by a stray label: the issue runs to the ")"
            for later in range(index + 1, min(index + 3, len(found))):
                words = f"{words} {found[later][1]}"
                found[later] = ("", "")
                if ")" in words.rsplit("(", 1)[-1]:
                    break
            out.append(("volume", words))
            continue
        if label == "volume" and not any(c.isdigit() for c in words):
            following = found[index + 1] if index + 1 < len(found) else None
            if following and following[0] == "pages" and following[1].strip(" .,").isdigit():
                out.append(("volume", f"{words} {following[1]}"))  # "Vol." "1." of a book
                found[index + 1] = ("", "")
                continue
        if label == "author" and (tail := _VANCOUVER_TAIL.match(words)):
            following = found[index + 1] if index + 1 < len(found) else None
            rest = tail.group("rest")
            if following and following[0] == "title" and not re.search(r"[,;]", rest):
                out.append(("author", tail.group("names")))
                found[index + 1] = ("title", f"{rest} {following[1]}")
                continue
        if label:
            out.append((label, words))
    if not any(label == "title" for label, _ in out):
        # Five or more words without a comma or an "and" are not a list of people: a
        # title in capitals ("- S. THE TEACHING OF DRAMA TO CHILDREN.") read as authors.
        for index, (label, words) in enumerate(out):
            if label == "author" and len(words.split()) >= 5 and not _LIST_OF_NAMES.search(words):
                out[index] = ("title", words.lstrip("-–— "))
                break
        # "Back pain. Spine," taken whole for the journal: the title is what comes before
        # the journal's sentence.
        for index, (label, words) in enumerate(out):
            if label in _CONTAINERS and (cut := words.rstrip(" .,").rfind(". ")) > 0:
                out[index : index + 1] = [("title", words[:cut]), (label, words[cut + 2 :])]
                break
    return out
