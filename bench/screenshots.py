"""Full-page screenshots of the overview and every section, desktop (1280 px) and phone (390 px).

    python bench/screenshots.py http://127.0.0.1:8131 artifacts/before

Logs in as ``bench`` (bench/chart_weight.sh creates it) and waits until every
chart is drawn before each shot. The browser tests take the same shots of the
current code; this script exists so an older commit can be photographed too.
"""

import argparse
from pathlib import Path

from chart_weight import ALL_DRAWN, CHROMIUM, PAGES, log_in
from playwright.sync_api import sync_playwright

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True},
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("out", type=Path)
    arguments = parser.parse_args()
    arguments.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        for device, options in VIEWPORTS.items():
            context = browser.new_context(**options)
            log_in(context, arguments.base)
            page = context.new_page()
            for path in PAGES:
                page.goto(arguments.base + path)
                page.wait_for_function(ALL_DRAWN, polling="raf")
                name = path.strip("/").replace("/", "-")
                page.screenshot(path=str(arguments.out / f"{device}-{name}.png"), full_page=True)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
