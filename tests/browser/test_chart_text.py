"""An editor's markup in a figure's name and the report's agency, drawn by plotly.js in a real browser:
shown as typed on every page that draws a chart and in the chart's PNG, never a link, a style or a CSP violation.
Screenshots go to artifacts/after/markup-*.png."""

from xml.etree import ElementTree

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from metrics.models import Figure
from reports.models import Report
from tests.browser.test_portal_pages import ALL_DRAWN, PASSWORD, PageWatch, log_in
from tests.factories import make_mediation_2022
from tests.loading import load_fixture
from tests.metrics.charts.test_builders import MARKUP_AGENCY, MARKUP_NAME

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = "mediation.disputes_screened"
SVG = "{http://www.w3.org/2000/svg}"
#: Every page type that draws a chart, with the chart holding the markup name.
CHART_PAGES = {
    "overview": ("/reports/2022/", "chart-mediation-disputes"),
    "section": ("/reports/2022/mediation/", "chart-mediation-disputes"),
    "metric": (f"/metrics/{CODE}/", "chart-series"),
}

# What plotly drew in one chart: each SVG text as shown, its links, the styles it set on text.
READ_SVG_TEXT = """(id) => {
  const gd = document.getElementById(id);
  return {
    texts: Array.from(gd.querySelectorAll("svg text")).map((text) => text.textContent),
    links: Array.from(gd.querySelectorAll("svg a")).map((link) => link.outerHTML),
    styled: Array.from(gd.querySelectorAll("svg text tspan[style]")).map((tspan) => tspan.outerHTML),
  };
}"""

# The SVG that plotly.js turns into the chart's PNG (Plotly.downloadImage draws it on a canvas). It is read
# in Python: a DOMParser document would take the page's CSP and report the style attributes plotly writes.
IMAGE_SVG = """async (id) => {
  const url = await window.Plotly.toImage(document.getElementById(id), {format: "svg"});
  return decodeURIComponent(url.slice(url.indexOf(",") + 1));
}"""


@pytest.fixture
def markup_portal(live_server, django_user_model):
    """The 2021 report, and a 2022 one whose agency and two figure names (a bar and a tile) are markup."""
    load_fixture()
    call_command("setup_roles", verbosity=0)
    user = django_user_model.objects.create_user(username="viewer", password=PASSWORD)
    user.groups.add(Group.objects.get(name="viewer"))
    section = make_mediation_2022()
    Report.objects.filter(pk=section.report_id).update(agency=MARKUP_AGENCY)
    Figure.objects.filter(section=section, code__in=[CODE, "mediation.return_visits"]).update(name=MARKUP_NAME)
    return live_server


def shows(texts: list[str], typed: str) -> bool:
    """Whether one SVG text shows ``typed`` (its wrapped lines are tspans, read together)."""
    return any(typed in text for text in texts)


def test_chart_text_shows_an_editors_markup_as_typed_on_every_chart_page(browser, markup_portal, artifacts_dir):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    watch = PageWatch(page)
    log_in(page, markup_portal.url, landing="/reports/2022/")
    folder = artifacts_dir / "after"
    folder.mkdir(exist_ok=True)

    for name, (path, chart) in CHART_PAGES.items():
        page.goto(markup_portal.url + path)
        page.wait_for_function(ALL_DRAWN)
        drawn = page.evaluate(READ_SVG_TEXT, chart)
        assert shows(drawn["texts"], MARKUP_NAME), f"{name}: {drawn['texts']}"
        assert shows(drawn["texts"], MARKUP_AGENCY), f"{name}: the source note"
        assert drawn["links"] == [] and drawn["styled"] == [], name
        image = ElementTree.fromstring(page.evaluate(IMAGE_SVG, chart))
        texts = ["".join(text.itertext()) for text in image.iter(f"{SVG}text")]
        assert shows(texts, MARKUP_NAME) and shows(texts, MARKUP_AGENCY), f"{name}: the PNG's drawing"
        assert not list(image.iter(f"{SVG}a")), f"{name}: a link in the PNG's drawing"
        watch.collect_csp_violations()
        page.screenshot(path=str(folder / f"markup-{name}.png"), full_page=True)

    page.goto(markup_portal.url + CHART_PAGES["section"][0])
    page.wait_for_function(ALL_DRAWN)
    tile = page.locator(".number-tile", has_text=MARKUP_NAME)
    assert MARKUP_NAME in tile.locator(".tile-name").inner_text()
    assert tile.locator(".tile-name a, .tile-name b").count() == 0
    figure = page.locator("figure", has=page.locator("#chart-mediation-disputes"))
    with page.expect_download() as download:
        figure.get_by_role("button", name="下載 PNG 圖檔").click()
    download.value.save_as(folder / "markup-section-chart-download.png")
    page.locator("#chart-mediation-disputes").screenshot(path=str(folder / "markup-section-chart.png"))
    watch.collect_csp_violations()
    context.close()

    assert watch.errors == []
    assert watch.csp_violations == []
