"""Security: hostile strings stay text, secrets stay secret, only registries are contacted.

* Script, img-onerror and svg payloads in a (simulated) registry's title and abstract,
  and in the article itself, go the whole way: resolved online by `citeaudit check`
  against the local registry server, written into the HTML report, opened in a real
  headless Chromium, where nothing may run and the payloads must read as text.
* The OpenAlex API key and the contact e-mail reach the registries (the server sees
  them) but never the reports, the snapshots or the console, even when a registry
  echoes them back in an error.
* Only the configured registry hosts are contacted: URLs written in an article
  (loopback, private, link-local, public) are never fetched. A Python audit hook in
  the `citeaudit` process records every socket connection and name lookup it makes.
* The Prefect flow validates its parameters before any work starts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from browser import BrowserMissing, start_chrome, stop_chrome
from registry_server import RegistryServer

MAILTO = "desk-secret@example.org"
API_KEY = "oa-key-9f8e7d6c5b4a"

# Each payload, if it ran, would set window.__pwned; the test checks that none did.
SCRIPT = "<script>window.__pwned='script'</script>"
IMG = "<img src=x onerror=\"window.__pwned='img'\">"
SVG = "<svg onload=\"window.__pwned='svg'\"><circle r=1></circle></svg>"
TITLE = f"Massage therapy for low back pain {SCRIPT} {IMG} {SVG} a randomised trial"
ABSTRACT = (
    f"<jats:p>Massage therapy reduced low back pain in adults {SCRIPT}. "
    f"Pain scores fell in the massage group {IMG}. "
    f"Function improved at follow-up {SVG}.</jats:p>"
)
DOI = "10.5555/citeaudit.xss.2020"


def _constructed_records(server: RegistryServer) -> None:
    """Records that do not exist anywhere: a registry answering with payloads."""
    server.add_crossref_work(
        {
            "DOI": DOI,
            "type": "journal-article",
            "title": [TITLE],
            "abstract": ABSTRACT,
            "author": [
                {"family": f"Evil{IMG}", "given": "Eve"},
                {"family": "Mallory", "given": f"M{SCRIPT}"},
            ],
            "container-title": [f"Journal of {SVG} Studies"],
            "publisher": f"Publisher {SCRIPT}",
            "volume": "3",
            "issue": "2",
            "page": "10-20",
            "issued": {"date-parts": [[2020]]},
            "URL": f"javascript:window.__pwned='url'//{DOI}",
            "_citeaudit_note": "constructed for tests/test_security.py: not a real record",
        }
    )
    server.add_openalex_work(
        {
            "id": "https://openalex.org/W99999999901",
            "doi": f"https://doi.org/{DOI}",
            "title": TITLE,
            "display_name": TITLE,
            "publication_year": 2020,
            "abstract_inverted_index": {
                "Massage": [0],
                "reduced": [1],
                "pain": [2],
                f"{SCRIPT}{IMG}{SVG}": [3],
            },
            "is_retracted": False,
            "ids": {"pmid": f"https://pubmed.ncbi.nlm.nih.gov/1{SCRIPT}"},
        }
    )


ARTICLE = f"""# Massage and back pain {SCRIPT}

Massage therapy reduced low back pain in adults (Evil, 2020).
Pain scores fell by 40% with massage {IMG} (Evil, 2020).
See <a href="javascript:window.__pwned='link'">this</a> and {SVG} for more.

References

