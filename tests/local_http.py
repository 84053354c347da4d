"""One small HTTP server on 127.0.0.1 for the test stand-ins that are not registries.

The publisher's site (web_site.py), Europe PMC (registries/test_europepmc.py) and an
OpenAI-compatible chat server (judging/test_llm.py) differ only in what they answer, so
each gives a `respond(method, path, headers, body) -> (status, headers, body)` and this
serves it with the real http.server, in a thread, until closed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Answer = tuple[int, Mapping[str, str], bytes]
Responder = Callable[[str, str, Mapping[str, str], bytes], Answer]


class LocalServer:
    """Serves `respond` on 127.0.0.1 at a free port; `base` is its http://host:port."""

    def __init__(self, respond: Responder) -> None:
        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, headers, content = respond(
                    self.command, self.path, dict(self.headers), body
                )
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
