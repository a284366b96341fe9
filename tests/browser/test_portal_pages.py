"""The portal in a real browser: every drawn chart read back from plotly, its toolbar, table and CSV;
no errors, no foreign hosts; phone width and print. Screenshots go to artifacts/after/."""

import csv
import io
from urllib.parse import unquote, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from reports.models import Report
from tests.factories import make_mediation_2022
from tests.loading import load_fixture

# Each test drives Chromium through pages of the live server: seconds, not milliseconds.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PASSWORD = "browser-test-pw"
MAX_AXIS_RATIO = 100


@pytest.fixture
def portal(live_server, django_user_model):
    """The 2021 report and the roles loaded into the live server's database, plus a viewer account."""
    load_fixture()
    call_command("setup_roles", verbosity=0)
    user = django_user_model.objects.create_user(username="viewer", password=PASSWORD)
    user.groups.add(Group.objects.get(name="viewer"))
    return live_server


RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}:${event.columnNumber}`;
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI || "inline"} at ${where}`);
});
"""

ALL_DRAWN = """() => {
  const charts = document.querySelectorAll("[data-chart-payload]");
  return Array.from(charts).every((chart) => chart.getAttribute("data-chart-drawn") === "true");
}"""

# What plotly drew, read from each chart's graph div, and the toolbar and table beside it.
READ_CHARTS = """() => Array.from(document.querySelectorAll("[data-chart-payload]")).map((gd) => {
  const figure = gd.closest("figure");
  const xaxis = gd._fullLayout.xaxis;
  return {
    id: gd.id,
    traces: gd.data.map((trace) => ({type: trace.type, orientation: trace.orientation, x: trace.x, text: trace.text})),
    axes: Object.keys(gd._fullLayout).filter((key) => /^[xy]axis\\d*$/.test(key)),
    range: xaxis.range,
    unitTitle: xaxis.title.text,
    ticktext: xaxis.ticktext || [],
    fixedrange: xaxis.fixedrange && gd._fullLayout.yaxis.fixedrange,
    dragmode: gd._fullLayout.dragmode,
    locale: gd._context.locale,
    modebarButtons: gd.querySelectorAll(".modebar-btn").length,
    svgRole: gd.querySelector("svg.main-svg").getAttribute("role"),
    svgName: document.getElementById(gd.querySelector("svg.main-svg").getAttribute("aria-labelledby")).textContent,
    tools: Array.from(figure.querySelectorAll(".chart-tools .chart-tool"))
      .filter((tool) => !tool.hidden).map((tool) => tool.textContent.trim()),
    tableValues: Array.from(figure.querySelectorAll(".chart-table tbody td.num"))
      .map((cell) => cell.firstChild.textContent),
  };
})"""

# axe-core's aria-hidden-focus rule: nothing focusable inside an aria-hidden subtree.
HIDDEN_FOCUSABLES = """() => Array.from(document.querySelectorAll('[aria-hidden="true"]')).flatMap((hidden) =>
  Array.from(hidden.querySelectorAll('a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])'))
    .map((element) => element.outerHTML.slice(0, 80)))"""


class PageWatch:
    """Collects console errors, page errors, Content-Security-Policy violations and every network request's host.

    The PNG download's data:/blob: URLs never leave the browser and have no host.
    """

    def __init__(self, page):
        self.page = page
        self.errors: list[str] = []
        self.hosts: set[str] = set()
        self.csp_violations: list[str] = []
        page.add_init_script(RECORD_CSP_VIOLATIONS)
        page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("request", self.record_host)

    def record_host(self, request) -> None:
        url = urlsplit(request.url)
        if url.scheme not in ("data", "blob"):
            self.hosts.add(url.netloc)

    def collect_csp_violations(self) -> None:
        """Call after each page has settled: the record lives in that page's window."""
        self.csp_violations += self.page.evaluate("window.__cspViolations")


