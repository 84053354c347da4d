"""habanero's requests through one pooled HTTP client instead of a new one per request.

Why: habanero 2.9 calls the module function `httpx2.get` for every request, and each
call builds a client of its own: the system's CA bundle is read and parsed again
(25-50 ms of CPU here, a tenth of a second per ten Crossref batches) and a new TCP and
TLS connection is opened to Crossref, a round trip or two more for every request.
habanero takes no client or session, so `install` gives its two request modules a
stand-in for their `httpx2` name: `get` goes through one shared, thread-safe
`httpx2.Client` (a keep-alive pool), and every other name is httpx2's own, so habanero
raises and catches exactly what it did. A call with an option only the module function
takes (`verify`, `proxy`, ...) goes to the module function, as before.

The behaviour asked of the client is the module function's: no redirects followed
unless asked, the caller's timeout, the environment's proxies (`trust_env`).
"""

from __future__ import annotations

import os
import threading
import types
from typing import Any

import httpx2
import orjson

# What `httpx2.Client.get` takes; anything else is for the module function.
_CLIENT_GET_OPTIONS = frozenset(
    {"params", "headers", "cookies", "auth", "follow_redirects", "timeout", "extensions"}
)
_MODULES = ("habanero.request", "habanero.request_class")

_lock = threading.Lock()
_client: httpx2.Client | None = None


def shared_client() -> httpx2.Client:
    """The one client habanero's requests share (made on first use)."""
    global _client
    with _lock:
        if _client is None:
            _client = httpx2.Client(follow_redirects=False)
        return _client


def _forget_in_child() -> None:
    """A forked child must not share the parent's open connections: it makes its own."""
    global _client, _lock
    _client, _lock = None, threading.Lock()


os.register_at_fork(after_in_child=_forget_in_child)


class _OrjsonResponse(httpx2.Response):
    """A response that decodes its body with orjson: a batch of 100 Crossref works is
    about 1.2 MB of JSON (their reference lists), which the standard library decodes in
    three times the time. Malformed JSON raises what it did (orjson's error is a
    `json.JSONDecodeError`)."""

    def json(self, **kwargs: Any) -> Any:
        if kwargs:  # options only the standard library takes
            return super().json(**kwargs)
        return orjson.loads(self.content)


def pooled_get(url: Any, **options: Any) -> httpx2.Response:
    """`httpx2.get`, on the shared client when the options allow it."""
    if options.keys() <= _CLIENT_GET_OPTIONS:
        response = shared_client().get(url, **options)
    else:
        response = httpx2.get(url, **options)
    response.__class__ = _OrjsonResponse  # the same object, a faster json()
    return response


class _Httpx2WithPooledGet(types.ModuleType):
    """httpx2 as habanero sees it: the same module, with `get` pooled."""

    def __init__(self) -> None:
        super().__init__("httpx2")
        self.get = pooled_get

    def __getattr__(self, name: str) -> Any:
        return getattr(httpx2, name)


_STAND_IN = _Httpx2WithPooledGet()


def install() -> None:
    """Point habanero's request modules at the pooled `get` (idempotent)."""
    import importlib

    for name in _MODULES:
        module = importlib.import_module(name)
        if getattr(module, "httpx2", None) is httpx2:
            module.httpx2 = _STAND_IN  # type: ignore[attr-defined]


def installed() -> bool:
    """Every habanero request module uses the pooled `get`."""
    import importlib

    return all(getattr(importlib.import_module(n), "httpx2", None) is _STAND_IN for n in _MODULES)
