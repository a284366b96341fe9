"""The per-chart CSV (metrics.views.chart_csv): one chart's export rows, in its order; the source in a header."""

import csv
import io
from urllib.parse import unquote

import pandas
import pytest

from metrics.charts.specs import chart_spec
from metrics.export import EXPORT_COLUMNS
from metrics.models import Figure

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module")]

URL = "/reports/2021/crackdown/charts/firearms-cases.csv"


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


def test_chart_csv_holds_the_chart_figures_in_chart_order_and_cites_in_a_header(
    viewer_client, report_2021, django_assert_num_queries
):
    # session, user, user and group permissions; then report, figures exist, the content revision and
    # its last edit (the ETag and Last-Modified), the rows
    with django_assert_num_queries(9):
        response = viewer_client.get(URL)
        rows = read_csv(response)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="wanzhou-2021-crackdown-firearms-cases.csv"' in response["Content-Disposition"]
    assert tuple(rows[0]) == EXPORT_COLUMNS
    assert [row[3] for row in rows[1:4]] == list(chart_spec("crackdown", "firearms-cases").codes)
    assert [row[5] for row in rows[1:4]] == ["23", "1", "38"]
    # Paragraph and clause, the stated value and an empty correction (the report's own number), then no
    # previous value or change: 2021 is the first report.
    quote = Figure.objects.get(code="crackdown.explosives_public_order_cases").source_quote
    assert rows[1][8:] == ["12", quote, "23", "", "", ""]
    # Only the chart's rows: the citation moved from a trailing row to the X-Citation header.
    assert len(rows) == 4
    assert unquote(response["X-Citation"].removeprefix("UTF-8''")) == "萬州區公安局《2021年工作綜述》"
    assert response["ETag"] and response["Last-Modified"]


def test_chart_csv_reads_in_pandas_as_exactly_the_chart_rows(viewer_client, report_2021):
    content = b"".join(viewer_client.get(URL).streaming_content)
    frame = pandas.read_csv(io.BytesIO(content), encoding="utf-8-sig")
    assert list(frame["metric_code"]) == list(chart_spec("crackdown", "firearms-cases").codes)
    assert list(frame["value"]) == [23, 1, 38]


def test_chart_csv_of_tiles_too(viewer_client, report_2021):
    rows = read_csv(viewer_client.get("/reports/2021/mediation/charts/household-visits.csv"))
    assert rows[1][3:8] == ["mediation.special_group_households_visited", "走訪特殊群體", "90000", "戶", "approx"]


@pytest.mark.parametrize(
    "url",
    [
        "/reports/2020/crackdown/charts/firearms-cases.csv",
        "/reports/2021/crackdown/charts/no-such-chart.csv",
        "/reports/2021/mediation/charts/firearms-cases.csv",
        "/reports/2021/nowhere/charts/firearms-cases.csv",
    ],
)
def test_chart_csv_unknown_year_section_or_chart_is_404(viewer_client, report_2021, url):
    assert viewer_client.get(url).status_code == 404


def test_chart_csv_without_figures_is_404(viewer_client, report_2021):
    Figure.objects.filter(code__in=chart_spec("crackdown", "firearms-cases").codes).delete()
    assert viewer_client.get(URL).status_code == 404


def test_chart_csv_needs_the_viewer_role(client, make_user, report_2021):
    assert client.get(URL).status_code == 302
    client.force_login(make_user(None))
    assert client.get(URL).status_code == 403


def test_chart_csv_linked_from_every_chart_of_the_section_page(viewer_client, report_2021):
    html = viewer_client.get("/reports/2021/crackdown/").content.decode()
    for key in ("firearms-cases", "weapons-seized"):
        assert f'href="/reports/2021/crackdown/charts/{key}.csv"' in html
