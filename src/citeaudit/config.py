"""Settings read from the environment.

Every registry base URL is configurable because the public services are not always
reachable (CI, air-gapped newsrooms, tests against a local recorded server).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_CROSSREF_URL = "https://api.crossref.org"
DEFAULT_OPENALEX_URL = "https://api.openalex.org"
DEFAULT_DOI_URL = "https://doi.org"


@dataclass(frozen=True)
class Settings:
    crossref_url: str = DEFAULT_CROSSREF_URL
    openalex_url: str = DEFAULT_OPENALEX_URL
    doi_url: str = DEFAULT_DOI_URL
    mailto: str | None = None
    openalex_api_key: str | None = None
    timeout: float = 10.0
    retries: int = 2  # extra attempts after a transient fault (5xx, 429, connection error)
    backoff: float = 0.5  # seconds; doubled on each retry, with jitter

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)

        def url(name: str, default: str) -> str:
            return (env.get(name) or default).rstrip("/")

        return cls(
            crossref_url=url("CITEAUDIT_CROSSREF_URL", DEFAULT_CROSSREF_URL),
            openalex_url=url("CITEAUDIT_OPENALEX_URL", DEFAULT_OPENALEX_URL),
            doi_url=url("CITEAUDIT_DOI_URL", DEFAULT_DOI_URL),
            mailto=env.get("CITEAUDIT_MAILTO") or None,
            openalex_api_key=env.get("OPENALEX_API_KEY") or None,
            timeout=float(env.get("CITEAUDIT_TIMEOUT", "10")),
            retries=int(env.get("CITEAUDIT_RETRIES", "2")),
            backoff=float(env.get("CITEAUDIT_BACKOFF", "0.5")),
        )

    def __repr__(self) -> str:  # never leak the key or the contact address into logs
        return (
            f"Settings(crossref_url={self.crossref_url!r}, openalex_url={self.openalex_url!r}, "
            f"doi_url={self.doi_url!r}, mailto={'set' if self.mailto else None}, "
            f"openalex_api_key={'set' if self.openalex_api_key else None})"
        )
