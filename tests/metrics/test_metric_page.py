"""The metric page /metrics/<code>/: values by year, changes, clauses, chart and CSV."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.utils.html import escape

from metrics.choices import Unit
from tests.factories import make_figure, make_report, make_section
from tests.metrics.charts.test_builders import MARKUP_AGENCY, MARKUP_NAME, draws_literally

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module")]

CODE = "mediation.disputes_screened"


@pytest.fixture
def two_years(report_2021):
    """The 2021 report and a 2022 test report stating 2021's dispute count with another value."""
    section = make_section(make_report(2022), "mediation")
    make_figure(
        section,
        1,
        code=CODE,
        name="排查矛盾糾紛",
        value=Decimal(20000),
        unit_id=Unit.QI,
        source_paragraph=9,
        source_quote="排查矛盾糾紛20000起（測試數據）",
    )
    return report_2021


def test_metric_series_shows_each_year_with_change_clause_and_paragraph(viewer_client, two_years):
    page = viewer_client.get(f"/metrics/{CODE}/").content.decode()
    assert 'id="year-2021"' in page and 'id="year-2022"' in page
    assert page.index('id="year-2021"') < page.index('id="year-2022"')
    assert '<q lang="zh-Hant">排查矛盾糾紛20000起（測試數據）</q>' in page
    assert "第 9 段" in page
    assert "▲ +1839起（+10.1%）" in page


def test_metric_series_draws_one_bar_per_year_on_a_zero_based_axis(viewer_client, two_years):
    page = viewer_client.get(f"/metrics/{CODE}/").content.decode()
    payload = json.loads(page.split('id="chart-series-data" type="application/json">')[1].split("</script>")[0])
    bar = payload["data"][0]
    assert bar["x"] == ["2021", "2022"] and bar["y"] == [18161.0, 20000.0]
    assert payload["layout"]["yaxis"]["rangemode"] == "tozero"
    assert payload["layout"]["yaxis"]["title"]["text"] == "單位：起"


def test_metric_series_of_one_year_has_no_chart(viewer_client, report_2021):
    page = viewer_client.get(f"/metrics/{CODE}/").content.decode()
    assert 'id="year-2021"' in page and "chart-series-data" not in page


@pytest.mark.parametrize("code", ["mediation.nothing_here", "not a code", "%00"])
def test_metric_series_of_an_unknown_code_is_a_404(viewer_client, report_2021, code):
    assert viewer_client.get(f"/metrics/{code}/").status_code == 404


def test_metric_series_runs_the_same_queries_for_any_number_of_years(
    viewer_client, report_2021, django_assert_num_queries
):
    # The per-request four, the navigation (revision and reports, 3), the series, its previous versions;
    # with two or more years, the chart's server drawings.
    with django_assert_num_queries(9):
        assert viewer_client.get(f"/metrics/{CODE}/").status_code == 200
    for year in range(2010, 2020):
        make_figure(make_section(make_report(year), "mediation"), 1, code=CODE, value=year)
    with django_assert_num_queries(10):
        response = viewer_client.get(f"/metrics/{CODE}/")
    assert response.content.decode().count('id="year-') == 11


def test_metric_series_csv_is_refused_without_a_role(client, make_user, two_years):
    client.force_login(make_user(None))
    assert client.get(f"/metrics/{CODE}/csv/").status_code == 403


def test_metric_series_csv_gives_every_year_in_the_export_format_to_a_viewer(
    viewer_client, two_years, django_assert_num_queries
):
    # Like every chart's CSV it holds exactly the numbers the page shows, so reading the page is enough.
    assert f"/metrics/{CODE}/csv/" in viewer_client.get(f"/metrics/{CODE}/").content.decode()
    # The per-request four, the series, the content revision and its last edit (ETag), then its rows.
    with django_assert_num_queries(8):
        response = viewer_client.get(f"/metrics/{CODE}/csv/")
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert 'filename="wanzhou-series-mediation.disputes_screened-' in response["Content-Disposition"]
    assert rows[0][:6] == ["report_year", "agency", "section", "metric_code", "metric_name", "value"]
    assert [(row[0], row[3], row[5]) for row in rows[1:]] == [("2021", CODE, "18161"), ("2022", CODE, "20000")]


def test_metric_series_needs_the_browse_permission(client, make_user, report_2021):
    client.force_login(make_user(None))
    assert client.get(f"/metrics/{CODE}/").status_code == 403


def test_metric_page_at_its_first_address_redirects_for_good(viewer_client, two_years):
    response = viewer_client.get(f"/metrics/series/{CODE}/")
    assert response.status_code == 301 and response["Location"] == f"/metrics/{CODE}/"
    csv_response = viewer_client.get(f"/en/metrics/series/{CODE}/csv/")
    assert csv_response.status_code == 301 and csv_response["Location"] == f"/en/metrics/{CODE}/csv/"


def test_metric_series_shows_no_change_across_a_report_that_lacks_the_code(viewer_client, two_years):
    make_section(make_report(2023), "mediation")
    make_figure(make_section(make_report(2024), "mediation"), 1, code=CODE, value=Decimal(21000), unit=Unit.QI)
    page = viewer_client.get(f"/metrics/{CODE}/").content.decode()
    year_2024 = page.split('id="year-2024"')[1]
    assert "▲" not in year_2024.split("</tr>")[0] and "▲ +1839起（+10.1%）" in page


def test_metric_series_chart_draws_an_editors_markup_as_typed(viewer_client):
    for year in (2031, 2032):
        section = make_section(make_report(year, agency=MARKUP_AGENCY), "mediation")
        make_figure(section, 1, code="mediation.markup_series", name=MARKUP_NAME, value=Decimal(year))
    page = viewer_client.get("/metrics/mediation.markup_series/").content.decode()
    payload = json.loads(page.split('id="chart-series-data" type="application/json">')[1].split("</script>")[0])
    assert draws_literally(payload, f"{MARKUP_NAME}（歷年）"), "the title"
    assert draws_literally(payload, f"{MARKUP_AGENCY} 2031、2032 年度工作報告"), "the source note"
    assert escape(MARKUP_NAME) in page and 'evil.example/x">' not in page and "<b>" not in page


def test_metric_series_takes_each_languages_name_from_the_newest_year_that_has_it(viewer_client, two_years):
    """2022 states the figure without English yet: the English page keeps 2021's name, the Chinese ones 2022's."""
    Figure = two_years.figures.model
    Figure.objects.filter(report__year=2022, code=CODE).update(name="排查糾紛（二〇二二）")
    english = viewer_client.get(f"/en/metrics/{CODE}/").content.decode()
    heading = english.split("<h1>")[1].split("</h1>")[0]
    assert heading.startswith("Disputes identified") and "排查" not in heading
    payload = json.loads(english.split('id="chart-series-data" type="application/json">')[1].split("</script>")[0])
    assert payload["layout"]["title"]["text"].startswith("Disputes identified")
    traditional = viewer_client.get(f"/metrics/{CODE}/").content.decode()
    assert traditional.split("<h1>")[1].startswith("排查糾紛（二〇二二）")
