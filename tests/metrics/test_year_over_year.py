"""Two years compared: the 2021 report and a 2022 report created here as test data."""

import json
import re
from decimal import Decimal

import pytest

from metrics.choices import Unit
from tests.factories import make_figure, make_mediation_2022, make_report, make_section

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module")]


@pytest.fixture
def report_2022(report_2021):
    """A 2022 test report whose mediation section restates three 2021 codes and adds one new."""
    section = make_section(make_report(2022), "mediation")
    make_figure(section, 1, code="mediation.disputes_screened", name="排查矛盾糾紛", value=Decimal(20000), unit=Unit.QI)
    make_figure(section, 2, code="mediation.resolution_rate", name="化解率", value=Decimal("97.5"), unit=Unit.PERCENT)
    make_figure(section, 3, code="mediation.return_visits", name="回訪", value=Decimal(1087), unit=Unit.CI)
    make_figure(section, 4, code="mediation.new_measure", name="新指標", value=Decimal(5), unit=Unit.QI)
    return section.report


def row_of(page: str, code: str) -> str:
    return page.split(f'id="figure-{code}"')[1].split("</tr>")[0]


def test_section_page_shows_last_years_value_and_the_change_of_each_restated_figure(viewer_client, report_2022):
    page = viewer_client.get("/reports/2022/mediation/").content.decode()
    count = row_of(page, "mediation.disputes_screened")
    assert "2021 年：18,161起" in count and "▲ +1839起（+10.1%）" in count and "change-up" in count
    rate = row_of(page, "mediation.resolution_rate")
    assert "2021 年：98.66%" in rate and "▼ −1.16 個百分點" in rate and "change-down" in rate
    assert "＝ 0次（0.0%）" in row_of(page, "mediation.return_visits")
    assert 'class="change' not in row_of(page, "mediation.new_measure")


def test_section_page_of_the_first_report_shows_no_change(viewer_client, report_2022):
    page = viewer_client.get("/reports/2021/mediation/").content.decode()
    assert 'class="change' not in page


def test_section_page_links_each_figure_to_its_series(viewer_client, report_2022):
    page = viewer_client.get("/reports/2022/mediation/").content.decode()
    assert 'href="/metrics/mediation.resolution_rate/">化解率</a>' in page
    series = viewer_client.get("/metrics/mediation.resolution_rate/").content.decode()
    assert 'id="year-2021"' in series and 'id="year-2022"' in series and "▼ −1.16 個百分點" in series


def chart_payload(page: str, dom_id: str) -> dict:
    return json.loads(re.search(rf'<script id="{dom_id}-data" type="application/json">(.*?)</script>', page).group(1))


def figure_of(page: str, dom_id: str) -> str:
    return page.split(f'aria-labelledby="{dom_id}-title"')[1].split("</figure>")[0]


def test_section_page_charts_draw_both_years_and_tabulate_the_change(viewer_client, report_2021):
    make_mediation_2022()
    page = viewer_client.get("/reports/2022/mediation/").content.decode()
    last, this = chart_payload(page, "chart-mediation-disputes")["data"]
    assert (last["name"], last["text"]) == ("2021 年", ["18,161起", "17,918起"])
    assert (this["name"], this["text"]) == ("2022 年", ["2萬起", "19,726起"])
    table = figure_of(page, "chart-mediation-disputes").split('class="chart-table"')[1]
    assert '<th scope="col">2022 年</th><th scope="col">2021 年</th><th scope="col">變化</th>' in table
    assert "18,161起" in table and "▲ +1839起（+10.1%）" in table and "▲ +1808起（+10.1%）" in table
    tiles = figure_of(page, "chart-mediation-follow-up")
    assert "2021 年：1,087次" in tiles and "▲ +113次（+10.4%）" in tiles and "▲ +2.58 個百分點" in tiles


def test_section_page_charts_of_the_first_report_name_no_other_year(viewer_client, report_2021):
    make_mediation_2022()
    page = viewer_client.get("/reports/2021/mediation/").content.decode()
    (trace,) = chart_payload(page, "chart-mediation-disputes")["data"]
    assert trace["text"] == ["18,161起", "17,918起"]
    assert "tile-change" not in page and ">變化<" not in page


@pytest.mark.parametrize(
    ("prefix", "names", "texts"),
    [
        ("/zh-hans", ["2021 年", "2022 年"], ["2021 年：1,087次", "▲ +113次（+10.4%）", "▲ +2.58 个百分点"]),
        ("/en", ["2021", "2022"], ["2021: 1,087 times", "▲ +113 times (+10.4%)", "▲ +2.58 percentage points"]),
    ],
)
def test_section_page_charts_compare_the_years_in_each_language(viewer_client, report_2021, prefix, names, texts):
    make_mediation_2022()
    page = viewer_client.get(f"{prefix}/reports/2022/mediation/").content.decode()
    assert [trace["name"] for trace in chart_payload(page, "chart-mediation-disputes")["data"]] == names
    tiles = figure_of(page, "chart-mediation-follow-up")
    assert all(text in tiles for text in texts), tiles


def test_overview_chart_shows_both_years_for_one_more_query(viewer_client, report_2021, django_assert_num_queries):
    make_mediation_2022()
    # 4 per request and 2 for the cached page; the body: report, sections, figures, last year's figures
    # and the charts' server drawings.
    with django_assert_num_queries(6 + 5 + 2):
        page = viewer_client.get("/reports/2022/").content.decode()
    last, this = chart_payload(page, "chart-mediation-disputes")["data"]
    assert last["x"] == [18161.0, 17918.0] and this["x"] == [20000.0, 19726.0]


def test_section_page_marks_the_change_of_an_approximate_figure(viewer_client, report_2022):
    """近9萬戶 in 2021: a change from an approximate number is approximate too, in every place it shows."""
    section = report_2022.sections.get(slug="mediation")
    make_figure(
        section,
        5,
        code="mediation.special_group_households_visited",
        value=Decimal(100000),
        unit_id=Unit.HU,
        qualifier="approx",
    )
    row = row_of(
        viewer_client.get("/reports/2022/mediation/").content.decode(), "mediation.special_group_households_visited"
    )
    assert "▲ 約+10000戶（+11.1%）" in row
    series = viewer_client.get("/metrics/mediation.special_group_households_visited/").content.decode()
    assert "▲ 約+10000戶（+11.1%）" in series
    explorer = viewer_client.get("/metrics/", {"year": "2022", "change": "up"}).content.decode()
    assert "▲ 約+10000戶（+11.1%）" in explorer
