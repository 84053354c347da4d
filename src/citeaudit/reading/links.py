"""Links in an article: Markdown link syntax, and what a URL identifies.

A web article often cites by linking words ("a [2021 review](https://doi.org/...)")
rather than by a number, and its reference entries may be links themselves. Two URLs
name the same source when they reach the same DOI, PubMed record, PMC article or page,
however they are spelled: with or without the scheme and `www.`, through doi.org or
dx.doi.org, the old and new PMC addresses, a trailing slash. `link_identity` folds a
URL to one such identity ("doi:10.1000/x", "pmid:123", "pmcid:PMC123", "url:host/path"),
and `reference_identities` gives every identity a reference entry carries, so a link in
the body can be matched to its entry by plain set membership.

Pure functions only; nothing here fetches a URL.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from citeaudit.doi import is_valid_doi, normalize_doi
from citeaudit.models import Reference

# A page's in-page link to the n-th entry of its reference list, as `plain_citations`
# rewrites it: the link's words stay in the sentence and the entry is known exactly.
_ENTRY_LINK = "#citeaudit-entry-"


def entry_link(number: int) -> str:
    """The address of a link to the `number`-th entry of the page's reference list."""
    return f"{_ENTRY_LINK}{number}"


def entry_number(url: str) -> int | None:
    """Which entry an `entry_link` address points at; None for any other address."""
    if url.startswith(_ENTRY_LINK) and url[len(_ENTRY_LINK) :].isdigit():
        return int(url[len(_ENTRY_LINK) :])
    return None


# `[label](url)` or `[label](url "title")`; the label may hold one level of brackets
# ("[Lee [2011]](...)") and the URL one level of parentheses (DOIs such as
# 10.1016/S0140-6736(20)30183-5), or the URL is in angle brackets, as trafilatura writes
# one with unbalanced brackets or spaces ("(</wiki/MythBusters_(2003_season)#Echo?>)").
LINK_TARGET = r"<[^<>\n]+>|(?:[^()\s]|\([^()\s]*\))+"
MARKDOWN_LINK = re.compile(
    r"(?<!!)\[(?P<label>(?:[^\[\]]|\[[^\[\]]*\])*)\]"
    rf"\((?P<url>{LINK_TARGET})(?:\s+\"[^\"]*\")?\)"
)
# A URL written out in the text; trailing punctuation is the sentence's, not the URL's.
BARE_URL = re.compile(r"(?<![(\w/])(?:https?://|www\.)(?:[^\s<>\"()\[\]]|\([^\s()]*\))+", re.I)
_TRAILING = ".,;:!?'’\"”"

_SCHEME = re.compile(r"^(?:https?:)?//", re.I)
_PMC = re.compile(
    r"^(?:ncbi\.nlm\.nih\.gov/pmc/articles|pmc\.ncbi\.nlm\.nih\.gov/articles"
    r"|europepmc\.org/(?:article|abstract)/pmc)/(?:pmc)?(\d+)(?:/|$)"
)
_PUBMED = re.compile(
    r"^(?:pubmed\.ncbi\.nlm\.nih\.gov|ncbi\.nlm\.nih\.gov/pubmed"
    r"|europepmc\.org/(?:article|abstract)/med)/(\d+)(?:/|$)"
)
_DOI_HOST = re.compile(r"^(?:dx\.)?doi\.org/(10\..+)$")
# Publishers' article pages that carry the DOI in their path (Wiley, SAGE, T&F, ACS...).
_DOI_IN_PATH = re.compile(r"/doi/(?:(?:abs|full|pdf|epdf|epub|reader)/)?(10\.\d{4,9}/.+)$")
# Identifiers a reference entry writes out in text.
_DOI_TEXT = re.compile(r"\b10\.\d{4,9}(?:/|%2F)[^\s\"<>]+", re.I)
_PMID_TEXT = re.compile(r"\bPMID:?\s*(\d{1,9})\b", re.I)
_PMCID_TEXT = re.compile(r"\bPMC\s?(\d{4,})\b", re.I)

SCHOLARLY = ("doi:", "pmid:", "pmcid:")


