"""Talks to OpenAlex through pyalex: abstracts, PMIDs and retraction flags.

pyalex 0.21 hard-codes https://api.openalex.org and mounts its retry adapter on
https only, so `Works` below rewrites the base URL to the configured one and
citeaudit does its own retries (see registry.ask).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import orjson
import pyalex
import requests

from citeaudit.config import Settings
from citeaudit.registries.answers import (
    CircuitBreaker,
    NotFound,
    RegistryAnswer,
    TransientError,
    classify_status,
)
from citeaudit.registries.http import SameHostSession
from citeaudit.registries.limits import ask_throttled, throttle_for
from citeaudit.registries.works import OPENALEX_FIELDS

_PYALEX_BASE = "https://api.openalex.org"
MAX_OR_VALUES = 100  # OpenAlex: at most 100 values OR-ed in one filter
# What a retraction shows in: the flag (Retraction Watch data included) and the title.
STANDING_FIELDS = ("id", "doi", "is_retracted", "title", "display_name")


class _OrjsonResponse(requests.Response):
    """A response that decodes its body with orjson: a page of 100 OpenAlex works is
    about 2 MB of JSON, and decoding 20 of them with the standard library was a fifth of
    a cold run's time. Malformed JSON still raises requests' JSONDecodeError, which
    `_request` turns into a transient fault."""

    def json(self, **kwargs: Any) -> Any:
        try:
            return orjson.loads(self.content)
        except orjson.JSONDecodeError as exc:
            raise requests.exceptions.JSONDecodeError(exc.msg, exc.doc, exc.pos) from None


class _TimeoutSession(SameHostSession):
    """pyalex calls session.get() without a timeout; a hung registry must not hang a run.
    (SameHostSession: a redirect to another host is never followed.)"""

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        response = super().request(*args, **kwargs)
        response.__class__ = _OrjsonResponse  # same object, faster json()
        return response


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
        self.breaker = CircuitBreaker(
            "OpenAlex", settings.breaker_threshold, settings.breaker_cooldown
        )
        self.throttle = throttle_for("openalex", settings)  # 100/s with a key, 10/s without

    def _ask(self, url: str, call: Any) -> RegistryAnswer:
        return ask_throttled("openalex", url, call, self.settings, self.throttle, self.breaker)

    def work_by_doi(self, doi: str) -> RegistryAnswer:
        url = f"{self.settings.openalex_url}/works/https://doi.org/{quote(doi, safe='/')}"

        def call() -> dict[str, Any]:
            return self._request(
                lambda: dict(self._works()[f"https://doi.org/{doi}"]), "OpenAlex work"
            )

        return self._ask(url, call)

    def search(self, title: str, rows: int = 5) -> RegistryAnswer:
        fields = ",".join(OPENALEX_FIELDS)
        url = f"{self.settings.openalex_url}/works?search={quote(title)}&select={fields}"

        def call() -> list[dict[str, Any]]:
            query = self._works().search(title).select(list(OPENALEX_FIELDS))
            return self._request(
                lambda: [dict(r) for r in query.get(per_page=rows)], "OpenAlex search"
            )

        return self._ask(url, call)

    def works_by_dois(self, dois: list[str]) -> RegistryAnswer:
        """Up to 100 DOIs in one request (`filter=doi:a|b|...`, OpenAlex's OR limit).

        OpenAlex may hold two works with one DOI, so a page holds 200 (its maximum). A
        DOI missing from a *successful*, complete answer is not in OpenAlex. Only the
        fields the checks read are asked for (`OPENALEX_FIELDS`).
        """
        return self._works_filtered(dois, select=list(OPENALEX_FIELDS))

    def standing_by_dois(self, dois: list[str]) -> RegistryAnswer:
        """Only the retraction flag (and the title it may show in), for cached metadata."""
        return self._works_filtered(dois, select=list(STANDING_FIELDS))

    def _works_filtered(self, dois: list[str], select: list[str] | None) -> RegistryAnswer:
        if len(dois) > MAX_OR_VALUES:
            raise ValueError(f"OpenAlex ORs at most {MAX_OR_VALUES} values in one filter")
        url = f"{self.settings.openalex_url}/works?filter=doi:{quote('|'.join(dois), safe='/|')}"
        if select:
            url += f"&select={','.join(select)}"

        def fetch() -> list[dict[str, Any]]:
            query = self._works().filter_or(doi=list(dois))
            if select:
                query = query.select(list(select))
            page = query.get(per_page=200)
            count = (getattr(page, "meta", None) or {}).get("count")
            if isinstance(count, int) and count > len(page):  # not all returned: no absence
                raise TransientError("OpenAlex works by DOI: answer truncated")
            return [dict(r) for r in page]

        return self._ask(url, lambda: self._request(fetch, "OpenAlex works by DOI"))

    @staticmethod
    def _request(call: Any, what: str) -> Any:
        """Run a pyalex call and turn whatever it raises into NotFound or TransientError.

        pyalex reads error bodies as JSON before raising (`res.json()["error"]` on 400
        and 401), so an HTML error page or a JSON body of another shape surfaces as
        JSONDecodeError, KeyError or TypeError rather than an HTTP error.
        """
        try:
            return call()
        except requests.HTTPError as exc:
            response = exc.response
            status = response.status_code if response is not None else 0
            headers = response.headers if response is not None else None
            raise classify_status(status, what, headers) from None
        except pyalex.api.QueryError as exc:
            raise TransientError(f"{what}: query rejected ({exc})", retryable=False) from None
        except requests.exceptions.JSONDecodeError:  # also a RequestException: test it first
            raise TransientError(f"{what}: malformed response (JSONDecodeError)") from None
        except requests.RequestException as exc:
            raise TransientError(f"{what}: {type(exc).__name__}") from None
        except ValueError as exc:  # malformed JSON or an unknown response shape
            raise TransientError(f"{what}: malformed response ({type(exc).__name__})") from None
        except (TypeError, KeyError, IndexError, AttributeError) as exc:
            raise TransientError(
                f"{what}: unexpected response shape ({type(exc).__name__})"
            ) from None


__all__ = ["NotFound", "OpenAlexClient"]
