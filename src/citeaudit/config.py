"""Settings read from the environment.

Every registry base URL is configurable because the public services are not always
reachable (CI, air-gapped newsrooms, tests against a local recorded server).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from citeaudit.errors import InputError

DEFAULT_CROSSREF_URL = "https://api.crossref.org"
DEFAULT_OPENALEX_URL = "https://api.openalex.org"
DEFAULT_DOI_URL = "https://doi.org"
DEFAULT_EUROPEPMC_URL = "https://www.ebi.ac.uk/europepmc/webservices/rest"
DEFAULT_DATACITE_URL = "https://api.datacite.org"
DEFAULT_PUBMED_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"


@dataclass(frozen=True)
class Settings:
    crossref_url: str = DEFAULT_CROSSREF_URL
    openalex_url: str = DEFAULT_OPENALEX_URL
    doi_url: str = DEFAULT_DOI_URL
    # Europe PMC, for abstracts Crossref and OpenAlex lack. None (the default when built
    # in code): not asked. from_env() asks the public service unless told otherwise.
    europepmc_url: str | None = None
    # DataCite's REST API, for DOIs another agency than Crossref registers; None: not asked
    datacite_url: str | None = None
    # PubMed E-utilities, for the standing of works with a PMID; None: not asked
    pubmed_url: str | None = None
    mailto: str | None = None
    openalex_api_key: str | None = None
    timeout: float = 10.0
    retries: int = 2  # extra attempts after a transient fault (5xx, 429, connection error)
    backoff: float = 0.5  # seconds; doubled on each retry, with jitter
    max_retry_after: float = 60.0  # longest Retry-After pause honoured; longer means "down"
    breaker_threshold: int = 5  # references in a row without an answer: registry is down
    breaker_cooldown: float = 60.0  # seconds a down registry is left alone before a probe
    # Scale (registries/limits.py, bulk.py, cache.py): the registries' published polite limits, per
    # registry and per process; a request over them is answered 429 and wastes a round trip.
    crossref_rps: float = 10.0  # Crossref polite pool: 10 requests/s ...
    crossref_concurrency: int = 5  # ... at most 5 at once
    openalex_rps: float | None = None  # None: 100/s with an API key, 10/s without
    openalex_concurrency: int = 10
    doi_rps: float = 10.0  # doi.org publishes no limit; stay as polite as with Crossref
    doi_concurrency: int = 5
    batch_size: int = 100  # DOIs per batched lookup; OpenAlex ORs at most 100 values
    workers: int = 16  # references resolved at once (each request still within the limits)
    # SQLite cache of registry answers; None (the default when built in code): no cache.
    # from_env() uses .citeaudit/cache.sqlite unless CITEAUDIT_CACHE=off.
    cache_path: str | None = None
    metadata_ttl: float = 30 * 86400.0  # seconds a cached record's metadata is trusted
    standing_ttl: float = 86400.0  # seconds a retraction/correction status is trusted (<= 1 day)
    # SQLite file through which every process on this machine that names it shares one
    # requests-per-second budget per registry (registries/limits.py); None: each process its own.
    rate_limit_db: str | None = None
    # Article pages fetched from URLs, URL lists and sitemaps (reading/web.py): how many at once,
    # and whether hosts on loopback/private/link-local addresses may be fetched.
    web_concurrency: int = 4
    allow_private_urls: bool = False

    @property
    def openalex_rate(self) -> float:
        """OpenAlex's limit: 100 requests/s with a (free) API key, 10/s without one."""
        if self.openalex_rps is not None:
            return self.openalex_rps
        return 100.0 if self.openalex_api_key else 10.0

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)

        def url(name: str, default: str) -> str:
            value = (env.get(name) or default).strip().rstrip("/")
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise InputError(f"{name}={value!r} is not an http(s) URL with a host")
            return value

        def number(
            name: str, default: str, kind: type[float] | type[int] = float, positive: bool = False
        ) -> Any:
            raw = env.get(name) or default
            try:
                value = kind(raw)
            except ValueError:
                value = None
            if value is None or not math.isfinite(value) or value < 0 or (positive and not value):
                what = "a whole number" if kind is int else "a number"
                raise InputError(f"{name}={raw!r} is not {what} {'> 0' if positive else '>= 0'}")
            return value

        return cls(
            crossref_url=url("CITEAUDIT_CROSSREF_URL", DEFAULT_CROSSREF_URL),
            openalex_url=url("CITEAUDIT_OPENALEX_URL", DEFAULT_OPENALEX_URL),
            doi_url=url("CITEAUDIT_DOI_URL", DEFAULT_DOI_URL),
            europepmc_url=_public_service_url(
                env, url, "CITEAUDIT_EUROPEPMC_URL", DEFAULT_EUROPEPMC_URL
            ),
            datacite_url=_public_service_url(
                env, url, "CITEAUDIT_DATACITE_URL", DEFAULT_DATACITE_URL
            ),
            pubmed_url=_opt_in_url(env, url, "CITEAUDIT_PUBMED_URL", DEFAULT_PUBMED_URL),
            mailto=env.get("CITEAUDIT_MAILTO") or None,
            openalex_api_key=env.get("OPENALEX_API_KEY") or None,
            timeout=number("CITEAUDIT_TIMEOUT", "10", positive=True),
            retries=number("CITEAUDIT_RETRIES", "2", int),
            backoff=number("CITEAUDIT_BACKOFF", "0.5"),
            max_retry_after=number("CITEAUDIT_MAX_RETRY_AFTER", "60"),
            crossref_rps=number("CITEAUDIT_CROSSREF_RPS", "10", positive=True),
            crossref_concurrency=number("CITEAUDIT_CROSSREF_CONCURRENCY", "5", int, True),
            openalex_rps=(
                number("CITEAUDIT_OPENALEX_RPS", "0", positive=True)
                if env.get("CITEAUDIT_OPENALEX_RPS")
                else None
            ),
            openalex_concurrency=number("CITEAUDIT_OPENALEX_CONCURRENCY", "10", int, True),
            doi_rps=number("CITEAUDIT_DOI_RPS", "10", positive=True),
            doi_concurrency=number("CITEAUDIT_DOI_CONCURRENCY", "5", int, True),
            batch_size=min(100, number("CITEAUDIT_BATCH_SIZE", "100", int, True)),
            workers=number("CITEAUDIT_WORKERS", "16", int, True),
            cache_path=_cache_path(env.get("CITEAUDIT_CACHE")),
            metadata_ttl=number("CITEAUDIT_METADATA_TTL_DAYS", "30") * 86400.0,
            standing_ttl=_standing_ttl(number("CITEAUDIT_STANDING_TTL_HOURS", "24")),
            rate_limit_db=_rate_limit_db(env.get("CITEAUDIT_RATE_LIMIT_DB")),
            web_concurrency=number("CITEAUDIT_WEB_CONCURRENCY", "4", int, True),
            allow_private_urls=_flag(env, "CITEAUDIT_ALLOW_PRIVATE_URLS"),
        )

    def __repr__(self) -> str:  # never leak the key or the contact address into logs
        return (
            f"Settings(crossref_url={self.crossref_url!r}, openalex_url={self.openalex_url!r}, "
            f"doi_url={self.doi_url!r}, mailto={'set' if self.mailto else None}, "
            f"openalex_api_key={'set' if self.openalex_api_key else None})"
        )


