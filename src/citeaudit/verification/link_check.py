"""Whether the web addresses an article's references give still lead somewhere.

A reference with no DOI (a guideline, a report, a web page) is often found only by its
URL, and such URLs rot. `citeaudit check --check-links` asks each one, once per run:

* opt-in: without the flag nothing is fetched, as before;
* only public addresses, every redirect hop re-checked (the guarded `Fetcher` that
  reads article pages; CITEAUDIT_ALLOW_PRIVATE_URLS as there);
* within per-host limits: one request at a time per host, `per_host_interval` seconds
  apart, a few hosts at once, so a list of 40 links to one publisher is not a burst;
* a dead link (HTTP 404 or 410: the server says the page is gone) is a finding; any
  other failure (a timeout, 403 to robots, 5xx, 429, no DNS answer) says nothing
  about the page and leaves the link `unverified`, never dead. Nothing here raises.

DOI links (doi.org) are left to the DOI check, which asks the DOI system itself.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Literal
from urllib.parse import urlsplit

from citeaudit.models import Article
from citeaudit.reading.web import Fetcher, FetchError

LinkStatus = Literal["ok", "dead", "unverified", "refused"]
_DOI_HOSTS = {"doi.org", "dx.doi.org", "www.doi.org"}
_GONE = {404, 410}


@dataclass(frozen=True)
class LinkResult:
    url: str
    status: LinkStatus
    detail: str  # "HTTP 404", "no answer within 10 s", "refused: ..."
    final_url: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return asdict(self)


def links_to_check(articles: Iterable[Article]) -> list[str]:
    """The http(s) URLs the articles' references give, once each, DOI links aside."""
    urls: dict[str, None] = {}
    for article in articles:
        for ref in article.references:
            url = (ref.url or "").strip()
            host = (urlsplit(url).hostname or "").lower() if url else ""
            if url.lower().startswith(("http://", "https://")) and host not in _DOI_HOSTS:
                urls[url] = None
    return list(urls)


def classify(status: int) -> LinkStatus:
    """What an HTTP status says about a cited page (after redirects)."""
    if 200 <= status < 400:
        return "ok"
    if status in _GONE:
        return "dead"
    return "unverified"  # 401/403 to robots, 405, 429, 5xx: the page may well be there


def check_links(
    urls: Iterable[str],
    fetcher: Fetcher,
    *,
    per_host_interval: float = 1.0,
    hosts_at_once: int = 4,
) -> dict[str, LinkResult]:
    """Ask each URL once; hosts in parallel, each host's URLs one after another."""
    by_host: dict[str, list[str]] = defaultdict(list)
    for url in dict.fromkeys(urls):
        by_host[(urlsplit(url).hostname or "").lower()].append(url)
    results: dict[str, LinkResult] = {}
    lock = threading.Lock()

    def one_host(host_urls: list[str]) -> None:
        for number, url in enumerate(host_urls):
            if number:
                time.sleep(per_host_interval)
            result = _ask(url, fetcher)
            with lock:
                results[url] = result

    with ThreadPoolExecutor(max_workers=max(1, hosts_at_once)) as pool:
        list(pool.map(one_host, by_host.values()))
    return results


def _ask(url: str, fetcher: Fetcher) -> LinkResult:
    try:
        status, final_url = fetcher.status(url)
    except FetchError as exc:
        message = str(exc)
        return LinkResult(
            url, "refused" if message.startswith("refused") else "unverified", message
        )
    except Exception as exc:  # a link is a finding or nothing, never a crash
        return LinkResult(url, "unverified", f"could not be checked ({type(exc).__name__})")
    return LinkResult(url, classify(status), f"HTTP {status}", final_url)


def link_problem(result: Mapping[str, object] | None) -> str | None:
    """The problem line for a reference whose link is dead, else None."""
    if not result or result.get("status") != "dead":
        return None
    return f"link {result.get('url')} is dead ({result.get('detail')})"
