"""A publisher's web site in miniature, served on 127.0.0.1 for tests.

Its pages are constructed for the tests, not recorded from any real site. Each route
is (status, headers, body); requests are counted per path, and a path can be made to
answer 503 a few times first, as a busy server does.
"""

from __future__ import annotations

from collections.abc import Mapping

from local_http import Answer, LocalServer


class Site:
    """A tiny web site: path -> (status, headers, body); counts requests per path."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.hits: dict[str, int] = {}
        self.fail_first: dict[str, int] = {}  # path -> how many 503s before the page
        self.server = LocalServer(self._respond)
        self.base = self.server.base

    def _respond(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Answer:
        self.hits[path] = self.hits.get(path, 0) + 1
        if self.fail_first.get(path, 0) >= self.hits[path]:
            return 503, {"Content-Type": "text/plain"}, b"busy"
        return self.routes.get(path, (404, {"Content-Type": "text/plain"}, b"not found"))

    def close(self) -> None:
        self.server.close()

    def page(self, path: str, body: bytes, content_type: str = "text/html; charset=utf-8") -> str:
        self.routes[path] = (200, {"Content-Type": content_type}, body)
        return self.base + path

    def redirect(self, path: str, location: str) -> None:
        self.routes[path] = (302, {"Location": location}, b"")
