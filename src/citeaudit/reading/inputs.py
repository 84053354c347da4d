"""Articles from anywhere: files, folders, web pages, URL lists and sitemaps.

A publisher's archive is a folder tree of Markdown exports or saved web pages, or a
live site. `expand_article_paths` turns folders into the article files inside them
(sorted, so runs and reports are stable) and passes URLs through; `read_any_article`
reads an HTML page (a file or a fetched URL) through trafilatura's main-text
extraction (navigation, footers, cookie banners and shop widgets dropped; headings,
lists and links kept as Markdown), then parses the text as any Markdown article. Line
numbers in reports for an HTML article point at that extracted text, not at the HTML
source.

Two kinds of article, two ways to fail. An article named on the command line must be
read, or the run stops with one line saying why (exit 2). Pages from a URL list or a
sitemap are a site's listing: it also lists the home page, tag pages and the odd dead
link, so a page that cannot be fetched, or that has no reference list, is skipped and
reported (`Skipped`) while the rest of the site is audited.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from citeaudit.config import Settings
from citeaudit.doi import find_doi
from citeaudit.errors import InputError
from citeaudit.models import Article
from citeaudit.progress import progress_bar
from citeaudit.reading.article import MAX_ARTICLE_BYTES, parse_article, read_article, read_text
from citeaudit.reading.bibliography import BIBLIOGRAPHY_SUFFIXES, is_bibliography, read_bibliography
from citeaudit.reading.page_citations import LINKED_CITATIONS, plain_citations
from citeaudit.reading.paragraphs import paragraph_divs
from citeaudit.reading.web import (
    HTML_TYPES,
    TEXT_TYPES,
    Fetcher,
    FetchError,
    article_name,
    is_url,
    matching,
    read_url_list,
    sitemap_urls,
)

if TYPE_CHECKING:
    from lxml.html import HtmlElement

TEXT_SUFFIXES = (".md", ".markdown", ".txt")
HTML_SUFFIXES = (".html", ".htm")
ARTICLE_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES


def expand_article_paths(paths: Iterable[str | Path]) -> list[Path | str]:
    """Each folder replaced by the article files under it (hidden folders skipped);
    URLs are kept as they are, to be fetched when read.

    In a folder, a file named in capitals (README.md, PROVENANCE.md, CHANGELOG.md) is
    the folder's documentation, not an article, by the common convention; named
    explicitly, it is read like any other file."""
    found: list[Path | str] = []
    for raw in paths:
        if isinstance(raw, str) and is_url(raw):
            found.append(raw)
            continue
        path = Path(raw)
        if not path.is_dir():
            found.append(path)
            continue
        inside = sorted(
            p
            for p in path.rglob("*")
            if p.suffix.lower() in ARTICLE_SUFFIXES
            and p.is_file()
            and not _is_documentation(p)
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


def _is_documentation(path: Path) -> bool:
    letters = [c for c in path.stem if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def read_any_article(path: Path | str, fetcher: Fetcher | None = None) -> Article:
    """A Markdown/text article as `article.read_article` reads it, an HTML page's main
    text, or a bibliography file (BibTeX, RIS, CSL-JSON) as a reference list with no body;
    a URL is fetched first (with `fetcher`, or one configured from the environment)."""
    if isinstance(path, str) and is_url(path):
        return read_web_article(path, fetcher or web_fetcher())
    path = Path(path)
    if is_bibliography(path):
        return read_bibliography(path, read_text(path, "bibliography"))
    if path.suffix.lower() not in ARTICLE_SUFFIXES:
        raise InputError(
            f"unsupported article format '{path.suffix or '(none)'}' "
            f"(expected {', '.join(ARTICLE_SUFFIXES + BIBLIOGRAPHY_SUFFIXES)})",
            path=path,
        )
    if path.suffix.lower() not in HTML_SUFFIXES:
        return read_article(path)
    return parse_article(
        html_main_text(_read_html(path), where=path), name=path.stem, path=str(path)
    )


def html_main_text(html: str, *, where: Path | str = "page") -> str:
    """The page's main text as Markdown (trafilatura), its reference list last.

    The list is read from the page's markup (`page_citations`), not from the extracted
    text, and put back after it under "## References": an extractor may drop a list as
    boilerplate or mangle its entries.

    Links are kept as Markdown (`[words](url)`): words linked to a DOI, PubMed, PMC or
    publisher page are how many pages cite, and a reference entry may be a link. The
    reader takes the syntax out again (sentences read as plain words) once it has
    matched each link to its entry.

    A line break in the HTML source is a space to a browser, but trafilatura keeps it,
    so a reference entry or a link's words wrapped in the source came out on two lines
    (the entry's second half read as its description, the link not read at all). They
    are spaces before extraction; `<br>` and block elements still end lines, and
    `<pre>` keeps its own."""
    import trafilatura  # only for HTML input: it is not needed for Markdown articles

    page = plain_citations(html)
    text = trafilatura.extract(
        _source_breaks_as_spaces(_with_paragraphs(page.html)),
        output_format="markdown",
        include_links=True,  # linked words may cite: "a [2021 review](https://doi.org/...)"
        include_images=False,
        include_tables=True,
        # recall first only where the extractor must find the list: it may take a list for
        # boilerplate; its default keeps more of a body split into several blocks (F1000)
        favor_recall=not page.entries,
        deduplicate=False,
    )
    if not text or not text.strip():
        raise InputError("no article text found in this HTML page", path=where)
    # trafilatura escapes Markdown's brackets ("\\[4\\]"): a citation marker is a bracket
    text = re.sub(r"(?m)^(\s*\d{1,4})\\\.", r"\1.", text)  # and a numbered line's "1\\."
    text = re.sub(r"\\([\[\]])", r"\1", text)
    # "<sup>[4]</sup>" is a bracket marker; as a tag it would not close its sentence
    text = re.sub(r"<sup>\s*((?:\[[^\]<]{1,40}\][\s,;–-]*)+)</sup>", r"\1", text)
    # a range whose dash is a superscript of its own between two linked numbers (Europe
    # PMC: "<sup>5</sup><sup>–</sup><sup>7</sup>") reads "[5]–[7]", the works 5 to 7
    text = re.sub(r"\]\s*<sup>\s*([–—-])\s*</sup>\s*\[", r"]\1[", text)
    text = re.sub(r"</?sub>", "", text)  # "E<sub>c</sub>" reads "Ec": a subscript cites nothing
    if page.entries:
        listed = "\n\n".join(f"{n}. {entry}" for n, entry in enumerate(page.entries, start=1))
        said = f"{LINKED_CITATIONS}\n\n" if page.linked else ""
        text = f"{text.rstrip()}\n\n## References\n\n{said}{listed}\n"
    return text


def _with_paragraphs(html: str) -> str:
    """The page with paragraphs written as `<div>`s made `<p>`s (see `paragraphs`), and
    elements named with a namespace prefix made `<span>`s: ACS marks up its reference
    titles as `<cas:atitle>`, which trafilatura cannot copy, and it then dropped the
    whole page ("no article text found"). A table that lays out the page is made `<div>`s:
    Europe PMC puts the whole article in one table cell, which the extractor wrote as one
    line, running the abstract, the keywords, a heading and the first paragraph together
    into one "sentence" whose citation was lost. Links to the page's own DOI go too: the
    header's "doi: 10.1136/sti.2008.033985" is no citation, and no entry carries it, so
    it was reported as a citation to a work missing from the list."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        document = lxml_html.document_fromstring(re.sub(r"^\s*<\?xml[^>]*\?>", "", html))
    except (etree.ParserError, ValueError):
        return html
    prefixed = [e for e in document.iter() if isinstance(e.tag, str) and ":" in e.tag]
    for element in prefixed:
        element.tag = "span"
    jumps = [e for e in document.iter("ol", "ul") if _in_page_navigation(e)]
    for element in jumps:
        element.drop_tree()
    layout = [table for table in document.iter("table") if _lays_out_page(table)]
    cells = [e for table in layout for e in _own_rows_and_cells(table)]
    for element in [*layout, *cells]:
        element.tag = "div"
    own = _own_doi(document)
    to_itself = [a for a in document.iter("a") if own and _link_doi(a) == own]
    for element in to_itself:
        element.drop_tree()
    if not paragraph_divs(document) and not (prefixed or jumps or layout or to_itself):
        return html
    return lxml_html.tostring(document, encoding="unicode")


def _lays_out_page(table: HtmlElement) -> bool:
    """A table used for the page's layout, not for data: a heading stands in one of its
    cells (a data table's cells hold values, not sections)."""
    return any(True for _ in table.iter("h1", "h2", "h3", "h4", "h5", "h6"))


def _own_rows_and_cells(table: HtmlElement) -> list[HtmlElement]:
    """The table's row groups, rows and cells, not those of a data table inside it."""
    parts = table.iter("thead", "tbody", "tfoot", "tr", "td", "th")
    return [e for e in parts if next(e.iterancestors("table"), None) is table]


def _own_doi(document: HtmlElement) -> str | None:
    """The page's own DOI, from the citation metadata publishers put in its head."""
    for meta in document.iter("meta"):
        if (meta.get("name") or "").lower() in ("citation_doi", "dc.identifier"):
            doi = find_doi(meta.get("content") or "")
            if doi:
                return doi
    return None


def _link_doi(link: HtmlElement) -> str | None:
    return find_doi(unquote(link.get("href") or ""))


def _in_page_navigation(listing: HtmlElement) -> bool:
    """A list of links to the page's own sections ("Top of page", "Abstract",
    "Introduction", ...): Wiley repeats one under each section heading, and the
    extractor then took the whole section for navigation and dropped its text."""
    items = [child for child in listing if child.tag == "li"]
    if len(items) < 2 or len(items) != len(listing):
        return False
    for item in items:
        links = item.findall("a")
        if len(links) != 1 or not (links[0].get("href") or "").startswith("#"):
            return False
        if (item.text or "").strip() or (links[0].tail or "").strip():
            return False
    return True


def _source_breaks_as_spaces(html: str) -> str:
    parts = re.split(r"(<pre\b.*?</pre\s*>)", html, flags=re.IGNORECASE | re.DOTALL)
    return "".join(
        part if index % 2 else re.sub(r"[ \t]*\r?\n\s*", " ", part)
        for index, part in enumerate(parts)
    )


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


def web_fetcher(settings: Settings | None = None) -> Fetcher:
    """The guarded page fetcher, configured like the registry clients (timeout, retries)."""
    settings = settings or Settings.from_env()
    return Fetcher(
        timeout=settings.timeout,
        retries=settings.retries,
        backoff=settings.backoff,
        allow_private=settings.allow_private_urls,
    )


def read_web_article(url: str, fetcher: Fetcher) -> Article:
    """The article at `url`: HTML through main-text extraction, plain text or Markdown as is."""
    try:
        page = fetcher.get(url, max_bytes=MAX_ARTICLE_BYTES)
    except FetchError as exc:
        raise InputError(f"cannot fetch article: {exc}", path=url) from None
    if page.media_type in HTML_TYPES or (
        not page.media_type and b"<html" in page.body[:2048].lower()
    ):
        text = html_main_text(page.text(), where=url)
    elif page.media_type in TEXT_TYPES:
        text = page.body.decode("utf-8-sig", errors="replace")
    else:
        raise InputError(
            f"cannot read article: the page is {page.media_type or 'of no stated type'}, "
            "not HTML or text",
            path=url,
        )
    return parse_article(text, name=article_name(url), path=url)


@dataclass(frozen=True)
class Skipped:
    """A listed page that was not audited, and why (shown to the user, never silent)."""

    location: str
    reason: str


def listed_urls(
    url_lists: Sequence[Path] = (),
    sitemaps: Sequence[str] = (),
    *,
    include: str | None = None,
    settings: Settings | None = None,
) -> tuple[list[str], list[Skipped]]:
    """Page URLs from URL-list files and sitemaps, in order, each once, filtered by
    `include`; and the sub-sitemaps that could not be read (their pages are missing)."""
    urls: list[str] = []
    unreadable: list[Skipped] = []
    for listing in url_lists:
        try:
            text = Path(listing).read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise InputError("URL list not found", path=listing) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read URL list: {exc}", path=listing) from None
        urls += read_url_list(text, where=str(listing))
    if sitemaps:
        fetcher = web_fetcher(settings)
        for sitemap in sitemaps:
            if not is_url(sitemap):
                raise InputError("a sitemap must be given as an http(s) URL", path=sitemap)
            pages, problems = sitemap_urls(sitemap, fetcher)
            urls += pages
            unreadable += [Skipped(where, f"sitemap not read: {why}") for where, why in problems]
    return matching(dict.fromkeys(urls), include), unreadable


def read_listed_articles(
    urls: Sequence[str], settings: Settings | None = None, *, progress: bool | None = None
) -> tuple[list[Article], list[Skipped]]:
    """Fetch and parse a site's listed pages a few at a time; keep what is an article.

    A page is skipped when it cannot be fetched or read, or has no reference list (a
    home or tag page, say): the listing is the site's, not the editor's choice.
    """
    settings = settings or Settings.from_env()
    fetcher = web_fetcher(settings)

    def read(url: str) -> Article | Skipped:
        try:
            article = read_web_article(url, fetcher)
        except InputError as exc:
            return Skipped(url, exc.message)
        if not article.references:
            return Skipped(url, "no reference list (not an article that cites sources)")
        return article

    bar = progress_bar(len(urls), progress, unit="page")
    outcomes: list[Article | Skipped] = []
    with ThreadPoolExecutor(max_workers=max(1, settings.web_concurrency)) as pool:
        for outcome in pool.map(read, urls):  # in the listing's order
            outcomes.append(outcome)
            bar.update()
    bar.close()
    articles = [o for o in outcomes if isinstance(o, Article)]
    skipped = [o for o in outcomes if isinstance(o, Skipped)]
    return articles, skipped


def load_articles(paths: Sequence[Path | str], settings: Settings | None = None) -> list[Article]:
    """Articles named by the user: files, folders of them, or URLs; each must be readable."""
    locations = expand_article_paths(paths)
    fetcher = None
    if any(isinstance(p, str) for p in locations):  # URLs: one fetcher, one connection pool
        fetcher = web_fetcher(settings)
    # Folders become the articles inside them; HTML pages are read for their main text.
    articles = _read_all(locations, fetcher)
    for article in articles:
        if not article.references and article.references_heading is not None:
            raise InputError(
                "no references found: no line under the reference list's heading reads as a "
                "reference (one per line, each with its authors, year and title, in APA, "
                "Vancouver, Harvard, Chicago, MLA or IEEE style)",
                path=article.path,
                row=article.references_heading,
            )
        if not article.references:
            raise InputError(
                "no references found: expected a heading such as 'References', 'Sources', "
                "'Works Cited' or 'Bibliography' followed by the reference list, one reference "
                "per line",
                path=article.path,
            )
    _check_unique_names(articles)
    return articles


PARALLEL_FROM = 24
"""Local article files from which reading goes to a pool of processes, one per core:
extracting a publisher page's text costs about a third of a second of CPU, so a site of
500 pages reads in minutes on one core. Below it, starting the pool costs more."""


def _read_all(locations: Sequence[Path | str], fetcher: Fetcher | None) -> list[Article]:
    """Each location read, in order; many local files are read in parallel."""
    files = [p for p in locations if not isinstance(p, str)]
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if len(files) < PARALLEL_FROM or (cores or 1) < 2:
        return [read_any_article(p, fetcher) for p in locations]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # forkserver: the workers are forked from a clean process, never from this one, whose
    # threads (a Prefect task runner, a progress bar) may hold locks a fork would copy
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=min(cores or 1, 8), mp_context=context) as pool:
        read = dict(zip(files, pool.map(read_any_article, files, chunksize=8), strict=True))
    return [read[p] if not isinstance(p, str) else read_any_article(p, fetcher) for p in locations]