Evil, E., & Mallory, M. (2020). {TITLE}. Journal of Studies, 3(2), 10-20. https://doi.org/{DOI}
"""


def _registry_env(server: RegistryServer) -> dict[str, str]:
    return {
        "CITEAUDIT_CROSSREF_URL": server.crossref_url,
        "CITEAUDIT_OPENALEX_URL": server.openalex_url,
        "CITEAUDIT_DOI_URL": server.doi_url,
        "CITEAUDIT_MAILTO": MAILTO,
        "OPENALEX_API_KEY": API_KEY,
        "CITEAUDIT_TIMEOUT": "5",
        "CITEAUDIT_RETRIES": "1",
        "CITEAUDIT_BACKOFF": "0.01",
    }


def _citeaudit(
    cwd: Path, env: dict[str, str], *args: str, prefix: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *(prefix or ["-m", "citeaudit.cli"]), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **env},
    )


@pytest.fixture(scope="module")
def hostile() -> Iterator[RegistryServer]:
    """A registry server of its own serving the payload records, so that no other test's
    searches ever meet them."""
    with RegistryServer() as server:
        _constructed_records(server)
        yield server


@pytest.fixture(scope="module")
def driver() -> Iterator[WebDriver]:
    try:
        chrome = start_chrome()
    except BrowserMissing as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield chrome
    finally:
        stop_chrome(chrome)


def test_registry_and_article_payloads_never_run_in_the_report(
    hostile: RegistryServer, tmp_path: Path, driver: WebDriver
):
    registry = hostile
    (tmp_path / "xss.md").write_text(ARTICLE, encoding="utf-8")
    result = _citeaudit(tmp_path, _registry_env(registry), "check", "xss.md", "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "reports" / "xss.json").read_text(encoding="utf-8"))
    [reference] = report["references"]
    assert reference["match"] == "matched", reference["problems"]  # the payload record was used
    assert "<script>" in (reference["registry"] or {}).get("title", "")

    page = tmp_path / "reports" / "xss.html"
    source = page.read_text(encoding="utf-8")
    for raw in ("<script>window", "<img", "<svg onload", '<a href="javascript:'):
        assert raw not in source, raw  # escaped, so shown as text (checked below)

    driver.get_log("browser")
    driver.get(page.as_uri())
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018 - reading it is the check
    assert driver.execute_script("return typeof window.__pwned") == "undefined"
    assert driver.find_elements(By.TAG_NAME, "img") == []
    assert driver.find_elements(By.TAG_NAME, "svg") == [] or all(
        el.get_attribute("onload") is None for el in driver.find_elements(By.TAG_NAME, "svg")
    )
    assert len(driver.find_elements(By.TAG_NAME, "script")) <= 1  # the report's own, if any
    links = [a.get_attribute("href") or "" for a in driver.find_elements(By.TAG_NAME, "a")]
    assert not any(href.lower().startswith("javascript:") for href in links)
    text = driver.find_element(By.TAG_NAME, "body").text
    assert "<script>window.__pwned='script'</script>" in text, "shown to the editor as text"
    violations = [m for m in driver.get_log("browser") if "Content Security Policy" in m["message"]]
    assert violations == [], "nothing even tried to run"


def test_api_key_and_contact_email_reach_registries_but_no_report_snapshot_or_console(
    hostile: RegistryServer, tmp_path: Path
):
    registry = hostile
    (tmp_path / "a.md").write_text(ARTICLE, encoding="utf-8")
    # Registries that echo the secrets back in their errors, as some proxies do.
    echo = json.dumps({"error": f"Invalid API key {API_KEY} for {MAILTO}", "message": API_KEY})
    registry.add_fault("/openalex/", status=401, body=echo, content_type="application/json")
    registry.add_fault("/doi/", status=500, body=f"upstream {MAILTO} {API_KEY}")
    before = len(registry.requests)
    try:
        result = _citeaudit(
            tmp_path, _registry_env(registry), "check", "a.md", "--fail-on", "never"
        )
    finally:
        registry.clear_faults()
    assert result.returncode == 0, result.stderr

    seen = registry.requests[before:]
    assert any(MAILTO in r.headers.get("user-agent", "") for r in seen if r.service == "crossref")
    assert any(
        API_KEY in r.headers.get("authorization", "") for r in seen if r.service == "openalex"
    )
    snapshot = next((tmp_path / "sources").glob("*.json")).read_text(encoding="utf-8")
    assert "[redacted]" in snapshot, "the echoed error was kept, without the secrets"
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.suffix != ".md"]
    assert {p.parent.name for p in written} >= {"reports", "sources"}
    for data in [
        result.stdout.encode(),
        result.stderr.encode(),
        *(p.read_bytes() for p in written),
    ]:
        assert MAILTO.encode() not in data and API_KEY.encode() not in data


class _Trap(BaseHTTPRequestHandler):
    """Stands for a site an article links to: any request reaching it is a failure."""

    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Trap.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    do_HEAD = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        pass


AUDITED = textwrap.dedent(
    """
    import json, sys

    log = open(sys.argv[1], "w", encoding="utf-8")

    def hook(event, args):
        if event == "socket.connect":
            log.write(json.dumps(["connect", repr(args[1])]) + "\\n")
        elif event == "socket.getaddrinfo":
            log.write(json.dumps(["lookup", repr(args[0]), repr(args[1])]) + "\\n")
        log.flush()

    sys.addaudithook(hook)
    from citeaudit.cli import main

    sys.exit(main(sys.argv[2:]))
    """
)


def test_urls_in_articles_are_never_fetched_and_only_registry_hosts_are_contacted(
    registry: RegistryServer, tmp_path: Path
):
    trap = ThreadingHTTPServer(("127.0.0.1", 0), _Trap)
    threading.Thread(target=trap.serve_forever, daemon=True).start()
    port = trap.server_address[1]
    _Trap.hits.clear()
    urls = [
        f"http://127.0.0.1:{port}/linked-from-the-article",
        f"http://localhost:{port}/also-loopback",
        f"http://[::1]:{port}/ipv6-loopback",
        "http://10.0.0.1/private",
        "http://192.168.1.1/router",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.com/a-public-page",
    ]
    (tmp_path / "links.md").write_text(
        "Massage helps back pain, see " + " and ".join(urls) + " (Makris, 2014).\n\n"
        "References\n\n"
        "Makris, E. A., Responte, D. J., Paschos, N. K., Hu, J. C., & Athanasiou, K. A. (2014). "
        "Developing functional musculoskeletal tissues through hypoxia and lysyl oxidase-induced "
        f"collagen cross-linking. PNAS, 111(45), E4832-E4841. {urls[0]}\n"
        f"Link, L. (2019). A page on the web. Retrieved from {urls[3]} and {urls[5]}\n"
        f"Site, S. (2021). Another page. {urls[1]} https://doi.org/10.1073/pnas.1414271111\n",
        encoding="utf-8",
    )
    log = tmp_path / "sockets.jsonl"
    try:
        result = _citeaudit(
            tmp_path,
            _registry_env(registry),
            str(log),
            "check",
            "links.md",
            prefix=["-c", AUDITED],
        )
    finally:
        trap.shutdown()
        trap.server_close()
    assert result.returncode in (0, 1), result.stderr
    assert _Trap.hits == [], "a URL from the article was fetched"
    events = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    connects = [e[1] for e in events if e[0] == "connect"]
    lookups = {e[1] for e in events if e[0] == "lookup"}
    assert connects, "the registries were asked (online run)"
    assert set(connects) == {repr(("127.0.0.1", registry.port))}
    assert lookups <= {repr("127.0.0.1")}


def test_a_registry_redirect_to_another_host_is_not_followed(registry: RegistryServer):
    from dataclasses import replace

    from citeaudit.config import Settings
    from citeaudit.verification.lookup import Registries

    trap = ThreadingHTTPServer(("127.0.0.1", 0), _Trap)
    threading.Thread(target=trap.serve_forever, daemon=True).start()
    _Trap.hits.clear()
    elsewhere = f"http://127.0.0.1:{trap.server_address[1]}/latest/meta-data/"
    settings = replace(
        Settings(registry.crossref_url, registry.openalex_url, registry.doi_url),
        timeout=2,
        retries=0,
    )
    try:
        for prefix in ("/crossref/", "/openalex/", "/doi/"):
            registry.add_fault(prefix, status=302, headers={"Location": elsewhere})
        registries = Registries(settings)
        answers = [
            registries.crossref.work("10.1073/pnas.1414271111"),
            registries.openalex.work_by_doi("10.1073/pnas.1414271111"),
            registries.doi_org.handle("10.1073/pnas.1414271111"),
        ]
    finally:
        trap.shutdown()
        trap.server_close()
    assert _Trap.hits == []
    assert [a.status for a in answers] == ["error", "error", "error"]


def test_flow_parameters_are_validated_before_any_work(tmp_path: Path):
    # conftest imported prefect_env first, so Prefect runs isolated here too.
    from flows.audit_flow import audit_site
    from prefect.exceptions import ParameterTypeError

    article = tmp_path / "a.md"
    article.write_text("Claim.\n\nReferences\n\nA, B. (2001). T. J, 1, 2.\n", encoding="utf-8")
    (tmp_path / "claims-dir").mkdir()
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    (tmp_path / "paper.pdf").write_bytes(b"%PDF")
    good = {"articles": [str(article)]}
    assert audit_site.validate_parameters(good)["articles"] == [str(article)]
    bad = [
        ({"articles": [str(tmp_path / "paper.pdf")]}, "unsupported article format"),
        ({"articles": [str(tmp_path / "nope.md")]}, "article file not found"),
        ({"claims_csv": str(tmp_path / "claims-dir")}, "is a directory"),
        ({"out_dir": str(tmp_path / "a-file")}, "is a file"),
        ({"sources_dir": "sources\x00/../etc"}, "not a usable path"),
        ({"sources_dir": "  "}, "not a usable path"),
        ({"batch_size": 0}, "greater than or equal to 1"),
        ({"fail_on": "sometimes"}, "fail_on"),
    ]
    for override, message in bad:
        with pytest.raises(ParameterTypeError, match=message) as info:
            audit_site.validate_parameters({**good, **override})
        assert next(iter(override)) in str(info.value)
