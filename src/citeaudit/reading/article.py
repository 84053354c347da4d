"""Article files to structure: body sentences with line numbers, and the reference list.

Line numbers are kept exactly as in the file because editors and CI annotations point
at them. The reference list is located by its heading; each reference line may be
followed by the article's own sentence describing that source, which is itself a claim
about the source.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path

from citeaudit.errors import InputError
from citeaudit.models import Article, CitationProblem, Reference, Sentence
from citeaudit.reading.cited_parts import cited_parts
from citeaudit.reading.linking import ReferenceIndex, index_references, link_markers
from citeaudit.reading.links import unwrap_links, unwrap_reference_line
from citeaudit.reading.markers import find_markers, leading_markers
from citeaudit.reading.page_citations import LINKED_CITATIONS
from citeaudit.reading.references import looks_like_reference, parse_reference, reference_keys
from citeaudit.reading.sentences import split_sentences

MAX_ARTICLE_BYTES = 5 * 1024 * 1024
SUPPORTED_SUFFIXES = {".md", ".markdown", ".txt"}

_REFERENCES_HEADING = re.compile(
    r"^\s*(?:#{1,6}\s*)?(?:\*\*)?(references|sources|bibliography|works cited|citations)"
    r"(?:\*\*)?\s*:?\s*$",
    re.IGNORECASE,
)
# Page furniture scraped along with the article: not prose, never a claim.
_TRAILER = re.compile(r"^\s*(comments?|share|related posts?|leave a reply)\s*:?\s*$", re.I)
# Characters a page carries but nobody sees (zero-width spaces and joiners, word joiners,
# soft hyphens, a BOM inside the text): before a "[3]" one glued the marker to the next
# sentence, so they go before anything is split. Lines stay as they are.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
# Spaces that do not break (no-break, narrow no-break, thin, hair, figure): in the body
# they are spaces, so "pain.\u00a0[3]" and "(Hong,\u202f1994)" read as markers do.
_NO_BREAK_SPACES = dict.fromkeys(map(ord, "\u00a0\u202f\u2009\u200a\u2007"), " ")
# A sentence that a flattened superscript closes ("...patients.3 Later trials") goes on
# past it only when what follows does not start a sentence.
_DIGIT_AFTER_END = re.compile(r"[.!?][1-9]")
_STARTS_SENTENCE = re.compile(r"\s+[\"“‘'(\[]?[A-ZÀ-ÖØ-Þ]")
# Capitalised words that open sentences and are no name: after a citation marker with
# no full stop between, they start the next sentence.
_OPENERS = (
    r"(?:The|This|These|Those|Such|Under|In|However|Although|Though|Thus|Therefore|Hence"
    r"|Moreover|Furthermore|Nevertheless|Despite|While|Whereas|We|Our|It|Its|There)"
)
_MARKER_THEN_OPENER = re.compile(rf"(?<=[\])])\s+{_OPENERS}\s+[a-z]")
_MD_HEADING = re.compile(r"^\s*#{1,6}\s+")
_H1 = re.compile(r"^\s*#\s+(\S.*?)\s*#*\s*$")


def read_article(path: Path) -> Article:
    """Read and parse an article file, rejecting what cannot be an article."""
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise InputError(
            f"unsupported article format '{path.suffix or '(none)'}' "
            f"(expected {', '.join(sorted(SUPPORTED_SUFFIXES))})",
            path=path,
        )
    return parse_article(read_text(path), name=path.stem, path=str(path))


def read_text(path: Path, what: str = "article") -> str:
    """A text input file's contents, or an InputError that says why not (one line)."""
    try:
        with path.open("rb") as fh:  # read one byte past the limit, never a whole huge file
            data = fh.read(MAX_ARTICLE_BYTES + 1)
            size = max(len(data), os.fstat(fh.fileno()).st_size)
    except FileNotFoundError:
        raise InputError(f"{what} not found", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror or exc}", path=path) from None
    if len(data) > MAX_ARTICLE_BYTES:
        raise InputError(
            f"{what} is {size // 1024} KiB, over the {MAX_ARTICLE_BYTES // 1024} KiB limit",
            path=path,
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{what} is UTF-16 text; save it as UTF-8", path=path)
    if b"\x00" in data:
        raise InputError(f"{what} is a binary file, not text", path=path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        raise InputError(f"{what} is not UTF-8 text", path=path, row=row) from None
    if not text.strip():
        raise InputError(f"{what} is empty", path=path)
    return text


def parse_article(text: str, name: str, path: str) -> Article:
    """Split an article's text into body sentences and parsed references (pure)."""
    # A page whose citations are all links (page_citations): its other digits cite nothing.
    linked_page = LINKED_CITATIONS in text
    text = text.replace(LINKED_CITATIONS, "").translate(_INVISIBLE)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    ref_start = _find_references_heading(lines)
    body_lines = lines if ref_start is None else lines[:ref_start]
    body_lines = [line.translate(_NO_BREAK_SPACES) for line in body_lines]
    references = _parse_reference_section(lines, ref_start) if ref_start is not None else []
    problems: list[CitationProblem] = []
    sentences = _body_sentences(body_lines, references, problems, linked_page=linked_page)
    sentences = _quotations_credited(sentences)
    return Article(
        name=name,
        path=path,
        sentences=sentences,
        references=references,
        citation_problems=problems,
        title=next((h.group(1).strip() for h in map(_H1.match, body_lines) if h), None),
        references_heading=None if ref_start is None else ref_start + 1,
    )


_ATTRIBUTION = re.compile(r"^\s*[—–]\s*\S")  # "— Dombrowski, et al. (2016)"


def _quotations_credited(sentences: list[Sentence]) -> list[Sentence]:
    """A quotation set apart with its source on the line below it, as an epigraph is
    ("“Design is inherently about change ...” / — Dombrowski et al. (2016)"), cites that
    source: the quotation's sentences get the attribution's references, and the
    attribution, a name and a year, is left citing nothing (no claim of its own)."""
    credited = list(sentences)
    for index, attribution in enumerate(credited):
        if not (index and attribution.refs and _ATTRIBUTION.match(attribution.text)):
            continue
        paragraph = credited[index - 1].paragraph
        if paragraph == attribution.paragraph:
            continue
        # the quotation: back from the attribution to the sentence that opens it
        start = index - 1
        while start > 0 and credited[start - 1].paragraph == paragraph:
            if credited[start].text.lstrip()[:1] in '“"':
                break
            start -= 1
        opening, closing = credited[start].text.lstrip(), credited[index - 1].text.rstrip(". ")
        if not (opening[:1] in '“"' and closing[-1:] in '”"'):
            continue
        for i in range(start, index):
            refs = tuple(dict.fromkeys(credited[i].refs + attribution.refs))
            credited[i] = replace(credited[i], refs=refs)
        credited[index] = replace(attribution, refs=(), parts=())
    return credited


def _find_references_heading(lines: list[str]) -> int | None:
    for index in range(
        len(lines) - 1, -1, -1
    ):  # the last such heading: bodies may mention "Sources"
        if _REFERENCES_HEADING.match(lines[index]):
            return index
    return None


def _paragraphs(lines: list[str]) -> list[tuple[int, str]]:
    """(first line number, text) of each paragraph.

    Web copy often has one paragraph per line with no blank lines between, while
    hand-written Markdown wraps paragraphs; a line joins the previous one only when
    that one did not end a sentence and this one continues it in lower case.
    """
    paragraphs: list[tuple[int, list[str]]] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            paragraphs.append((number, []))
            continue
        if (
            paragraphs
            and paragraphs[-1][1]
            and not re.search(r"[.!?:\"”)]$", paragraphs[-1][1][-1])
            and line[:1].islower()
        ):
            paragraphs[-1][1].append(line)
        else:
            paragraphs.append((number, [line]))
    return [(start, " ".join(parts)) for start, parts in paragraphs if parts]


def _body_sentences(
    lines: list[str],
    references: list[Reference],
    problems: list[CitationProblem],
    *,
    linked_page: bool = False,
) -> list[Sentence]:
    """Sentences with their inline citation markers resolved to reference keys and
    taken out of the text (a claim reads "...pain", not "...pain [3]")."""
    sentences: list[Sentence] = []
    reference_index = index_references(references, linked_page=linked_page)
    for index, (line, text) in enumerate(_paragraphs(lines)):
        if _TRAILER.match(text):
            continue
        text = _MD_HEADING.sub("", text)
        pieces = [
            piece
            for sentence in split_sentences(text)
            for piece in _split_after_plain_markers(sentence, reference_index)
        ]
        for sentence in pieces:
            # A marker after the full stop ("...pain.[3] Next") cites the sentence before.
            lead = leading_markers(
                sentence, reference_index.plain_limit, superscripts=reference_index.superscripts
            )
            if lead and sentences and sentences[-1].paragraph == index:
                carried = link_markers(sentence[:lead], reference_index)
                problems.extend(CitationProblem(line, m.text, why) for m, why in carried.unlinked)
                previous = sentences[-1]
                refs = tuple(dict.fromkeys([*previous.refs, *carried.keys]))
                parts = previous.parts
                if parts:  # the marker after the full stop cites the last clause
                    last_text, last_keys = parts[-1]
                    last = (last_text, tuple(dict.fromkeys([*last_keys, *carried.keys])))
                    parts = (*parts[:-1], last)
                sentences[-1] = Sentence(
                    previous.text, previous.line, previous.paragraph, refs, parts
                )
                sentence = sentence[lead:].strip()
            linked = link_markers(sentence, reference_index)
            problems.extend(CitationProblem(line, m.text, why) for m, why in linked.unlinked)
            if linked.text:
                parts = cited_parts(sentence, reference_index) if len(linked.keys) > 1 else ()
                sentences.append(Sentence(linked.text, line, index, tuple(linked.keys), parts))
    return sentences


def _split_after_plain_markers(sentence: str, index: ReferenceIndex) -> list[str]:
    """A sentence cut after each flattened superscript that closes it: the splitter
    cannot tell "...disagreed.4,7 Others..." is two sentences, since it does not know
    that 4 and 7 are references. Nor "...of a species [10,11] Under such
    circumstances...", where the page lost the full stop after the markers: a marker
    followed by a word that opens sentences, capitalised, ends one too."""
    if not (_DIGIT_AFTER_END.search(sentence) or _MARKER_THEN_OPENER.search(sentence)):
        return [sentence]
    markers = find_markers(sentence, index.plain_limit, superscripts=index.superscripts)
    cuts = [
        marker.end
        for marker in markers
        if marker.style == "plain"
        and sentence[marker.start - 1] in ".!?"
        and _STARTS_SENTENCE.match(sentence, marker.end)
    ]
    marker_ends = {marker.end for marker in markers if marker.style in ("numeric", "link")}
    for opener in _MARKER_THEN_OPENER.finditer(sentence):
        # the group's closing brackets after its last marker: "[[10],[11]] Under"
        end = opener.start()
        while end > 0 and end not in marker_ends and sentence[end - 1] in "])":
            end -= 1
        if end in marker_ends:
            cuts.append(opener.start())
    pieces: list[str] = []
    start = 0
    for cut in sorted(cuts):
        pieces.append(sentence[start:cut].strip())
        start = cut
    pieces.append(sentence[start:].strip())
    return [p for p in pieces if p]


def _parse_reference_section(lines: list[str], heading: int) -> list[Reference]:
    references: list[Reference] = []
    for number in range(heading + 2, len(lines) + 1):
        line = lines[number - 1].strip()
        if not line or _TRAILER.match(line):
            continue
        entry = unwrap_reference_line(line)  # "1. [Lee AB. Title. BMJ 2011.](https://...)"
        if looks_like_reference(entry):
            references.append(parse_reference(entry, line_number=number))
        elif references and references[-1].description is None and len(line.split()) >= 4:
            references[-1].description = unwrap_links(line)[0]
            references[-1].description_line = number
    for reference, key in zip(references, reference_keys(references), strict=True):
        reference.key = key
    return references


def paragraph_text(article: Article, paragraph: int) -> str:
    """The whole paragraph a sentence belongs to, for showing a claim in context."""
    return " ".join(s.text for s in article.sentences if s.paragraph == paragraph)
