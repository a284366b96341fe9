"""Phone-profile load of the portal's pages (issue 27): Chromium emulating Lighthouse's mobile profile.

412 x 823 px screen, 4x slower CPU (Emulation.setCPUThrottlingRate 4), 150 ms round trip and
1.6 Mbps down / 750 kbps up (Network.emulateNetworkConditions), empty cache, RUNS loads a page, medians.
For each page: when its text is on screen (first contentful paint), when every chart is drawn
(the last ``data-chart-drawn`` of a chart plotly.js draws, or the render time Element Timing reports
for a server-drawn chart's ``<img elementtiming>``), total blocking time (long tasks' time past 50 ms, up to the last
chart), bytes sent; and the text's time with scripts blocked, the yardstick of "charts with the page".

    .venv/bin/python bench/phone_profile.py --label before http://127.0.0.1:8128 \
        --label after http://127.0.0.1:8127 --user viewer --password ... [--runs 3] [--out bench/phone-results.md]

Each --label names the server of the URL after it, so two builds are measured in one run, alternately.
"""

import argparse
import statistics
import sys
import time

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
PAGES = ("/en/reports/2021/", "/en/reports/2021/mediation/")
LATENCY_MS = 150
DOWN_BYTES_PER_S = 1.6e6 / 8
UP_BYTES_PER_S = 750e3 / 8

# Records paints, long tasks and when the last chart reports itself drawn, from the page's first byte.
OBSERVE = """
window.__bench = {longTasks: [], chartsDone: null, images: []};
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__bench.longTasks.push([entry.startTime, entry.duration]);
}).observe({type: "longtask", buffered: true});
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.identifier === "chart") window.__bench.images.push(entry.renderTime || entry.loadTime);
  }
}).observe({type: "element", buffered: true});
const check = () => {
  const charts = document.querySelectorAll("[data-chart-payload]");
  if (charts.length && Array.from(charts).every((c) => c.getAttribute("data-chart-drawn") === "true")) {
    if (window.__bench.chartsDone === null) window.__bench.chartsDone = performance.now();
  }
};
new MutationObserver(check).observe(document, {subtree: true, attributes: true, attributeFilter: ["data-chart-drawn"]});
"""

# A page's charts are drawn when each plotly chart says so and each server-drawn image is rendered.
READ = """() => {
  const fcp = performance.getEntriesByName("first-contentful-paint")[0];
  const bench = window.__bench || {longTasks: [], chartsDone: null, images: []};
  const plotly = document.querySelectorAll("[data-chart-payload]").length;
  const images = document.querySelectorAll("img[data-chart-image]").length;
  const times = [...bench.images];
  if (plotly) times.push(bench.chartsDone);
  const done = times.length === (plotly ? 1 : 0) + images && times.every((t) => t !== null);
  return {fcp: fcp ? fcp.startTime : null, charts: done && times.length ? Math.max(...times) : null,
          longTasks: bench.longTasks, count: plotly + images, plotly: plotly, images: images};
}"""
ALL_DRAWN = """() => {
  const bench = window.__bench;
  if (!bench) return false;
  const plotly = document.querySelector("[data-chart-payload]");
  const images = document.querySelectorAll("img[data-chart-image]").length;
  return (!plotly || bench.chartsDone !== null) && bench.images.length >= images;
}"""


def session_cookies(browser, base: str, user: str, password: str) -> list[dict]:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    cookies = context.cookies()
    context.close()
    return cookies


def load(browser, base: str, path: str, cookies: list[dict], *, scripts: bool = True) -> dict:
    context = browser.new_context(
        viewport={"width": 412, "height": 823}, device_scale_factor=1.75, is_mobile=True, java_script_enabled=scripts
    )
    context.add_cookies(cookies)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": LATENCY_MS,
            "downloadThroughput": DOWN_BYTES_PER_S,
            "uploadThroughput": UP_BYTES_PER_S,
        },
    )
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    sent = []
    cdp.on("Network.loadingFinished", lambda event: sent.append(event["encodedDataLength"]))
    if scripts:
        page.add_init_script(OBSERVE)
    page.goto(base + path, wait_until="load")
    if scripts:
        page.wait_for_function(ALL_DRAWN, timeout=60_000)
    page.wait_for_timeout(500)
    result = page.evaluate(READ)
    end = result["charts"] or result["fcp"] or 0
    # Total blocking time as Lighthouse counts it: after first contentful paint, up to the charts.
    result["tbt"] = sum(
        max(0.0, duration - 50)
        for start, duration in result["longTasks"]
        if result["fcp"] and result["fcp"] <= start <= end
    )
    result["bytes"] = sum(sent)
    context.close()
    return result


def median(values):
    values = [value for value in values if value is not None]
    return statistics.median(values) if values else None


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--label", action="append", nargs=2, metavar=("LABEL", "URL"), required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", default="bench/phone-results.md")
    args = parser.parse_args()
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        cookies = {label: session_cookies(browser, url, args.user, args.password) for label, url in args.label}
        for path in PAGES:
            samples = {label: [] for label, _url in args.label}
            blocked = {label: [] for label, _url in args.label}
            for _run in range(args.runs):
                for label, url in args.label:  # alternately, so both builds see the same machine
                    samples[label].append(load(browser, url, path, cookies[label]))
                    blocked[label].append(load(browser, url, path, cookies[label], scripts=False)["fcp"])
            for label, _url in args.label:
                runs = samples[label]
                row = {
                    "label": label,
                    "path": path,
                    "text_ms": median([run["fcp"] for run in runs]),
                    "text_no_js_ms": median(blocked[label]),
                    "charts_ms": median([run["charts"] for run in runs]),
                    "tbt_ms": median([run["tbt"] for run in runs]),
                    "kb": median([run["bytes"] for run in runs]) / 1024,
                    "charts": runs[0]["count"],
                    "drawn_by": "server SVG" if runs[0]["plotly"] == 0 else "plotly.js",
                }
                rows.append(row)
                print(row, file=sys.stderr)
        browser.close()
    lines = [
        "# Phone profile (issue 27)",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by `bench/phone_profile.py`: Chromium "
        f"(Debian) at 412 px, CPU throttled 4x, {LATENCY_MS} ms round trip, 1.6 Mbps down, empty cache; "
        f"median of {args.runs} loads a page, builds measured alternately in one run.",
        "Targets: charts drawn within 1.5x of the text's time with scripts blocked; total blocking time "
        "at most 200 ms; a first visit to the overview at most 150 KB.",
        "",
        "| build | page | charts | drawn by | text (ms) | text, no JS (ms) | charts drawn (ms) | ratio | TBT (ms) "
        "| sent (KB) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        ratio = row["charts_ms"] / row["text_no_js_ms"] if row["charts_ms"] and row["text_no_js_ms"] else None
        lines.append(
            f"| {row['label']} | `{row['path']}` | {row['charts']} | {row['drawn_by']} | {row['text_ms']:.0f} | "
            f"{row['text_no_js_ms']:.0f} | {row['charts_ms'] or 0:.0f} | {ratio or 0:.1f}x | {row['tbt_ms']:.0f} | "
            f"{row['kb']:.0f} |"
        )
    with open(args.out, "w") as out:
        out.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
