"""Screenshot an HTML report in headless Debian chromium, for the README.

Usage: python scripts/screenshot_report.py reports/back-muscle-pain.html docs/seed-report.png [HEIGHT]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from browser import start_chrome, stop_chrome


def main() -> None:
    page, out = Path(sys.argv[1]).resolve(), Path(sys.argv[2])
    height = int(sys.argv[3]) if len(sys.argv) > 3 else 1800
    driver = start_chrome(width=1280, height=height)
    try:
        driver.get(page.as_uri())
        out.parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(out))
    finally:
        stop_chrome(driver)
    print(out)


if __name__ == "__main__":
    main()