def log_in(page, base_url: str, landing: str = "/reports/2021/") -> None:
    """Log the viewer in; the portal then opens the newest published report, ``landing``."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", "viewer")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url(f"{base_url}{landing}")


def portal_paths(year: int) -> list[str]:
    report = Report.objects.get(year=year)
    return [f"/reports/{year}/"] + [section.get_absolute_url() for section in report.sections.order_by("position")]


def open_drawn(page, url: str) -> list[dict]:
    """Go to ``url``, wait until every chart reports itself drawn, and read the charts back."""
    page.goto(url)
    page.wait_for_function(ALL_DRAWN)
    return page.evaluate(READ_CHARTS)


def shot(page, artifacts_dir, device: str, path: str) -> None:
    folder = artifacts_dir / "after"
    folder.mkdir(exist_ok=True)
    name = path.strip("/").replace("/", "-") or "home"
    page.screenshot(path=str(folder / f"{device}-{name}.png"), full_page=True)


def assert_honest_bar_chart(chart: dict) -> None:
    """The comparison and toolbar rules of metrics.charts.builders, checked on what plotly drew."""
    (trace,) = chart["traces"]
    assert (trace["type"], trace["orientation"]) == ("bar", "h"), chart["id"]
    assert sorted(chart["axes"]) == ["xaxis", "yaxis"], f"{chart['id']}: one axis pair, no panels"
    assert len(trace["x"]) >= 2, f"{chart['id']}: a bar alone on an axis"
    assert chart["range"][0] == 0, f"{chart['id']}: axis not zero-based"
    positive = [value for value in trace["x"] if value > 0]
    assert max(positive) <= min(positive) * MAX_AXIS_RATIO, f"{chart['id']}: values too far apart"
    assert chart["unitTitle"].startswith("單位："), chart["id"]
    assert not any(text.endswith("k") for text in chart["ticktext"]), chart["ticktext"]
    assert chart["fixedrange"] and chart["dragmode"] is False, f"{chart['id']}: zoom or pan left on"
    assert chart["locale"] == "zh-TW"
    assert chart["modebarButtons"] == 0, f"{chart['id']}: plotly's mode bar is shown"
    assert chart["tools"] == ["以表格顯示", "下載 PNG 圖檔", "下載 CSV 數據"], chart["tools"]
    assert chart["svgRole"] == "img" and chart["svgName"], chart["id"]
    assert [text.removesuffix("（更正）") for text in trace["text"]] == [
        value.removesuffix("（更正）") for value in chart["tableValues"]
    ], f"{chart['id']}: chart labels and table differ"


def test_portal_charts_compare_like_with_like_and_offer_table_png_and_csv(browser, portal, artifacts_dir):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    watch = PageWatch(page)
    log_in(page, portal.url)

    labels = {}
    for path in portal_paths(2021):
        charts = open_drawn(page, portal.url + path)
        assert charts, f"no bar charts on {path}"
        for chart in charts:
            assert_honest_bar_chart(chart)
            labels[chart["id"]] = chart["traces"][0]["text"]
        assert page.evaluate(HIDDEN_FOCUSABLES) == []
        watch.collect_csp_violations()
        shot(page, artifacts_dir, "desktop", path)

    assert labels["chart-mediation-resolution-rates"] == ["98.66%", "99.12%", "90.98%", "87.75%"]
    assert labels["chart-crackdown-firearms-cases"] == ["23起", "1起", "38起"]
    assert labels["chart-mediation-disputes"] == ["18,161起", "17,918起"]
    page.goto(portal.url + "/reports/2021/mediation/")
    page.wait_for_function(ALL_DRAWN)
    households = page.locator(".number-tile", has_text="走訪特殊群體")
    assert households.locator(".tile-value").inner_text() == "近9萬戶"
    assert (
        households.locator(".tile-source")
        .get_attribute("href")
        .endswith("/reports/2021/mediation/#figure-mediation.special_group_households_visited")
    )

    figure = page.locator("figure", has=page.locator("#chart-mediation-disputes"))
    toggle = figure.get_by_role("button", name="以表格顯示")
    toggle.click()
    assert figure.locator("table.chart-table").is_visible()
    assert not page.locator("#chart-mediation-disputes").is_visible()
    assert figure.get_by_role("button", name="以圖表顯示").get_attribute("aria-pressed") == "true"
    figure.get_by_role("button", name="以圖表顯示").click()
    assert page.locator("#chart-mediation-disputes").is_visible()
    assert not figure.locator("table.chart-table").is_visible()

    with page.expect_download() as download:
        figure.get_by_role("button", name="下載 PNG 圖檔").click()
    assert download.value.suggested_filename == "wanzhou-2021-mediation-disputes.png"

    csv_url = figure.get_by_role("link", name="下載 CSV 數據").get_attribute("href")
    response = page.request.get(portal.url + csv_url)
    assert response.status == 200
    rows = list(csv.reader(io.StringIO(response.text().removeprefix("\ufeff"))))
    assert [row[3] for row in rows[1:3]] == ["mediation.disputes_screened", "mediation.disputes_resolved"]
    # Only the chart's rows; the citation travels in the X-Citation header.
    assert len(rows) == 3
    assert unquote(response.headers["x-citation"].removeprefix("UTF-8''")) == "萬州區公安局《2021年工作綜述》"

    # On paper: charts laid out two a row (330 px each), cases and charts kept whole.
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.evaluate("document.getElementById('chart-mediation-disputes')._fullLayout.width") == 330
    page.goto(portal.url + "/reports/2021/crackdown/")
    page.wait_for_function(ALL_DRAWN)
    assert page.evaluate("getComputedStyle(document.querySelector('.case')).breakInside") == "avoid"
    assert not page.locator("table.chart-table").first.is_visible(), "the figure table, not each chart's, on paper"
    assert page.locator("table.figure-table").first.is_visible()
    page.emulate_media(media="screen")
    watch.collect_csp_violations()
    context.close()

    assert watch.errors == []
    assert watch.csp_violations == []
    assert watch.hosts == {urlsplit(portal.url).netloc}


def test_portal_pages_fit_a_390px_phone(browser, portal, artifacts_dir):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    watch = PageWatch(page)
    log_in(page, portal.url)
    for path in portal_paths(2021):
        open_drawn(page, portal.url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than a 390px phone"
        # The toolbar sits under its chart, never over the title plotly draws.
        for figure in page.locator("figure.chart-bars").all():
            canvas = figure.locator(".chart-canvas").bounding_box()
            tools = figure.locator(".chart-tools").bounding_box()
            assert tools["y"] >= canvas["y"] + canvas["height"] - 1
        watch.collect_csp_violations()
        shot(page, artifacts_dir, "phone", path)

    # Section table rows: name and value side by side, no row taller than about four lines.
    for path in portal_paths(2021)[1:]:
        page.goto(portal.url + path)
        line = page.evaluate("parseFloat(getComputedStyle(document.querySelector('td.num')).lineHeight)")
        for row in page.locator("table.figure-table tbody tr").all():
            name, value = row.locator('td[data-column="name"]').bounding_box(), row.locator("td.num").bounding_box()
            assert abs(name["y"] - value["y"]) < 2 and value["x"] >= name["x"] + name["width"], row.inner_text()
            padding = row.evaluate("(tr) => parseFloat(getComputedStyle(tr).paddingTop) * 2")
            assert row.bounding_box()["height"] <= 4 * line + padding, row.inner_text()

    page.goto(portal.url + "/metrics/")
    page.wait_for_selector("table.explorer-table tbody tr")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, "explorer overflows"
    for row in page.locator("table.explorer-table tbody tr").all():
        name, value = row.locator("td.name").bounding_box(), row.locator("td.num").bounding_box()
        assert abs(name["y"] - value["y"]) < 2 and value["x"] + value["width"] <= 390, row.inner_text()
    page.screenshot(path=str(artifacts_dir / "after" / "phone-metrics-explorer.png"), full_page=True)
    context.close()
    assert watch.errors == []
    assert watch.csp_violations == []


# Each trace of one drawn chart: its legend name and the label texts plotly wrote on its bars, with their boxes.
READ_DRAWN_BARS = """(id) => {
  const gd = document.getElementById(id);
  const box = (element) => { const r = element.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  return {
    traces: Array.from(gd.querySelectorAll("g.trace.bars")).map((g) => ({
      bars: g.querySelectorAll("g.point path").length,
      labels: Array.from(g.querySelectorAll("text.bartext")).map((text) => text.textContent),
      boxes: Array.from(g.querySelectorAll("text.bartext")).map(box),
    })),
    legend: Array.from(gd.querySelectorAll(".legendtext")).map((text) => text.textContent),
    legendBox: box(gd.querySelector("g.legend")),
    titleBox: box(gd.querySelector(".gtitle")),
    plotTop: gd.getBoundingClientRect().top + gd._fullLayout._size.t,
    range: gd._fullLayout.xaxis.range,
  };
}"""


def overlaps(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize(
    ("width", "device"), [(1280, "section-chart-both-years"), (390, "phone-section-chart-both-years")]
)
def test_section_chart_draws_last_years_bars_beside_this_years(browser, portal, artifacts_dir, width, device):
    make_mediation_2022()
    context = browser.new_context(viewport={"width": width, "height": 900}, device_scale_factor=2 if width < 500 else 1)
    page = context.new_page()
    watch = PageWatch(page)
    log_in(page, portal.url, landing="/reports/2022/")
    for prefix, years in (("/en", ["2021", "2022"]), ("", ["2021 年", "2022 年"])):
        open_drawn(page, f"{portal.url}{prefix}/reports/2022/mediation/")
        drawn = page.evaluate(READ_DRAWN_BARS, "chart-mediation-disputes")
        assert drawn["legend"] == years
    last, this = drawn["traces"]
    assert (last["bars"], this["bars"]) == (2, 2)
    assert last["labels"] == ["18,161起", "17,918起"] and this["labels"] == ["2萬起", "19,726起"]
    assert drawn["range"][0] == 0
    labels = last["boxes"] + this["boxes"]
    assert not any(overlaps(a, b) for i, a in enumerate(labels) for b in labels[i + 1 :]), "bar labels overlap"
    assert not overlaps(drawn["legendBox"], drawn["titleBox"]), "legend over the title"
    assert drawn["legendBox"][3] <= drawn["plotTop"] + 1, "legend over the bars"
    rates = page.evaluate(READ_DRAWN_BARS, "chart-mediation-resolution-rates")
    assert [trace["labels"] for trace in rates["traces"]] == [
        ["98.66%", "99.12%", "90.98%", "87.75%"],
        ["98.63%", "99.20%", "92.5%", "85.31%"],
    ]
    tiles = page.locator(".number-tile", has_text="回訪關注類和重點類矛盾糾紛")
    assert "2021 年：1,087次" in tiles.inner_text() and "▲ +113次（+10.4%）" in tiles.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.locator("section.charts").screenshot(path=str(artifacts_dir / f"{device}.png"))
    watch.collect_csp_violations()
    context.close()
    assert watch.errors == [] and watch.csp_violations == []
