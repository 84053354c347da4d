"""Fetching article pages and sitemaps from the web, only when asked and only in public.

A publisher's site is often easier to point at than to export: an article's URL, a
list of URLs, or the sitemap the site already publishes. Fetching is opt-in: citeaudit
reads a URL only when one is given on the command line or as a flow parameter, and
never follows links found inside an article (references are resolved through the
registries, not by visiting them).

Why the guard: a URL list or a sitemap is input from outside, and the nightly flow may
run inside a network with an admin console, a database or a cloud metadata service
(169.254.169.254). Every URL, and every redirect hop, must be http(s) and resolve only
to global addresses; loopback, private, link-local and reserved addresses are refused
unless CITEAUDIT_ALLOW_PRIVATE_URLS=1 says the site is on an intranet on purpose.
Limitation: the address is checked when the host is resolved, just before the
request; a DNS server that answers differently a moment later is not defended against.

Sitemaps are parsed by ultimate-sitemap-parser (XML, gzip, sitemap indexes, plain text,
RSS and Atom feeds, loops and depth limits), fetched through the same guarded client.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote, urljoin, urlsplit

from citeaudit.errors import InputError

if TYPE_CHECKING:
    import requests
    from usp.web_client.abstract_client import AbstractWebClientResponse

MAX_REDIRECTS = 5
MAX_PAGE_BYTES = 5 * 1024 * 1024  # as for an article file
MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit, uncompressed
USER_AGENT = "citeaudit (citation checker; +https://github.com/citeaudit/citeaudit)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
TEXT_TYPES = ("text/plain", "text/markdown", "text/x-markdown")

Resolver = Callable[[str, int], Sequence[str]]


def is_url(text: str) -> bool:
    """An article argument that names a web page rather than a file."""
    return text.lower().startswith(("http://", "https://"))


def _resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def refusal(url: str, *, allow_private: bool, resolve: Resolver = _resolve) -> str | None:
    """Why `url` must not be fetched, or None when it may be (pure apart from DNS)."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        return f"not a valid URL ({exc})"
    if parts.scheme not in ("http", "https"):
        return f"only http and https URLs are fetched, not {parts.scheme or 'a bare path'}"
    if not parts.hostname:
        return "the URL has no host"
    if parts.username or parts.password:
        return "the URL carries a user name or password; citeaudit sends no credentials"
    if allow_private:
        return None
    try:
        addresses = resolve(parts.hostname, port)
    except (OSError, UnicodeError) as exc:
        return f"cannot resolve host {parts.hostname!r} ({exc})"
    for raw in addresses:
        address = ipaddress.ip_address(raw.split("%", 1)[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if not address.is_global or address.is_multicast:
            return (
                f"host {parts.hostname!r} is a non-public address ({address}); "
                "set CITEAUDIT_ALLOW_PRIVATE_URLS=1 to audit an intranet site"
            )
    return None


@dataclass(frozen=True)
class Page:
    """A fetched page: where it ended up after redirects, its media type and body."""

    url: str
    final_url: str
    media_type: str
    body: bytes

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class FetchError(Exception):
    """A page that could not be fetched; `transient` when trying later may work."""

    def __init__(self, message: str, *, transient: bool = False):
        super().__init__(message)
        self.transient = transient


class _RetryStatus(Exception):
    """A 429 or 5xx while probing a link: worth one more try, then the answer."""

    def __init__(self, status: int, final: str):
        super().__init__(f"HTTP {status}")
        self.status = status
        self.final = final


class Fetcher:
    """GET public pages, re-checking every redirect hop, with a size cap and retries."""

    def __init__(
        self,
        *,
        timeout: float = 10.0,
        retries: int = 2,
        backoff: float = 0.5,
        allow_private: bool = False,
        resolve: Resolver = _resolve,
    ):
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.allow_private = allow_private
        self._resolve = resolve
        import requests  # here, not at the top: reading a Markdown file needs no HTTP stack

        self._session = requests.Session()
        self._session.headers["User-Agent"] = USER_AGENT
        self._session.trust_env = False  # no proxy or netrc credentials from the environment

    def get(self, url: str, *, max_bytes: int = MAX_PAGE_BYTES) -> Page:
        """The page at `url`; FetchError says why not (one line, no traceback)."""
        from tenacity import retry, retry_if_exception, stop_after_attempt, wait_random_exponential

        attempt = retry(
            retry=retry_if_exception(lambda exc: isinstance(exc, FetchError) and exc.transient),
            stop=stop_after_attempt(self.retries + 1),
            wait=wait_random_exponential(multiplier=self.backoff, max=max(self.backoff * 8, 0.01)),
            reraise=True,
        )(self._get_once)
        return attempt(url, max_bytes)

    def status(self, url: str) -> tuple[int, str]:
        """The HTTP status `url` ends at, and where, after (guarded) redirects; the body
        is not read. A server error or 429 is retried as for pages, then returned;
        FetchError for a refused address or no answer."""
        from tenacity import retry, retry_if_exception, stop_after_attempt, wait_random_exponential

        def once() -> tuple[int, str]:
            status, final = self._status_once(url)
            if status == 429 or status >= 500:
                raise _RetryStatus(status, final)
            return status, final

        attempt = retry(
            retry=retry_if_exception(
                lambda exc: (
                    isinstance(exc, _RetryStatus) or (isinstance(exc, FetchError) and exc.transient)
                )
            ),
            stop=stop_after_attempt(self.retries + 1),
            wait=wait_random_exponential(multiplier=self.backoff, max=max(self.backoff * 8, 0.01)),
            reraise=True,
        )(once)
        try:
            return attempt()
        except _RetryStatus as exc:
            return exc.status, exc.final

    def _status_once(self, url: str) -> tuple[int, str]:
        response, here = self._final_response(url)
        with response:
            return response.status_code, here

    def _get_once(self, url: str, max_bytes: int) -> Page:
        response, here = self._final_response(url)
        with response:
            return self._page(url, here, response, max_bytes)

    def _final_response(self, url: str) -> tuple[requests.Response, str]:
        """GET `url`, following redirects one guarded hop at a time: the last response
        (its body not read yet; the caller closes it) and the address it came from."""
        import requests

        here = url
        for _ in range(MAX_REDIRECTS + 1):
            reason = refusal(here, allow_private=self.allow_private, resolve=self._resolve)
            if reason:
                raise FetchError(f"refused: {reason}")
            try:
                response = self._session.get(
                    here, stream=True, allow_redirects=False, timeout=self.timeout
                )
            except requests.Timeout:
                raise FetchError(f"no answer within {self.timeout:g} s", transient=True) from None
            except requests.RequestException as exc:
                raise FetchError(
                    f"connection failed ({type(exc).__name__})", transient=True
                ) from None
            if not response.is_redirect:
                return response, here
            response.close()
            here = urljoin(here, response.headers.get("location", ""))
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")

    def _page(self, url: str, here: str, response: requests.Response, max_bytes: int) -> Page:
        import requests

        status = response.status_code
        if status == 429 or status >= 500:
            raise FetchError(f"HTTP {status}", transient=True)
        if status != 200:
            raise FetchError(f"HTTP {status}")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise FetchError(f"page is over the {max_bytes // 1024} KiB limit")
        body = bytearray()
        try:
            for chunk in response.iter_content(64 * 1024):
                body += chunk
                if len(body) > max_bytes:
                    raise FetchError(f"page is over the {max_bytes // 1024} KiB limit")
        except requests.RequestException as exc:
            raise FetchError(
                f"connection broke off ({type(exc).__name__})", transient=True
            ) from None
        media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        return Page(url=url, final_url=here, media_type=media_type, body=bytes(body))


def article_name(url: str) -> str:
    """A report name from the URL's path: /health/back-pain/ -> health-back-pain.

    The whole path, not its last segment, so /a/faq and /b/faq stay apart.
    """
    parts = urlsplit(url)
    path = unquote(parts.path)
    path = re.sub(r"\.(?:html?|php|aspx?|md|txt)$", "", path, flags=re.I)
    words = [path, parts.query] if parts.query else [path]
    slug = re.sub(r"[^a-z0-9]+", "-", " ".join(words).lower()).strip("-")
    return slug or re.sub(r"[^a-z0-9]+", "-", (parts.hostname or "page").lower()).strip("-")


def read_url_list(text: str, *, where: str) -> list[str]:
    """URLs from a list file: one per line; blank lines and # comments ignored."""
    urls: list[str] = []
    for row, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not is_url(line) or any(ch.isspace() for ch in line):
            raise InputError(f"not an http(s) URL: {line[:80]!r}", path=where, row=row)
        urls.append(line)
    return list(dict.fromkeys(urls))


def sitemap_urls(sitemap_url: str, fetcher: Fetcher) -> tuple[list[str], list[tuple[str, str]]]:
    """Every page URL a sitemap (or sitemap index, feed, text sitemap) lists, in order,
    and the (URL, reason) of each sub-sitemap that could not be read."""
    import logging

    from usp.fetch_parse import SitemapFetcher
    from usp.objects.sitemap import InvalidSitemap

    # usp logs each failed fetch as a warning; the failures are reported by the caller.
    logging.getLogger("usp").setLevel(logging.ERROR)
    tree = SitemapFetcher(
        url=sitemap_url, recursion_level=0, web_client=_SitemapClient(fetcher)
    ).sitemap()
    if isinstance(tree, InvalidSitemap):
        raise InputError(f"not a readable sitemap: {tree.reason}", path=sitemap_url)
    unreadable = [(s.url, s.reason) for s in tree.all_sitemaps() if isinstance(s, InvalidSitemap)]
    return list(dict.fromkeys(page.url for page in tree.all_pages())), unreadable


def matching(urls: Iterable[str], pattern: str | None) -> list[str]:
    """The URLs whose text matches `pattern` (a regular expression), or all of them."""
    if not pattern:
        return list(urls)
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise InputError(
            f"--include {pattern!r} is not a valid regular expression ({exc})"
        ) from None
    return [url for url in urls if compiled.search(url)]


class _SitemapClient:
    """ultimate-sitemap-parser's web client interface, over the guarded Fetcher."""

    def __init__(self, fetcher: Fetcher):
        self._fetcher = fetcher
        self._max = MAX_SITEMAP_BYTES

    def set_max_response_data_length(self, max_response_data_length: int | None) -> None:
        self._max = min(max_response_data_length or MAX_SITEMAP_BYTES, MAX_SITEMAP_BYTES)

    def get(self, url: str) -> AbstractWebClientResponse:
        from usp.web_client.abstract_client import WebClientErrorResponse

        try:
            page = self._fetcher.get(url, max_bytes=self._max)
        except FetchError as exc:
            return WebClientErrorResponse(str(exc), retryable=False)  # already retried
        return _sitemap_response(page)


def _sitemap_response(page: Page) -> AbstractWebClientResponse:
    from usp.web_client.abstract_client import AbstractWebClientSuccessResponse

    class Response(AbstractWebClientSuccessResponse):
        def status_code(self) -> int:
            return 200

        def status_message(self) -> str:
            return "OK"

        def header(self, case_insensitive_name: str) -> str | None:
            if case_insensitive_name.lower() == "content-type":
                return page.media_type or None
            return None

        def raw_data(self) -> bytes:
            return page.body

        def url(self) -> str:
            return page.final_url

    return Response()
