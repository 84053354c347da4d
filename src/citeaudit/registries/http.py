"""HTTP sessions that only ever talk to the host they were configured for.

citeaudit contacts the configured registry hosts and nothing else. `requests` follows
redirects anywhere by default, so a registry (or a proxy in front of it) answering
with a redirect to another host, a private address or a cloud metadata endpoint
would make citeaudit fetch it. These sessions follow a redirect only when it stays on
the same scheme, host and port; otherwise the 3xx itself is the answer, which the
clients treat as "no answer" (the reference ends `unverified`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

import requests


class SameHostSession(requests.Session):
    """A `requests.Session` with a default timeout that never leaves the request's host."""

    def __init__(self, timeout: float | None = None):
        super().__init__()
        self.timeout = timeout

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if self.timeout is not None:
            kwargs.setdefault("timeout", self.timeout)
        return super().request(*args, **kwargs)

    def get_redirect_target(self, resp: requests.Response) -> str | None:
        target = super().get_redirect_target(resp)
        if target is None:
            return None
        here, there = urlsplit(resp.url), urlsplit(urljoin(resp.url, target))
        if (here.scheme, here.hostname, here.port) != (there.scheme, there.hostname, there.port):
            return None  # stop here: the redirect response is returned as the answer
        return target
