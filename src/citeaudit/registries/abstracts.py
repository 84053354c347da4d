"""Abstract text from the markup registries send: JATS (Crossref), HTML (Europe PMC).

Stripped with the standard library's HTML parser, not with regular expressions: a
parser does not swallow text after a stray "<" ("p<0.05"), decodes every entity
once, and never lets markup through. Section titles and labels ("Background",
"Abstract") are dropped, since they are headings rather than findings; block elements
become sentence-safe spaces, while inline ones (italic, superscript) join their text
to the words around them ("10<sup>5</sup>" becomes "10^5", not "10 5" or "105").
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIP = {"title", "label", "script", "style", "h1", "h2", "h3", "h4", "h5", "h6"}
_INLINE = {
    "italic", "bold", "sup", "sub", "sc", "underline", "monospace", "i", "b", "em", "strong",
    "span", "a", "inline-formula", "named-content", "styled-content", "u", "small", "abbr",
}  # fmt: skip


def _local(tag: str) -> str:
    """`jats:p` -> `p`: Crossref prefixes JATS tags with a namespace."""
    return tag.rsplit(":", 1)[-1].lower()


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        name = _local(tag)
        if name in _SKIP:
            self.skipping += 1
        elif name == "sup" and self.parts and self.parts[-1][-1:].isdigit():
            self.parts.append("^")  # 10<sup>5</sup> is 10^5, not 105
        elif name not in _INLINE:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if _local(tag) not in _INLINE:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        name = _local(tag)
        if name in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif name not in _INLINE:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def markup_to_text(markup: str | None) -> str | None:
    """Plain text of a JATS or HTML abstract, whitespace collapsed; None when empty.

    A leading "Abstract" heading in plain text is removed too (some registries send it
    as a word, not a tag).
    """
    if not markup or not markup.strip():
        return None
    collector = _TextCollector()
    collector.feed(markup)
    collector.close()
    text = " ".join("".join(collector.parts).split())
    text = re.sub(r"^abstract\s*[:.]?\s+", "", text, flags=re.IGNORECASE)
    return text or None
