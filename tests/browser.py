"""Start a real headless Chromium for the report tests and for report screenshots.

The HTML report is read by editors in a browser, so its filter, its Content-Security-
Policy and its escaping are tested in one: Debian's chromium + chromedriver, driven by
selenium. The binaries are found at fixed paths (overridable by environment) so that
selenium never tries to download a browser or a driver from the network.

CI setup (Debian/Ubuntu, as root):
    apt-get update && apt-get install -y chromium chromium-driver
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webdriver import WebDriver

CHROMIUM = Path(os.environ.get("CITEAUDIT_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("CITEAUDIT_CHROMEDRIVER", "/usr/bin/chromedriver"))
INSTALL_HINT = (
    "Install them with: apt-get update && apt-get install -y chromium chromium-driver "
    "(or point CITEAUDIT_CHROMIUM / CITEAUDIT_CHROMEDRIVER at the binaries)."
)
CHROME_ARGS: tuple[str, ...] = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--disable-default-apps",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
    "--lang=en-US",
)

# Each driver's temporary profile, removed again by stop_chrome().
_PROFILES: dict[str, Path] = {}


class BrowserMissing(RuntimeError):
    """Chromium or chromedriver is not installed where the tests expect it."""


def missing_binaries() -> list[str]:
    """Paths of the required binaries that are absent or not executable."""
    return [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]


def start_chrome(width: int = 1280, height: int = 2400) -> WebDriver:
    """A fresh headless Chromium with its own throw-away profile and browser logging.

    The private profile keeps runs independent of each other and of any desktop
    browser; `goog:loggingPrefs` lets tests read the console for errors.
    """
    missing = missing_binaries()
    if missing:
        raise BrowserMissing(
            f"Headless browser tests need chromium and chromedriver; missing: "
            f"{', '.join(missing)}. {INSTALL_HINT}"
        )
    profile = Path(tempfile.mkdtemp(prefix="citeaudit-chrome-"))
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in CHROME_ARGS:
        options.add_argument(arg)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={width},{height}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # Leave any alert() open instead of dismissing it, so a test can see that one ran.
    options.unhandled_prompt_behavior = "ignore"
    try:
        driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    except BaseException:
        shutil.rmtree(profile, ignore_errors=True)
        raise
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(10)
    _PROFILES[driver.session_id] = profile
    return driver


def stop_chrome(driver: WebDriver) -> None:
    """Quit the browser and delete its temporary profile."""
    profile = _PROFILES.pop(driver.session_id, None)
    try:
        driver.quit()
    finally:
        if profile is not None:
            shutil.rmtree(profile, ignore_errors=True)


def full_page_screenshot(driver: WebDriver, path: Path, width: int = 1280) -> Path:
    """Save a PNG of the whole page: resize the window to the document's height first.

    A headless window can be taller than any screen, so one capture holds everything.
    """
    height = int(
        driver.execute_script(
            "return Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)"
        )
    )
    driver.set_window_size(width, max(height, 600))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not driver.save_screenshot(str(path)):
        raise RuntimeError(f"screenshot failed: {path}")
    return path
