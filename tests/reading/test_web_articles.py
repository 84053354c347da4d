"""Articles from the web: a URL, a list of URLs, a sitemap; fetched only in public.

A real HTTP server on 127.0.0.1 plays the publisher's site (its pages are constructed
for these tests, not recorded). The site is on loopback, so the runs that should fetch
it say so with CITEAUDIT_ALLOW_PRIVATE_URLS=1, exactly as an intranet site would.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from citeaudit.reading.web import Fetcher, FetchError, article_name, refusal
from cli_run import citeaudit as run_cli
from web_site import Site

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "articles" / "back-muscle-pain.md"

TRIGGER_PAGE = b"""<!doctype html><html><head><title>Trigger points</title></head><body>
<nav><a href="/">Home</a> | <a href="/shop">Shop our massagers</a></nav>
<article><h1>Trigger points and back pain</h1>
<p>Trigger point injection relieved neck and shoulder pain in a controlled trial (Hong, 1994).</p>
<h2>References</h2>
<ol><li>Hong, C. Z. (1994). Lidocaine injection versus dry needling to myofascial trigger point.
American Journal of Physical Medicine &amp; Rehabilitation, 73(4), 256-263.
https://doi.org/10.1097/00002060-199407000-00006</li></ol></article>
<footer>Free shipping on orders over $50.</footer></body></html>
"""
HOME_PAGE = b"""<!doctype html><html><body><main><h1>Welcome to the clinic blog</h1>
<p>Read our latest articles about back pain, posture and exercise at home.</p>
<p>We publish new evidence-based guides every week for our readers.</p></main></body></html>"""


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site()
    s.page("/health/back-muscle-pain", SEED.read_bytes(), "text/markdown; charset=utf-8")
    s.page("/articles/trigger-points.html", TRIGGER_PAGE)
    s.page("/", HOME_PAGE)
    yield s
    s.close()


def citeaudit(cwd: Path, *args: str, allow_private: bool = True) -> CompletedProcess[str]:
    """The CLI with quick retries; the loopback site allowed unless said otherwise."""
    return run_cli(
        cwd,
        *args,
        env={"CITEAUDIT_RETRIES": "1", "CITEAUDIT_BACKOFF": "0"}
        | ({"CITEAUDIT_ALLOW_PRIVATE_URLS": "1"} if allow_private else {}),
        unset=() if allow_private else ("CITEAUDIT_ALLOW_PRIVATE_URLS",),
        timeout=120,
    )


def reference_outcomes(report_file: Path) -> list[tuple[str, str, str]]:
    report = json.loads(report_file.read_text(encoding="utf-8"))
    return [(r["key"], r["doi_status"], r["match"]) for r in report["references"]]


def test_an_article_url_is_audited_like_the_same_file(workspace: Path, site: Site):
    url = site.base + "/health/back-muscle-pain"
    by_url = citeaudit(workspace, "check", url, "--offline", "--out", "web")
    assert by_url.returncode == 0, by_url.stderr
    assert f"{url}: 6 references" in by_url.stdout
    by_file = citeaudit(workspace, "check", "articles/back-muscle-pain.md", "--offline")
    assert by_file.returncode == 0, by_file.stderr
    assert reference_outcomes(workspace / "web" / "health-back-muscle-pain.json") == (
        reference_outcomes(workspace / "reports" / "back-muscle-pain.json")
    )


def test_a_sitemap_index_is_followed_and_pages_that_are_not_articles_are_skipped(
    workspace: Path, site: Site
):
    first = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{site.base}/</loc></url>
<url><loc>{site.base}/health/back-muscle-pain</loc></url>
<url><loc>{site.base}/articles/trigger-points.html</loc></url>
</urlset>""".encode()
    second = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{site.base}/articles/withdrawn</loc></url>
</urlset>""".encode()
    index = f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{site.base}/sitemap-pages.xml</loc></sitemap>
<sitemap><loc>{site.base}/sitemap-old.xml.gz</loc></sitemap>
<sitemap><loc>{site.base}/sitemap-lost.xml</loc></sitemap>
</sitemapindex>""".encode()
    site.page("/sitemap-pages.xml", first, "application/xml")
    site.page("/sitemap-old.xml.gz", gzip.compress(second), "application/gzip")
    sitemap = site.page("/sitemap.xml", index, "application/xml")

    result = citeaudit(workspace, "check", "--sitemap", sitemap, "--offline")

    assert result.returncode == 0, result.stderr
    audited = sorted(p.name for p in (workspace / "reports").glob("*.json") if p.stem != "index")
    assert audited == ["articles-trigger-points.json", "health-back-muscle-pain.json"]
    skipped = [line for line in result.stderr.splitlines() if "skipped" in line]
    assert f"citeaudit: skipped {site.base}/sitemap-lost.xml: sitemap not read:" in skipped[0]
    assert "HTTP 404" in skipped[0]
    assert f"citeaudit: skipped {site.base}/: no reference list" in skipped[1]
    assert f"skipped {site.base}/articles/withdrawn: cannot fetch article: HTTP 404" in skipped[2]
    assert len(skipped) == 3, result.stderr
    assert "Traceback" not in result.stderr


