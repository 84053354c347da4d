"""Talks to OpenAlex through pyalex: abstracts, PMIDs and retraction flags.

pyalex 0.21 hard-codes https://api.openalex.org and mounts its retry adapter on
https only, so `Works` below rewrites the base URL to the configured one and
citeaudit does its own retries (see registry.ask).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pyalex
import requests

from citeaudit.config import Settings
from citeaudit.registry import NotFound, RegistryAnswer, TransientError, ask, classify_status

_PYALEX_BASE = "https://api.openalex.org"


class _TimeoutSession(requests.Session):
    """pyalex calls session.get() without a timeout; a hung registry must not hang a run."""

    def __init__(self, timeout: float):
        super().__init__()
        self.timeout = timeout

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        kwargs.setdefault("timeout", self.timeout)
        return super().request(*args, **kwargs)


def _works_class(base_url: str, timeout: float) -> type[pyalex.Works]:
    class Works(pyalex.Works):  # the class name must stay "Works": pyalex builds the path from it
        @property
        def url(self) -> str:
            return base_url + super().url.removeprefix(_PYALEX_BASE)

        def _get_from_url(self, url: str, session: requests.Session | None = None) -> Any:
            return super()._get_from_url(url, session or _TimeoutSession(timeout))

    return Works


class OpenAlexClient:
    def __init__(self, settings: Settings):
        self.settings = settings
        self._works = _works_class(settings.openalex_url, settings.timeout)
        # pyalex reads its configuration from a module-level dict at request time.
        pyalex.config.email = settings.mailto
        pyalex.config.api_key = settings.openalex_api_key
        pyalex.config.user_agent = "citeaudit/0.1"
        pyalex.config.max_retries = 0

    def work_by_doi(self, doi: str) -> RegistryAnswer:
        url = f"{self.settings.openalex_url}/works/https://doi.org/{quote(doi, safe='/')}"

        def call() -> dict[str, Any]:
            return dict(
                self._request(lambda: self._works()[f"https://doi.org/{doi}"], "OpenAlex work")
            )

        return ask("openalex", url, call, self.settings.retries, self.settings.backoff)

    def search(self, title: str, rows: int = 5) -> RegistryAnswer:
        url = f"{self.settings.openalex_url}/works?search={quote(title)}"

        def call() -> list[dict[str, Any]]:
            results = self._request(
                lambda: self._works().search(title).get(per_page=rows), "OpenAlex search"
            )
            return [dict(r) for r in results]

        return ask("openalex", url, call, self.settings.retries, self.settings.backoff)

    @staticmethod
    def _request(call: Any, what: str) -> Any:
        try:
            return call()
        except requests.HTTPError as exc:
            status = exc.response.status_code if exc.response is not None else 0
            raise classify_status(status, what) from None
        except pyalex.api.QueryError as exc:
            raise TransientError(f"{what}: query rejected ({exc})") from None
        except requests.RequestException as exc:
            raise TransientError(f"{what}: {type(exc).__name__}") from None
        except ValueError as exc:  # malformed JSON or an unknown response shape
            raise TransientError(f"{what}: malformed response ({type(exc).__name__})") from None


__all__ = ["NotFound", "OpenAlexClient"]
