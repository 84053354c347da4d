"""The HTML report in a real headless Chromium: it renders, filters, and runs no payload.

These tests need Debian's chromium and chromedriver. When they are missing the tests
fail (never skip): a silently skipped browser test would let a broken filter or a
working XSS payload through CI unnoticed.
"""

from __future__ import annotations

import copy
import json
import shutil
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from browser import BrowserMissing, full_page_screenshot, start_chrome, stop_chrome
from citeaudit.reporting.html_report import reference_has_problem, write_html
from citeaudit.reporting.site_index import update_site_index
from cli_run import citeaudit
from registry_server import RegistryServer
from report_samples import load_sample, malicious_copy

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _item_counts(report: dict[str, Any]) -> tuple[int, int]:
    """(items the filter acts on, items that are problems), from the report itself."""
    total = len(report["claims"]) + len(report["references"]) + len(report["validation"])
    problems = (
        sum(c["verdict"] != "supported" for c in report["claims"])
        + sum(reference_has_problem(r) for r in report["references"])
        + sum(not v["success"] for v in report["validation"])
    )
    return total, problems


TOTAL, PROBLEMS = _item_counts(load_sample())


@pytest.fixture(scope="module")
def driver() -> Iterator[WebDriver]:
    """One browser for the whole module: starting Chromium is the slow part."""
    missing: str | None = None
    try:
        chrome = start_chrome()
    except BrowserMissing as exc:
        missing = str(exc)
    if missing is not None:
        pytest.fail(missing, pytrace=False)
    try:
        yield chrome
    finally:
        stop_chrome(chrome)


@pytest.fixture(scope="module")
def sample() -> dict[str, Any]:
    return load_sample()


@pytest.fixture(scope="module")
def sample_url(tmp_path_factory: pytest.TempPathFactory, sample: dict[str, Any]) -> str:
    path = tmp_path_factory.mktemp("report") / "back-muscle-pain.html"
    write_html(sample, path)
    return path.as_uri()


@pytest.fixture(scope="module")
def malicious_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("report-xss") / "malicious.html"
    write_html(malicious_copy(), path)
    return path.as_uri()


def open_page(driver: WebDriver, url: str) -> None:
    """Load `url` fresh, after draining console messages left by earlier tests."""
    driver.get_log("browser")
    driver.get("about:blank")
    driver.get(url)
    driver.get_log("browser")  # messages from about:blank, if any, are not this page's


def claims(driver: WebDriver, **attrs: str) -> list[WebElement]:
    selector = "[data-testid=claim]" + "".join(
        f"[data-{k.replace('_', '-')}='{v}']" for k, v in attrs.items()
    )
    return driver.find_elements(By.CSS_SELECTOR, selector)


def references(driver: WebDriver, problem: str) -> list[WebElement]:
    return driver.find_elements(
        By.CSS_SELECTOR, f"[data-testid=reference][data-problem='{problem}']"
    )


def assert_everything_shown(driver: WebDriver) -> None:
    assert driver.execute_script("return document.body.dataset.filter") == "everything"
    assert all(el.is_displayed() for el in claims(driver))
    assert all(el.is_displayed() for el in references(driver, "false"))
    assert driver.find_element(By.ID, "filter-status").text == f"Showing all {TOTAL} items."


def assert_problems_only(driver: WebDriver) -> None:
    assert driver.execute_script("return document.body.dataset.filter") == "problems"
    supported = claims(driver, verdict="supported")
    assert supported and not any(el.is_displayed() for el in supported)
    clean = references(driver, "false")
    assert clean and not any(el.is_displayed() for el in clean)
    assert all(el.is_displayed() for el in claims(driver, problem="true"))
    assert all(el.is_displayed() for el in references(driver, "true"))
    passed = driver.find_elements(By.CSS_SELECTOR, "[data-testid=validation][data-success=true]")
    assert not any(el.is_displayed() for el in passed)
    status = driver.find_element(By.ID, "filter-status").text
    assert status == f"Showing {PROBLEMS} of {TOTAL} items: problems only."


def severe_messages(driver: WebDriver) -> list[dict[str, Any]]:
    return [m for m in driver.get_log("browser") if m.get("level") == "SEVERE"]


