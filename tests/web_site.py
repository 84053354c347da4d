"""A publisher's web site in miniature, served on 127.0.0.1 for tests.

Its pages are constructed for the tests, not recorded from any real site. Each route
is (status, headers, body); requests are counted per path, and a path can be made to
answer 503 a few times first, as a busy server does.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Site:
    """A tiny web site: path -> (status, headers, body); counts requests per path."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.hits: dict[str, int] = {}
        self.fail_first: dict[str, int] = {}  # path -> how many 503s before the page
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.hits[self.path] = site.hits.get(self.path, 0) + 1
                if site.fail_first.get(self.path, 0) >= site.hits[self.path]:
                    status, headers, body = 503, {"Content-Type": "text/plain"}, b"busy"
                else:
                    status, headers, body = site.routes.get(
                        self.path, (404, {"Content-Type": "text/plain"}, b"not found")
                    )
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def page(self, path: str, body: bytes, content_type: str = "text/html; charset=utf-8") -> str:
        self.routes[path] = (200, {"Content-Type": content_type}, body)
        return self.base + path

    def redirect(self, path: str, location: str) -> None:
        self.routes[path] = (302, {"Location": location}, b"")
