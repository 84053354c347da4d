"""Articles from anywhere: a folder of them, and HTML pages as well as Markdown.

A publisher's archive is a folder tree of Markdown exports, or of saved web pages.
`expand_article_paths` turns folders into the article files inside them (sorted, so
runs and reports are stable); `read_any_article` reads an HTML page through
trafilatura's main-text extraction (navigation, footers, cookie banners and shop
widgets dropped; headings and lists kept as Markdown), then parses the text as any
Markdown article. Line numbers in reports for an HTML article point at that
extracted text, not at the HTML source.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from citeaudit.article import MAX_ARTICLE_BYTES, parse_article, read_article
from citeaudit.errors import InputError
from citeaudit.models import Article

TEXT_SUFFIXES = (".md", ".markdown", ".txt")
HTML_SUFFIXES = (".html", ".htm")
ARTICLE_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES


def expand_article_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Each folder replaced by the article files under it (hidden folders skipped)."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            found.append(path)
            continue
        inside = sorted(
            p
            for p in path.rglob("*")
            if p.suffix.lower() in ARTICLE_SUFFIXES
            and p.is_file()
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
        if not inside:
            raise InputError(
                "cannot read article: a folder with no articles in it "
                f"(looked for {', '.join(ARTICLE_SUFFIXES)})",
                path=path,
            )
        found.extend(inside)
    return list(dict.fromkeys(found))


def read_any_article(path: Path) -> Article:
    """A Markdown/text article as `article.read_article` reads it, or an HTML page's main text."""
    if path.suffix.lower() not in HTML_SUFFIXES:
        return read_article(path)
    return parse_article(
        html_main_text(_read_html(path), where=path), name=path.stem, path=str(path)
    )


def html_main_text(html: str, *, where: Path | str = "page") -> str:
    """The page's main text as Markdown (trafilatura), references list included."""
    import trafilatura  # only for HTML input: it is not needed for Markdown articles

    text = trafilatura.extract(
        html,
        output_format="markdown",
        include_links=False,
        include_images=False,
        include_tables=True,
        favor_recall=True,  # reference lists look like boilerplate to a precise extractor
        deduplicate=False,
    )
    if not text or not text.strip():
        raise InputError("no article text found in this HTML page", path=where)
    return text


def _read_html(path: Path) -> str:
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_ARTICLE_BYTES + 1)
    except FileNotFoundError:
        raise InputError("article not found", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read article: {exc.strerror or exc}", path=path) from None
    if len(data) > MAX_ARTICLE_BYTES:
        raise InputError(f"page is over the {MAX_ARTICLE_BYTES // 1024} KiB limit", path=path)
    return data.decode("utf-8", errors="replace")
