"""Link checking: the URLs an article's references give are asked, opt-in, only at
public addresses, one request at a time per host; a dead link (404, 410) is a finding,
any other failure leaves the link unverified, and nothing crashes the run.

The "publisher's site" is a real HTTP server on 127.0.0.1 (tests/local_http.py), so the
tests that must reach it say CITEAUDIT_ALLOW_PRIVATE_URLS=1, as an intranet site would.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping
from itertools import pairwise
from pathlib import Path

import pytest

from citeaudit.reading.web import Fetcher
from citeaudit.verification.link_check import check_links
from cli_run import citeaudit
from local_http import Answer, LocalServer


class Site:
    """Pages that are there, gone, moved, or failing; every request's path and time."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, float]] = []
        self.server = LocalServer(self.respond)
        self.base = self.server.base

    def respond(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Answer:
        self.requests.append((path, time.monotonic()))
        if path == "/guideline":
            return 200, {"Content-Type": "text/html"}, b"<html><body>A guideline</body></html>"
        if path == "/old-report":
            return 301, {"Location": "/report-2023"}, b""
        if path == "/report-2023":
            return 200, {"Content-Type": "application/pdf"}, b"%PDF-1.7"
        if path == "/gone":
            return 410, {"Content-Type": "text/html"}, b"Gone"
        if path == "/busy":
            return 503, {"Content-Type": "text/html", "Retry-After": "0"}, b"Busy"
        return 404, {"Content-Type": "text/html"}, b"Not found"


@pytest.fixture
def site() -> Iterator[Site]:
    site = Site()
    try:
        yield site
    finally:
        site.server.close()


def _article(workspace: Path, base: str) -> Path:
    path = workspace / "guidance.md"
    path.write_text(
        "# Guidance\n\nBlood pressure targets were lowered (World Health Organization, 2021). "
        "Salt intake matters (Public Health Board, 2019). Screening is advised (Health Council, "
        "2020). Waiting lists grew (Hospital Trust, 2022).\n\n## References\n\n"
        f"World Health Organization. (2021). Guideline for the treatment of hypertension. "
        f"{base}/guideline\n\n"
        f"Public Health Board. (2019). Salt and health: a report. {base}/old-report\n\n"
        f"Health Council. (2020). Screening for high blood pressure. {base}/missing-page\n\n"
        f"Hospital Trust. (2022). Annual waiting list report. {base}/busy\n",
        encoding="utf-8",
    )
    return path


def test_a_dead_link_is_a_finding_and_a_failing_server_is_not(workspace: Path, site: Site) -> None:
    _article(workspace, site.base)
    env = {"CITEAUDIT_ALLOW_PRIVATE_URLS": "1", "CITEAUDIT_BACKOFF": "0.01"}
    result = citeaudit(
        workspace, "check", "guidance.md", "--offline", "--check-links", "--fail-on", "mismatch",
        env=env,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    report = json.loads((workspace / "reports" / "guidance.json").read_text(encoding="utf-8"))
    links = {r["key"]: r["link"] for r in report["references"]}
    statuses = {key: (link["status"], link["detail"]) for key, link in links.items()}
    assert sorted(statuses.values()) == [
        ("dead", "HTTP 404"),
        ("ok", "HTTP 200"),
        ("ok", "HTTP 200"),
        ("unverified", "HTTP 503"),
    ]
    moved = next(link for link in links.values() if link["url"].endswith("/old-report"))
    assert moved["final_url"].endswith("/report-2023")
    dead_lines = [line for line in result.stderr.splitlines() if "is dead" in line]
    assert (
        len(dead_lines) == 1
        and f"link {site.base}/missing-page is dead (HTTP 404)" in (dead_lines[0])
    )
    assert "mismatch:" in dead_lines[0] and "busy" not in result.stderr
    # At the default level a dead link is shown, not failed on.
    again = citeaudit(workspace, "check", "guidance.md", "--offline", "--check-links", env=env)
    assert again.returncode == 0, again.stderr
    assert "Traceback" not in result.stderr + again.stderr


def test_links_are_asked_only_when_asked_and_only_in_public(workspace: Path, site: Site) -> None:
    _article(workspace, site.base)
    assert citeaudit(workspace, "check", "guidance.md", "--offline").returncode == 0
    assert site.requests == []  # no flag, no request

    result = citeaudit(workspace, "check", "guidance.md", "--offline", "--check-links")
    assert result.returncode == 0, result.stderr
    report = json.loads((workspace / "reports" / "guidance.json").read_text(encoding="utf-8"))
    assert {r["link"]["status"] for r in report["references"]} == {"refused"}
    assert site.requests == []  # 127.0.0.1 is not a public address


def test_one_host_is_asked_one_request_at_a_time_with_a_pause(site: Site) -> None:
    urls = [f"{site.base}/guideline", f"{site.base}/gone", f"{site.base}/report-2023"]
    fetcher = Fetcher(timeout=5, retries=0, allow_private=True)
    results = check_links(urls, fetcher, per_host_interval=0.3, hosts_at_once=4)
    assert {url: r.status for url, r in results.items()} == {
        urls[0]: "ok", urls[1]: "dead", urls[2]: "ok"
    }  # fmt: skip
    times = [at for _, at in site.requests]
    assert len(times) == 3
    assert all(later - earlier >= 0.29 for earlier, later in pairwise(times))


def test_a_host_that_does_not_answer_leaves_the_link_unverified() -> None:
    fetcher = Fetcher(timeout=0.5, retries=0, allow_private=True)
    # A port nothing listens on: connection refused, which says nothing about the page.
    [result] = check_links(["http://127.0.0.1:9/report"], fetcher).values()
    assert result.status == "unverified" and "connection failed" in result.detail