def test_include_keeps_only_the_listed_urls_that_match(workspace: Path, site: Site):
    listing = workspace / "urls.txt"
    listing.write_text(
        f"# the site's articles\n{site.base}/health/back-muscle-pain\n\n"
        f"{site.base}/articles/trigger-points.html\n",
        encoding="utf-8",
    )
    result = citeaudit(
        workspace,
        "check",
        "--urls",
        "urls.txt",
        "--include",
        "/articles/",
        "--offline",
        "--progress",
    )
    assert result.returncode == 0, result.stderr
    audited = sorted(p.stem for p in (workspace / "reports").glob("*.json") if p.stem != "index")
    assert audited == ["articles-trigger-points"]
    assert "/health/back-muscle-pain" not in site.hits  # filtered before fetching
    assert "1/1" in result.stderr and "page" in result.stderr  # the fetch progress bar


def test_a_bad_line_in_a_url_list_is_named_by_file_and_row(workspace: Path, site: Site):
    (workspace / "urls.txt").write_text(
        f"{site.base}/health/back-muscle-pain\n# ok\nftp://example.org/a\n", encoding="utf-8"
    )
    result = citeaudit(workspace, "check", "--urls", "urls.txt", "--offline")
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == "citeaudit: urls.txt: row 3: not an http(s) URL: 'ftp://example.org/a'"
    )


def test_a_loopback_site_is_refused_unless_allowed(workspace: Path, site: Site):
    url = site.base + "/health/back-muscle-pain"
    result = citeaudit(workspace, "check", url, "--offline", allow_private=False)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "non-public address (127.0.0.1)" in result.stderr
    assert "CITEAUDIT_ALLOW_PRIVATE_URLS=1" in result.stderr
    assert site.hits == {}  # refused before any request


def test_a_named_article_that_cannot_be_fetched_stops_the_run_with_one_line(
    workspace: Path, site: Site
):
    site.page("/paper.pdf", b"%PDF-1.7 ...", "application/pdf")
    missing = citeaudit(workspace, "check", site.base + "/nowhere", "--offline")
    assert missing.returncode == 2
    assert missing.stderr == f"citeaudit: {site.base}/nowhere: cannot fetch article: HTTP 404\n"
    pdf = citeaudit(workspace, "check", site.base + "/paper.pdf", "--offline")
    assert pdf.returncode == 2
    assert "the page is application/pdf, not HTML or text" in pdf.stderr


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("file:///etc/passwd", "only http and https"),
        ("http://10.0.0.5/admin", "non-public address (10.0.0.5)"),
        ("http://169.254.169.254/latest/meta-data/", "non-public address (169.254.169.254)"),
        ("http://[::1]:8080/", "non-public address (::1)"),
        ("http://[::ffff:127.0.0.1]/", "non-public address (127.0.0.1)"),
        ("http://0.0.0.0/", "non-public address (0.0.0.0)"),
        ("https://user:secret@example.org/", "user name or password"),
    ],
)
def test_urls_that_could_reach_inside_the_network_are_refused(url: str, why: str):
    reason = refusal(url, allow_private=False, resolve=lambda host, port: [host.strip("[]")])
    assert reason is not None and why in reason


def test_a_public_name_that_resolves_to_a_private_address_is_refused():
    def resolve(host: str, port: int) -> list[str]:
        return {"news.example.org": ["93.184.216.34"], "sneaky.example.org": ["192.168.1.10"]}[host]

    assert refusal("https://news.example.org/a", allow_private=False, resolve=resolve) is None
    reason = refusal("https://sneaky.example.org/a", allow_private=False, resolve=resolve)
    assert reason is not None and "192.168.1.10" in reason


def test_every_redirect_hop_is_checked_again(site: Site):
    # The check is told 127.0.0.1 is public, "localhost" is not: the first hop passes,
    # the redirect to localhost must be refused before it is followed.
    port = site.base.rsplit(":", 1)[1]
    site.redirect("/moved", f"http://localhost:{port}/health/back-muscle-pain")

    def resolve(host: str, _: int) -> list[str]:
        return ["93.184.216.34"] if host == "127.0.0.1" else ["127.0.0.1"]

    fetcher = Fetcher(retries=0, backoff=0, resolve=resolve)
    with pytest.raises(FetchError, match="non-public address"):
        fetcher.get(site.base + "/moved")
    assert site.hits == {"/moved": 1}


def test_a_busy_page_is_retried_and_an_oversized_one_is_refused(site: Site):
    site.fail_first["/articles/trigger-points.html"] = 1
    fetcher = Fetcher(retries=2, backoff=0, allow_private=True)
    page = fetcher.get(site.base + "/articles/trigger-points.html")
    assert b"Trigger points" in page.body and site.hits["/articles/trigger-points.html"] == 2
    site.page("/huge", b"x" * 4096)
    with pytest.raises(FetchError, match="over the 1 KiB limit"):
        fetcher.get(site.base + "/huge", max_bytes=1024)


def test_report_names_come_from_the_whole_url_path():
    assert article_name("https://example.org/health/back-pain/") == "health-back-pain"
    assert article_name("https://example.org/a/faq.html") == "a-faq"
    assert article_name("https://example.org/b/faq.html") == "b-faq"
    assert article_name("https://example.org/?p=123") == "p-123"
    assert article_name("https://Example.org/") == "example-org"