def strip_url(url: str) -> str:
    """A URL found in running text without the sentence's punctuation after it (an
    unbalanced closing parenthesis is the sentence's too)."""
    url = url.rstrip(_TRAILING)
    while url.endswith(")") and url.count("(") < url.count(")"):
        url = url[:-1].rstrip(_TRAILING)
    return url


def link_identity(url: str) -> str | None:
    """What a URL identifies, folded so that spellings of one address compare equal.

    None for what cannot be a source: in-page anchors (`#ref4`), relative links
    (`/shop`), `mailto:` and other schemes.
    """
    url = url.strip()
    if not re.match(r"^(?:https?://|//|www\.)", url, re.I):
        return None
    rest = _SCHEME.sub("", unquote(url))
    rest = rest.split("#", 1)[0]
    host, _, path = rest.partition("/")
    host = host.lower().removeprefix("www.").split(":", 1)[0]
    if not host or "." not in host:
        return None
    whole = f"{host}/{path}".rstrip("/")
    lowered = whole.lower()
    if doi := _DOI_HOST.match(lowered):
        return _doi_identity(doi.group(1).split("?", 1)[0]) or f"url:{lowered}"
    if pmc := _PMC.match(lowered):
        return f"pmcid:PMC{pmc.group(1)}"
    if pubmed := _PUBMED.match(lowered):
        return f"pmid:{pubmed.group(1)}"
    if (doi := _DOI_IN_PATH.search(lowered.split("?", 1)[0])) and (
        identity := _doi_identity(doi.group(1))
    ):
        return identity
    return f"url:{lowered}"


def _doi_identity(doi: str) -> str | None:
    doi = normalize_doi(doi)
    return f"doi:{doi}" if is_valid_doi(doi) else None


def is_scholarly(identity: str | None) -> bool:
    """A DOI, PubMed or PMC identity: a link to one cites a source even when the list
    lacks it, so an unmatched one is a problem to report, unlike a link to a web page."""
    return bool(identity and identity.startswith(SCHOLARLY))


def text_identities(text: str) -> set[str]:
    """Every identity written in a text: URLs, DOIs, PMIDs and PMCIDs."""
    found: set[str] = set()
    for match in BARE_URL.finditer(text):
        if identity := link_identity(strip_url(match.group(0))):
            found.add(identity)
    for match in _DOI_TEXT.finditer(text):
        if identity := _doi_identity(match.group(0)):
            found.add(identity)
    found.update(f"pmid:{m.group(1)}" for m in _PMID_TEXT.finditer(text))
    found.update(f"pmcid:PMC{m.group(1)}" for m in _PMCID_TEXT.finditer(text))
    return found


def reference_identities(ref: Reference) -> set[str]:
    """Every identity a reference entry carries: its parsed DOI, PMID and URL, and any
    other URL or identifier its text holds (an entry may give a DOI and a PMC link)."""
    found = text_identities(ref.raw)
    if ref.doi and (identity := _doi_identity(ref.doi)):
        found.add(identity)
    if ref.pmid:
        found.add(f"pmid:{ref.pmid}")
    if ref.url and (identity := link_identity(ref.url)):
        found.add(identity)
    return found


def link_url(match: re.Match[str]) -> str:
    """A `MARKDOWN_LINK` match's URL, without the angle brackets it may be written in."""
    url = match.group("url")
    return url[1:-1] if url.startswith("<") else url


def unwrap_links(text: str) -> tuple[str, list[str]]:
    """`text` with each Markdown link replaced by its words, and the links' URLs that
    could name a source (in-page anchors and relative links are dropped)."""
    urls: list[str] = []

    def words(match: re.Match[str]) -> str:
        url = link_url(match)
        if link_identity(url) is not None:
            urls.append(url)
        return match.group("label")

    return MARKDOWN_LINK.sub(words, text), urls


def unwrap_reference_line(line: str) -> str:
    """A reference entry with its Markdown links unwrapped: the entry's text is the
    links' words, and each URL that adds an identity the words lack is kept at the end,
    where the reference parser finds it as the entry's URL or DOI."""
    text, urls = unwrap_links(line)
    if not urls:
        return text
    known = text_identities(text)
    extra = []
    for url in urls:
        identity = link_identity(url)
        if identity not in known:
            known.add(identity or url)
            extra.append(url)
    return " ".join([text.rstrip(), *extra])