def test_page_renders_with_summary(
    driver: WebDriver, sample_url: str, sample: dict[str, Any]
) -> None:
    open_page(driver, sample_url)
    assert driver.title == "FAILING · back-muscle-pain · citeaudit report"
    headline = driver.find_element(By.CSS_SELECTOR, "[data-testid=headline]")
    assert headline.is_displayed()
    assert headline.text == "1 retracted source, 3 claims unsupported."
    status = driver.find_element(By.CSS_SELECTOR, "[data-testid=status]")
    assert status.is_displayed() and "FAILS CI AT --FAIL-ON BROKEN" in status.text
    shown = {
        el.get_attribute("data-verdict"): int(el.text)
        for el in driver.find_elements(By.CSS_SELECTOR, "[data-testid=verdict-count]")
        if el.is_displayed()
    }
    expected = sample["summary"]["verdicts"]
    assert shown == {v: expected.get(v, 0) for v in shown}
    assert len(shown) == 5
    assert len(claims(driver)) == len(sample["claims"])
    banner = driver.find_element(By.CSS_SELECTOR, "[data-testid=retraction-banner]")
    assert banner.is_displayed() and banner.get_attribute("role") == "alert"
    assert "2019-03-14" in banner.text
    # Our own script ran (it is allowed by the CSP hash) and set the initial state.
    assert_everything_shown(driver)
    assert severe_messages(driver) == []


def test_filter_by_click(driver: WebDriver, sample_url: str) -> None:
    open_page(driver, sample_url)
    driver.find_element(By.CSS_SELECTOR, "[data-testid=filter-problems]").click()
    assert_problems_only(driver)
    driver.find_element(By.CSS_SELECTOR, "[data-testid=filter-everything]").click()
    assert_everything_shown(driver)
    # The labels are clickable too.
    driver.find_element(By.XPATH, "//label[normalize-space()='Problems only']").click()
    assert_problems_only(driver)
    assert severe_messages(driver) == []


