"""Two years compared: the 2021 report and a 2022 report created here as test data."""

from decimal import Decimal

import pytest

from metrics.choices import Unit
from tests.factories import make_figure, make_report, make_section

pytestmark = pytest.mark.django_db


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