DEFAULT_CACHE_PATH = ".citeaudit/cache.sqlite"


def _flag(env: dict[str, str], name: str) -> bool:
    """A yes/no variable: 1/true/yes/on or 0/false/no/off (unset is no)."""
    raw = (env.get(name) or "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise InputError(f"{name}={raw!r} is not yes or no (1/0, true/false)")


def _cache_path(value: str | None) -> str | None:
    """CITEAUDIT_CACHE: a file path, or off/none/0 for no cache at all."""
    value = (value or "").strip()
    if value.lower() in ("off", "none", "0", "false", "no"):
        return None
    return value or DEFAULT_CACHE_PATH


def _rate_limit_db(value: str | None) -> str | None:
    """CITEAUDIT_RATE_LIMIT_DB: a file path shared by the processes that share a budget.

    Made absolute here: processes started from different directories (cron, workers)
    must name the same file, or each would keep a budget of its own without a word.
    """
    value = (value or "").strip()
    if value.lower() in ("", "off", "none", "0", "false", "no"):
        return None
    path = os.path.abspath(os.path.expanduser(value))
    if os.path.isdir(path):
        raise InputError(f"CITEAUDIT_RATE_LIMIT_DB={value!r} is a directory, not a file path")
    return path


def _standing_ttl(hours: float) -> float:
    """A retraction must show within a day of being registered, so no longer expiry."""
    if hours > 24:
        raise InputError(
            f"CITEAUDIT_STANDING_TTL_HOURS={hours:g}: retraction status may be cached "
            "for at most 24 hours"
        )
    return hours * 3600.0


def _opt_in_url(env: dict[str, str], url: Any, name: str, default: str) -> str | None:
    """A base URL for a service asked only when told to: `on` for the public one, or a
    URL; unset or `off`, never asked.

    PubMed is asked one work at a time at 3 requests a second (NCBI's limit without a
    key): right for an article in CI, hours for a nightly run over a large site, so it
    is opt-in until it is asked in batches.
    """
    value = (env.get(name) or "").strip()
    if value.lower() in ("", "off", "none", "0", "false", "no"):
        return None
    if value.lower() in ("on", "1", "true", "yes"):
        return default
    return str(url(name, value))


def _public_service_url(env: dict[str, str], url: Any, name: str, default: str) -> str | None:
    """A base URL for a service asked only for some works (Europe PMC, DataCite), or
    off/none/0 to never ask it.

    Unset, the public service is asked, except when another registry URL is redirected
    (a mirror, a test server): a run pointed away from the public registries must not
    send requests to a public service it was not told about.
    """
    value = (env.get(name) or "").strip()
    if value.lower() in ("off", "none", "0", "false", "no"):
        return None
    if value:
        return str(url(name, value))
    redirected = ("CITEAUDIT_CROSSREF_URL", "CITEAUDIT_OPENALEX_URL", "CITEAUDIT_DOI_URL")
    if any((env.get(other) or "").strip() for other in redirected):
        return None
    return default
