"""Measure a first visit to the 2021 overview and the draw time of every page's charts.

    python bench/chart_weight.py http://127.0.0.1:8131 --label after

Logs in as ``bench`` (bench/chart_weight.sh creates it), then, in a fresh browser
cache each run:
- bytes: the encoded (compressed, as sent) body and headers of every response
  of the overview page load, by content type;
- draw time: ``performance.now()`` when the last chart's SVG exists, measured
  from navigation start, on the overview and each section page (median of RUNS).
Prints one JSON object.
"""

import argparse
import json
import statistics
import sys

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
PAGES = ("/reports/2021/", "/reports/2021/stability/", "/reports/2021/crackdown/", "/reports/2021/mediation/")
RUNS = 7
ALL_DRAWN = """() => {
  const charts = document.querySelectorAll("[data-chart-payload]");
  return charts.length > 0 && Array.from(charts).every((chart) => chart.querySelector("svg.main-svg"));
}"""


def log_in(context, base: str) -> None:
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "bench")
    page.fill("input[name=password]", "bench-pw")
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url(f"{base}/reports/2021/")
    page.close()


def first_visit_bytes(browser, base: str) -> dict:
    login = browser.new_context()
    log_in(login, base)
    # The session cookie only: a new context has an empty HTTP cache (the login page fetched the CSS).
    context = browser.new_context(viewport={"width": 1280, "height": 900}, storage_state=login.storage_state())
    login.close()
    page = context.new_page()
    responses = []
    page.on("requestfinished", lambda request: responses.append(request))
    page.goto(f"{base}/reports/2021/")
    page.wait_for_function(ALL_DRAWN, polling="raf")
    page.wait_for_timeout(300)
    by_type: dict[str, int] = {}
    total = 0
    encodings = set()
    for request in responses:
        sizes = request.sizes()
        response = request.response()
        size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        kind = response.headers.get("content-type", "?").split(";")[0]
        encodings.add(response.headers.get("content-encoding", "identity"))
        by_type[kind] = by_type.get(kind, 0) + size
        total += size
    context.close()
    return {"total_bytes": total, "by_type": by_type, "requests": len(responses), "encodings": sorted(encodings)}


def draw_times(browser, base: str) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    log_in(context, base)
    times: dict[str, float] = {}
    for path in PAGES:
        samples = []
        for _ in range(RUNS):
            page = context.new_page()
            page.goto(f"{base}{path}")
            page.wait_for_function(ALL_DRAWN, polling="raf")
            samples.append(page.evaluate("performance.now()"))
            page.close()
        times[path] = round(statistics.median(samples))
    context.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("--label", required=True)
    arguments = parser.parse_args()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        result = {"label": arguments.label, "overview": first_visit_bytes(browser, arguments.base)}
        result["draw_ms"] = draw_times(browser, arguments.base)
        browser.close()
    json.dump(result, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