def load_site(
    paths: Sequence[Path | str],
    *,
    url_lists: Sequence[Path | str] = (),
    sitemaps: Sequence[str] = (),
    include: str | None = None,
    settings: Settings | None = None,
    progress: bool | None = None,
) -> tuple[list[Article], list[Skipped]]:
    """The named articles (each must be readable) plus a site's listed pages: those in
    URL-list files and sitemaps, matching `include`. A listed page that cannot be read
    or cites nothing is skipped, and said so, as is a sitemap that cannot be read."""
    articles = load_articles(paths, settings) if paths else []
    skipped: list[Skipped] = []
    listed: list[str] = []
    if url_lists or sitemaps:
        listed, skipped = listed_urls(
            [Path(p) for p in url_lists], sitemaps, include=include, settings=settings
        )
        named = {a.path for a in articles}
        pages, unread = read_listed_articles(
            [u for u in listed if u not in named], settings, progress=progress
        )
        skipped += unread
        taken = {a.name: a.path for a in articles}
        for page in pages:
            if page.name in taken:
                skipped.append(Skipped(page.path, f"same report name as {taken[page.name]}"))
                continue
            taken[page.name] = page.path
            articles.append(page)
    if not articles:
        first = f" (first: {skipped[0].location}: {skipped[0].reason})" if skipped else ""
        raise InputError(
            f"no articles to audit: none of the {len(listed)} listed page(s) is an article "
            f"with references{first}"
        )
    return articles, skipped


def _check_unique_names(articles: Sequence[Article]) -> None:
    """Reports are named after articles, so two articles with one name would overwrite."""
    seen: dict[str, str] = {}
    for article in articles:
        if article.name in seen and seen[article.name] != article.path:
            raise InputError(
                f"two articles share the name '{article.name}' ({seen[article.name]}); reports would collide",
                path=article.path,
            )
        seen[article.name] = article.path


def refuse_to_overwrite(output: Path, what: str, articles: Iterable[Article]) -> None:
    """Stop (InputError) if `output` is one of the articles: for `extract`'s claims file.

    Here, not in pipeline/outputs.py, so `extract` does not import the report writers."""
    for article in articles:
        if (
            not is_url(article.path)
            and Path(article.path).expanduser().resolve() == output.expanduser().resolve()
        ):
            raise InputError(
                f"the {what} would overwrite the article {article.path}: name another file",
                path=output,
            )
