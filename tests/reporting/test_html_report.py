"""The HTML report, without a browser: content, escaping, links, counts, writing.

The page is read by editors and built from untrusted text (the article, registry
titles and abstracts), so most of these tests are about what must never get through.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest
from markupsafe import Markup

from citeaudit.reporting.html_report import (
    content_words,
    doi_url,
    highlight_shared_words,
    render_html,
    sanitize_markup,
    write_html,
)
from report_samples import Page, load_sample, malicious_copy

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "src" / "citeaudit" / "reporting" / "schema" / "report.schema.json"

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster"}
ALLOWED_LINK_HOSTS = {"doi.org", "openalex.org", "pubmed.ncbi.nlm.nih.gov"}
VERDICTS = ("supported", "partially_supported", "unsupported", "contradicted", "unverifiable")


@pytest.fixture(scope="module")
def sample() -> dict[str, Any]:
    return load_sample()


@pytest.fixture(scope="module")
def sample_html(sample: dict[str, Any]) -> str:
    return render_html(sample)


@pytest.fixture(scope="module")
def sample_page(sample_html: str) -> Page:
    return Page(sample_html)


# --- the fixture itself ----------------------------------------------------------------


def test_sample_fixture_validates_against_the_schema(sample: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    validator.validate(sample)
    # The fixture is there to exercise every part of the page.
    verdicts = Counter(c["verdict"] for c in sample["claims"])
    assert {"supported", "partially_supported", "unsupported", "unverifiable"} <= set(verdicts)
    assert any(r["retraction"] == "retracted" and r["notices"] for r in sample["references"])
    assert any(r["doi_status"] == "unverified" for r in sample["references"])
    assert any(r["mismatches"] for r in sample["references"])
    assert any(not c["cited"] for c in sample["claims"])
    assert dict(verdicts) == sample["summary"]["verdicts"]


# --- rendering ---------------------------------------------------------------------------


def test_sample_renders_a_complete_page(sample: dict[str, Any], sample_html: str) -> None:
    assert sample_html.startswith("<!doctype html>")
    assert "<title>FAILING · back-muscle-pain · citeaudit report</title>" in sample_html
    assert "articles/back-muscle-pain.md" in sample_html
    page = Page(sample_html)
    assert len(page.find(data_testid="claim")) == len(sample["claims"])
    assert len(page.find(data_testid="reference")) == len(sample["references"])
    assert len(page.find(data_testid="validation")) == len(sample["validation"])
    for landmark in ("header", "nav", "main", "footer"):
        assert page.find(landmark), landmark
    assert page.find("body")[0]["data-failing"] == "true"


def test_render_is_deterministic(sample: dict[str, Any], sample_html: str) -> None:
    assert render_html(sample) == sample_html


def test_headline_says_what_is_wrong(sample_html: str) -> None:
    headline = re.search(r'data-testid="headline">([^<]*)<', sample_html)
    assert headline is not None
    assert headline.group(1) == "1 retracted source, 3 claims unsupported."
    assert "3 claims only partly supported" in sample_html
    assert "1 claim unverifiable" in sample_html


def test_verdict_counts_shown_match_the_report(sample: dict[str, Any], sample_html: str) -> None:
    shown = dict(
        re.findall(r'data-testid="verdict-count" data-verdict="([a-z_]+)">(\d+)<', sample_html)
    )
    expected = {v: str(sample["summary"]["verdicts"].get(v, 0)) for v in VERDICTS}
    assert shown == expected
    from_claims = Counter(c["verdict"] for c in sample["claims"])
    assert {v: int(n) for v, n in shown.items() if int(n)} == dict(from_claims)


def test_reference_status_counts_shown_match_the_report(
    sample: dict[str, Any], sample_page: Page
) -> None:
    for testid, key in (
        ("doi-status-count", "doi_status"),
        ("match-count", "match"),
        ("retraction-count", "retraction"),
    ):
        shown = {
            a["data-value"]: int(a["data-count"] or 0) for a in sample_page.find(data_testid=testid)
        }
        assert shown == sample["summary"][key], testid


def test_items_carry_data_attributes_for_the_filter(
    sample: dict[str, Any], sample_page: Page
) -> None:
    claims = {c["data-claim-id"]: c for c in sample_page.find(data_testid="claim")}
    for claim in sample["claims"]:
        attrs = claims[claim["id"]]
        assert attrs["data-verdict"] == claim["verdict"]
        assert attrs["data-problem"] == ("false" if claim["verdict"] == "supported" else "true")
        assert attrs["data-cited"] == ("true" if claim["cited"] else "false")
    refs = {r["data-ref-key"]: r for r in sample_page.find(data_testid="reference")}
    assert refs["hong1994"]["data-problem"] == "false"
    assert refs["cummings2001"]["data-problem"] == "false"  # unverified alone is no problem
    assert refs["doe2015"]["data-problem"] == "true"
    assert refs["doe2015"]["data-retraction"] == "retracted"
    assert refs["shah2008"]["data-problem"] == "true"
    assert refs["shah2008"]["data-mismatches"] == "2"
    assert refs["simons1999"]["data-problem"] == "true"
    radios = sample_page.find("input", type="radio", name="show")
    assert [r["value"] for r in radios] == ["everything", "problems"]
    assert "checked" in radios[0] and "checked" not in radios[1]


def test_claim_is_highlighted_in_its_paragraph(sample_html: str) -> None:
    assert (
        'Back pain is one of the most common reasons people see a doctor. <mark class="claim-hl"'
        ' data-testid="claim-highlight">Approximately 80-90% of back pain'
    ) in sample_html


def test_evidence_marks_words_shared_with_the_claim(sample_html: str) -> None:
    # C2: "Trigger points ... release inflammatory chemicals and cause pain."
    assert "<mark>inflammatory</mark> cytokines" in sample_html
    assert "myofascial <mark>trigger points</mark> than in normal <mark>muscle</mark>" in (
        sample_html
    )


def test_uncited_claims_say_so(sample_html: str) -> None:
    c1 = sample_html[sample_html.index('data-claim-id="C1"') :]
    c1 = c1[: c1.index("</article>")]
    assert 'data-testid="uncited-badge"' in c1
    assert "No source in the article supports it." in c1
    c5 = sample_html[sample_html.index('data-claim-id="C5"') :]
    c5 = c5[: c5.index("</article>")]
    assert "Sources that would support it" in c5 and 'data-ref="borgstein2002"' in c5


def test_reference_table_marks_mismatched_rows(sample_html: str) -> None:
    shah = sample_html[sample_html.index('data-ref-key="shah2008"') :]
    shah = shah[: shah.index("</article>")]
    assert 'data-testid="mismatch-row" data-field="issue" data-severity="warning"' in shah
    assert "the registry record has no issue number" in shah
    assert 'data-field="title" data-severity="info"' in shah
    # JATS italics from the registry title become HTML italics.
    assert "using <i>in vivo</i> microdialysis" in shah
    # Table headers are scoped for screen readers.
    assert '<th scope="col">Article</th>' in shah and '<th scope="row">Issue</th>' in shah


def test_retraction_banner_and_provenance(sample_html: str) -> None:
    doe = sample_html[sample_html.index('data-ref-key="doe2015"') :]
    doe = doe[: doe.index("</article>")]
    assert 'role="alert" data-testid="retraction-banner"' in doe
    assert "2019-03-14" in doe
    assert 'href="https://doi.org/10.5555/fict.2019.0007"' in doe
    borg = sample_html[sample_html.index('data-ref-key="borgstein2002"') :]
    assert "stored public pages, not a registry answer" in borg[: borg.index("</article>")]


def test_correction_is_information_not_an_alert(sample: dict[str, Any]) -> None:
    report = copy.deepcopy(sample)
    gerwin = next(r for r in report["references"] if r["key"] == "gerwin2005")
    gerwin["retraction"] = "corrected"
    gerwin["notices"] = [
        {"type": "correction", "doi": "10.5555/fict.corr.1", "date": "2006-01-02", "source": "x"}
    ]
    html = render_html(report)
    part = html[html.index('data-ref-key="gerwin2005"') :]
    part = part[: part.index("</article>")]
    assert 'role="note" data-testid="correction-note"' in part
    assert 'role="alert"' not in part
    assert "2006-01-02" in part
    assert 'data-problem="false"' in html[html.index('data-ref-key="gerwin2005"') - 400 :][:800]


def test_expression_of_concern_is_an_alert(sample: dict[str, Any]) -> None:
    report = copy.deepcopy(sample)
    hong = next(r for r in report["references"] if r["key"] == "hong1994")
    hong["retraction"] = "expression_of_concern"
    hong["notices"] = [{"type": "expression_of_concern", "doi": None, "date": "2020-05-05"}]
    html = render_html(report)
    part = html[html.index('data-ref-key="hong1994"') :]
    assert 'role="alert" data-testid="retraction-banner"' in part[: part.index("</article>")]


def test_validation_failures_are_visible(sample_page: Page, sample_html: str) -> None:
    rows = sample_page.find(data_testid="validation")
    assert [r["data-success"] for r in rows] == ["true", "true", "true", "false"]
    assert rows[3]["data-problem"] == "true"
    assert 'data-testid="validation-failed">1<' in sample_html
    assert "1 of 7 sources has no abstract or text: simons1999 (book)" in sample_html


def test_minimal_report_renders() -> None:
    report = {
        "schema_version": "1",
        "article": {"name": "empty", "path": "articles/empty.md"},
        "generated_at": "2025-01-01T00:00:00+00:00",
        "mode": "offline",
        "summary": {
            "references": 0,
            "claims": 0,
            "doi_status": {},
            "match": {},
            "retraction": {},
            "verdicts": {},
            "problems": 0,
            "failing": False,
        },
        "references": [],
        "claims": [],
        "validation": [],
    }
    html = render_html(report)
    assert "No problems found" in html
    assert "Passing" in html
    assert "Offline: judged from stored sources only" in html


# --- escaping and links --------------------------------------------------------------------


def test_no_payload_survives_as_markup(sample_page: Page) -> None:
    report = malicious_copy()
    html = render_html(report)
    page = Page(html)
    template_tags = {tag for tag, _ in sample_page.tags}
    rendered_tags = {tag for tag, _ in page.tags}
    assert rendered_tags <= template_tags | {"i"}, rendered_tags - template_tags
    assert not page.find("img")
    assert len(page.find("svg")) == 1 and page.find("svg")[0].get("class") == "chart"
    assert len(page.find("script")) == 1
    assert len(page.scripts) == 1 and "__pwned" not in page.scripts[0]
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in URL_ATTRIBUTES:
                url = (value or "").strip().lower()
                assert url.startswith(("#", "https://", "data:,")), (tag, name, value)
    # The text is still there for the editor to see, escaped.
    assert "Trigger points &lt;script&gt;alert(1);window.__pwned=1;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    # Registry markup: JATS italics kept, script content dropped entirely.
    assert "Biochemical milieu <i>in vivo</i>" in html
    assert "Levels of <i>substance P</i> rose" in html
    assert "<jats:" not in html
    # Links built from invalid identifiers are dropped, not "fixed".
    assert "https://doi.org/10.1016/x" not in html
    assert "pubmed.ncbi.nlm.nih.gov/1/" not in html
    assert "https://doi.org/10.5555/%22" not in html


def test_sanitize_markup_allow_list() -> None:
    dirty = (
        "<jats:title>Abstract</jats:title><jats:p>H<jats:sub>2</jats:sub>O in "
        '<jats:italic>E. coli</jats:italic> <i onclick="x()">it</i> <b title=t>b</b> '
        '<a href="javascript:alert(1)">a</a> <img src=x onerror=alert(1)>'
        "<script>alert(1)</script><style>*{}</style><!-- c --></jats:p>"
    )
    clean = sanitize_markup(dirty)
    assert isinstance(clean, Markup)
    assert str(clean) == "Abstract H<sub>2</sub>O in <i>E. coli</i> <i>it</i> <b>b</b> a"
    assert sanitize_markup(None) == Markup("")
    assert str(sanitize_markup("5 < 6 & 7 > 3")) == "5 &lt; 6 &amp; 7 &gt; 3"


@pytest.mark.parametrize(
    ("doi", "expected"),
    [
        ("10.1097/00002060-199407000-00006", "https://doi.org/10.1097/00002060-199407000-00006"),
        ("https://doi.org/10.1136/aim.23.3.121", "https://doi.org/10.1136/aim.23.3.121"),
        ("doi:10.1002/(SICI)1097-4571", "https://doi.org/10.1002/%28SICI%291097-4571"),
        ('10.1/"><script>', None),  # registrant code too short
        ('10.1234/x"><b>', "https://doi.org/10.1234/x%22%3E%3Cb%3E"),
        ("javascript:alert(1)", None),
        ("10.1234/has space", None),
        ("", None),
        (None, None),
    ],
)
def test_doi_url(doi: str | None, expected: str | None) -> None:
    assert doi_url(doi) == expected


def test_no_external_resources_and_only_known_link_targets(sample_page: Page) -> None:
    for tag, attrs in sample_page.tags:
        if tag in {"link", "script", "img", "style", "iframe", "source", "video", "audio"}:
            for name in ("src", "href"):
                value = attrs.get(name)
                assert value is None or value.startswith("data:"), (tag, name, value)
        if tag == "a":
            href = attrs["href"] or ""
            if href.startswith("#"):
                continue
            parts = urlsplit(href)
            assert parts.scheme == "https" and parts.netloc in ALLOWED_LINK_HOSTS, href
            assert "noopener" in (attrs.get("rel") or "")
    assert not re.search(r"url\(\s*['\"]?(?!data:)", render_html(load_sample()))
    assert "@import" not in render_html(load_sample())


def test_every_internal_anchor_points_at_an_id(sample_page: Page) -> None:
    ids = {attrs["id"] for _, attrs in sample_page.tags if attrs.get("id")}
    for tag, attrs in sample_page.tags:
        if tag == "a" and (attrs.get("href") or "").startswith("#"):
            assert attrs["href"][1:] in ids, attrs["href"]
    assert len(ids) == len([a for _, a in sample_page.tags if a.get("id")]), "duplicate ids"


def test_csp_allows_exactly_the_page_script(sample_page: Page) -> None:
    meta = sample_page.find("meta", http_equiv="Content-Security-Policy")
    assert len(meta) == 1
    csp = meta[0]["content"] or ""
    assert "default-src 'none'" in csp and "img-src data:" in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    digest = base64.b64encode(hashlib.sha256(sample_page.scripts[0].encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp
    assert "innerHTML" not in sample_page.scripts[0]
    assert "insertAdjacentHTML" not in sample_page.scripts[0]


# --- helpers ---------------------------------------------------------------------------------


def test_content_words_drop_short_words_and_stopwords() -> None:
    assert content_words("Studies show that the trigger points cause pain in muscles") == {
        "studie",
        "show",
        "trigger",
        "point",
        "cause",
        "pain",
        "muscle",
    }


def test_highlight_touches_text_only() -> None:
    html = sanitize_markup("Pain &amp; <i>trigger</i> points hurt; amplify")
    marked = highlight_shared_words(html, content_words("trigger points pain amp"))
    assert (
        str(marked)
        == "<mark>Pain</mark> &amp; <i><mark>trigger</mark></i> <mark>points</mark> hurt; amplify"
    )


# --- writing ---------------------------------------------------------------------------------


def test_write_html_is_atomic_and_overwrites(tmp_path: Path, sample: dict[str, Any]) -> None:
    target = tmp_path / "reports" / "back-muscle-pain.html"
    write_html(sample, target)
    first = target.read_text(encoding="utf-8")
    assert first == render_html(sample)
    changed = copy.deepcopy(sample)
    changed["article"]["title"] = "Changed title"
    write_html(changed, target)
    assert "Changed title" in target.read_text(encoding="utf-8")
    assert sorted(p.name for p in target.parent.iterdir()) == ["back-muscle-pain.html"]


def test_passing_run_with_serious_problems_is_flagged_not_green(sample: dict[str, Any]) -> None:
    report = copy.deepcopy(sample)
    report["summary"]["failing"] = False
    report["summary"]["problems"] = 1
    html = render_html(report)
    assert 'data-failing="false" data-status="warning"' in html
    assert "<title>Passing · back-muscle-pain · citeaudit report</title>" in html
    assert 'data-testid="problems-total">1 problem<' in html


def test_uncited_partly_supported_claim_is_not_called_unsupported(sample: dict[str, Any]) -> None:
    report = copy.deepcopy(sample)
    claim = report["claims"][0]
    claim["verdict"] = "partially_supported"
    html = render_html(report)
    part = html[html.index('data-claim-id="C1"') :]
    part = part[: part.index("</article>")]
    assert "No source in the article fully supports it." in part
    assert "No source in the article supports it." not in part


def test_fix_list_puts_retractions_and_broken_dois_before_unsupported_statistics_before_definitions(
    sample: dict[str, Any],
) -> None:
    report = copy.deepcopy(sample)
    broken = copy.deepcopy(next(r for r in report["references"] if r["key"] == "gerwin2005"))
    broken.update(key="broken2010", doi="10.9999/nothing", doi_status="not_found")
    broken["cited"]["line"] = 32
    report["references"].append(broken)
    definition = next(c for c in report["claims"] if c["kind"] == "definition")
    definition.update(verdict="unsupported", line=1, reason="uncited; no source supports it")
    page = Page(render_html(report))
    where = [a["href"] for a in page.find("a") if a.get("href") and _in_fix_table(a, page)]
    order = [str(h).removeprefix("#") for h in where]
    assert order[:2] == ["ref-doe2015", "ref-broken2010"]  # retraction, then the broken DOI
    unsupported = [o for o in order if o in {"claim-C1", "claim-C3", "claim-C4", "claim-C5"}]
    # The statistic first, efficacy claims next, the definition (line 1) last.
    assert unsupported == ["claim-C1", "claim-C3", "claim-C4", "claim-C5"]
    assert order.index("claim-C5") < order.index("claim-C2")  # unsupported before partly


def _in_fix_table(attrs: dict[str, str | None], page: Page) -> bool:
    """Whether a link sits in the triage table (its links are the `.where` cells)."""
    index = next(i for i, (_, a) in enumerate(page.tags) if a is attrs)
    for name, values in reversed(page.tags[:index]):
        if name == "td":
            return values.get("class") == "where"
    return False