def test_filter_by_keyboard(driver: WebDriver, sample_url: str) -> None:
    open_page(driver, sample_url)
    everything = driver.find_element(By.CSS_SELECTOR, "[data-testid=filter-everything]")
    problems = driver.find_element(By.CSS_SELECTOR, "[data-testid=filter-problems]")
    assert everything.accessible_name == "Everything"
    assert problems.accessible_name == "Problems only"
    keys = ActionChains(driver)

    # Tab from the last section link lands on the checked radio, with a visible outline.
    last_link = driver.find_elements(By.CSS_SELECTOR, "nav .nav-links a")[-1]
    driver.execute_script("arguments[0].focus()", last_link)
    keys.send_keys(Keys.TAB).perform()
    assert driver.switch_to.active_element == everything
    outline = driver.execute_script("return getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"

    # Arrow keys move through the radio group and select.
    keys.send_keys(Keys.ARROW_RIGHT).perform()
    assert problems.is_selected()
    assert_problems_only(driver)
    keys.send_keys(Keys.ARROW_LEFT).perform()
    assert everything.is_selected()
    assert_everything_shown(driver)

    # Space on a focused radio selects it; Enter does too.
    driver.execute_script("arguments[0].focus()", problems)
    keys.send_keys(Keys.SPACE).perform()
    assert problems.is_selected()
    assert_problems_only(driver)
    driver.execute_script("arguments[0].focus()", everything)
    keys.send_keys(Keys.ENTER).perform()
    assert everything.is_selected()
    assert_everything_shown(driver)
    assert severe_messages(driver) == []


def test_print_shows_everything_without_controls(driver: WebDriver, sample_url: str) -> None:
    open_page(driver, sample_url)
    driver.find_element(By.CSS_SELECTOR, "[data-testid=filter-problems]").click()
    assert_problems_only(driver)
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert all(el.is_displayed() for el in claims(driver, verdict="supported"))
        assert all(el.is_displayed() for el in references(driver, "false"))
        assert not driver.find_element(By.CSS_SELECTOR, "[data-testid=filter]").is_displayed()
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


CONTRAST_JS = """
const parse = (c) => {
  const m = c.match(/rgba?\\(([^)]+)\\)/);
  if (!m) return null;
  const [r, g, b, a = 1] = m[1].split(",").map(Number);
  return [r, g, b, a];
};
const lum = ([r, g, b]) => {
  const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
};
const background = (el) => {
  for (let node = el; node; node = node.parentElement) {
    const c = parse(getComputedStyle(node).backgroundColor);
    if (c && c[3] > 0.5) return c;
  }
  return [255, 255, 255, 1];
};
const bad = [];
document.querySelectorAll(arguments[0]).forEach((el) => {
  if (!el.offsetParent || !el.textContent.trim()) return;
  const fg = parse(getComputedStyle(el).color);
  const bg = background(el);
  const [hi, lo] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  const ratio = (hi + 0.05) / (lo + 0.05);
  if (ratio < 4.5) bad.push([el.className, el.textContent.trim().slice(0, 30), ratio.toFixed(2)]);
});
return bad;
"""


def test_text_contrast_meets_wcag_aa(driver: WebDriver, sample_url: str) -> None:
    """Badges, chips, links and muted text: at least 4.5:1 against their background."""
    open_page(driver, sample_url)
    selector = (
        ".badge, .count-chip, .chip, .label, .score, .none, .fix-why, .section-intro, "
        ".status-note, .panel-foot, .raw, .cited-by, .filter-status, a, .sub, .context, "
        ".banner p, .problems li, .explanation, .headline, .brand, .meta"
    )
    assert driver.execute_script(CONTRAST_JS, selector) == []


def test_csp_blocks_scripts_injected_into_the_page(driver: WebDriver, sample_url: str) -> None:
    """Defence in depth: even markup that got into the DOM could not run a script."""
    open_page(driver, sample_url)
    driver.execute_script(
        """
        const s = document.createElement('script');
        s.textContent = 'window.__pwned = 1';
        document.body.appendChild(s);
        const img = document.createElement('img');
        img.setAttribute('src', 'x');
        img.setAttribute('onerror', 'window.__pwned = 2');
        document.body.appendChild(img);
        """
    )
    assert driver.execute_script("return typeof window.__pwned") == "undefined"
    messages = " ".join(m["message"] for m in driver.get_log("browser"))
    assert "Content Security Policy" in messages


def test_xss_payloads_do_not_run(driver: WebDriver, malicious_url: str) -> None:
    open_page(driver, malicious_url)
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018 - reading it is the check
    assert driver.execute_script("return typeof window.__pwned") == "undefined"
    assert driver.title == "FAILING · back-muscle-pain · citeaudit report"
    assert driver.find_elements(By.TAG_NAME, "img") == []
    assert len(driver.find_elements(By.TAG_NAME, "script")) == 1
    # The payloads are shown to the editor as text.
    highlights = driver.find_elements(By.CSS_SELECTOR, "[data-testid=claim-highlight]")
    assert any("<script>alert(1);window.__pwned=1;" in el.text for el in highlights)
    title = driver.find_element(By.CSS_SELECTOR, "[data-testid=article-title]")
    assert title.text.startswith("Back pain <script>")
    # The page still works, and nothing even tried to run (no CSP violations).
    driver.find_element(By.CSS_SELECTOR, "[data-testid=filter-problems]").click()
    assert driver.execute_script("return document.body.dataset.filter") == "problems"
    assert severe_messages(driver) == []


def test_full_page_screenshot(driver: WebDriver, sample_url: str, tmp_path: Path) -> None:
    open_page(driver, sample_url)
    try:
        shot = full_page_screenshot(driver, tmp_path / "report.png")
    finally:
        driver.set_window_size(1280, 2400)
    data = shot.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    width, height = struct.unpack(">II", data[16:24])
    assert width == 1280 and height > 2400
    assert len(data) > 50_000


def test_sample_has_items_on_both_sides_of_the_filter() -> None:
    """The filter tests above mean something only if it hides some items and keeps some."""
    assert 0 < PROBLEMS < TOTAL


@pytest.fixture(scope="module")
def index_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A site index after two runs over a hostile article: one problem new, one resolved."""
    out = tmp_path_factory.mktemp("site")
    before = malicious_copy()
    write_html(before, out / f"{before['article']['name']}.html")
    update_site_index([before], out, fail_on="broken")
    after = copy.deepcopy(before)
    supported = next(c for c in after["claims"] if c["verdict"] == "supported")
    supported["verdict"] = "unsupported"
    after["references"] = [r for r in after["references"] if r["retraction"] != "retracted"]
    write_html(after, out / f"{after['article']['name']}.html")
    update_site_index([after], out, fail_on="broken")
    return (out / "index.html").as_uri()


def test_site_index_shows_changes_and_links_to_the_problem(
    driver: WebDriver, index_url: str
) -> None:
    open_page(driver, index_url)
    assert driver.title == "0 failing of 1 · citeaudit site index"
    changes = driver.find_element(By.CSS_SELECTOR, "[data-testid=changes-headline]")
    assert changes.is_displayed()
    assert changes.text == "Since the previous run: 1 new problem, 1 resolved."
    new = driver.find_elements(By.CSS_SELECTOR, "[data-testid=new-problem]")
    resolved = driver.find_elements(By.CSS_SELECTOR, "[data-testid=resolved-problem]")
    assert len(new) == 1 and "Unsupported claim" in new[0].text
    assert len(resolved) == 1 and "Retracted source" in resolved[0].text
    assert all(el.is_displayed() for el in new + resolved)
    # The hostile title is shown as text, and nothing ran.
    row = driver.find_element(By.CSS_SELECTOR, "[data-testid=article-row]")
    assert "Back pain <script>" in row.text
    assert driver.execute_script("return typeof window.__pwned") == "undefined"
    assert driver.find_elements(By.TAG_NAME, "script") == []
    assert severe_messages(driver) == []

    # The new problem links to its card in the article's report.
    new[0].find_element(By.TAG_NAME, "a").click()
    assert driver.current_url.split("#")[0].endswith("/back-muscle-pain.html")
    anchor = driver.current_url.split("#")[1]
    card = driver.find_element(By.ID, anchor)
    assert card.get_attribute("data-verdict") == "unsupported"
    assert severe_messages(driver) == []


def test_site_index_contrast_meets_wcag_aa(driver: WebDriver, index_url: str) -> None:
    open_page(driver, index_url)
    selector = ".badge, .count-chip, a, .path, .change-msg, .delta-new, .delta-resolved, .meta"
    assert driver.execute_script(CONTRAST_JS, selector) == []


def test_on_a_phone_the_page_never_scrolls_sideways(driver: WebDriver, sample_url: str) -> None:
    """390 px, a common phone width: the triage table stacks instead of overflowing."""
    size = driver.get_window_size()
    try:
        driver.set_window_size(390, 844)
        open_page(driver, sample_url)
        overflow = driver.execute_script(
            "const e = document.documentElement; return e.scrollWidth - e.clientWidth;"
        )
        assert overflow <= 0
        fixes = driver.find_elements(By.CSS_SELECTOR, "[data-testid=fix-item]")
        assert fixes and all(f.size["width"] <= 390 for f in fixes)
    finally:
        driver.set_window_size(size["width"], size["height"])


def test_a_claim_card_is_headed_by_the_claims_own_words(driver: WebDriver, sample_url: str) -> None:
    open_page(driver, sample_url)
    card = driver.find_element(By.CSS_SELECTOR, "[data-testid=claim]")
    heading = card.find_element(By.CSS_SELECTOR, "h3").text
    text = card.get_attribute("data-claim-id")
    assert heading.startswith("“") and not heading.startswith(f"Claim {text}")
    assert "score" not in card.text.lower()


@pytest.fixture(scope="module")
def recorded_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The report of `recorded.md` (constructed; a DOI typo and a wrong year) checked
    against the local registry server, so it carries suggested fixes."""
    place = tmp_path_factory.mktemp("recorded")
    shutil.copy(FIXTURES / "bibliographies" / "recorded.md", place / "recorded.md")
    with RegistryServer() as registry:
        env = {
            "CITEAUDIT_CROSSREF_URL": registry.crossref_url,
            "CITEAUDIT_OPENALEX_URL": registry.openalex_url,
            "CITEAUDIT_DOI_URL": registry.doi_url,
            "CITEAUDIT_BACKOFF": "0.01",
        }
        assert citeaudit(place, "check", "recorded.md", env=env).returncode == 1
    return (place / "reports" / "recorded.html").as_uri()


def test_a_suggested_reference_is_copied_to_the_clipboard_with_one_click(
    driver: WebDriver, recorded_url: str
) -> None:
    open_page(driver, recorded_url)
    # The page is a local file: let the test read back what the button put there.
    driver.execute_cdp_cmd(
        "Browser.grantPermissions",
        {"permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]},
    )
    cards = {
        card.get_attribute("data-ref-key"): card
        for card in driver.find_elements(By.CSS_SELECTOR, "[data-testid='reference']")
    }
    fixes = {
        key: card.find_elements(By.CSS_SELECTOR, "[data-testid='suggestion']")
        for key, card in cards.items()
    }
    assert {key for key, found in fixes.items() if found} == {"ali2017", "makris2011"}
    fix = fixes["ali2017"][0]
    text = fix.find_element(By.CSS_SELECTOR, "[data-testid='suggestion-text']").text
    assert "10.7717/peerj.3811" in text and "corrects doi" in fix.text
    button = fix.find_element(By.CSS_SELECTOR, "[data-testid='copy-suggestion']")
    button.click()
    WebDriverWait(driver, 5).until(lambda _: button.get_attribute("data-copied"))
    assert (button.text, button.get_attribute("data-copied")) == ("Copied", "clipboard")
    pasted = driver.execute_async_script(
        "const done = arguments[0];"
        "navigator.clipboard.readText().then(done, (e) => done('refused: ' + e));"
    )
    assert pasted == text
    assert severe_messages(driver) == []


def test_the_resolved_references_download_as_bibtex_and_csl_json(
    driver: WebDriver, recorded_url: str
) -> None:
    open_page(driver, recorded_url)
    links = {
        a.get_attribute("data-format"): a.get_attribute("href")
        for a in driver.find_elements(By.CSS_SELECTOR, "[data-testid='download']")
    }
    assert set(links) == {"BibTeX", "CSL-JSON"}
    bib = unquote(links["BibTeX"].split(",", 1)[1])
    items = json.loads(unquote(links["CSL-JSON"].split(",", 1)[1]))
    assert bib.count("@article{") == 4 and "doi = {10.7717/peerj.3811}" in bib
    assert [item["id"] for item in items] == ["lee2012", "testperson2019", "ali2017", "makris2011"]
