"""The series chart builder: one unit, two or more years, zero-based bars."""

from decimal import Decimal

import plotly.graph_objects as go
import pytest

from metrics.charts.rows import ChartRow
from metrics.charts.series import build_series_chart, chartable_points, series_chart
from metrics.models import Figure
from tests.factories import make_figure, make_report, make_section
from tests.metrics.charts.test_builders import MARKUP_AGENCY, MARKUP_NAME, draws_literally


def point(year, value, unit="起", qualifier="exact"):
    return ChartRow("x.y", year, str(year), Decimal(value), unit, qualifier, f"{value}{unit}", 1)


def test_chartable_points_keep_the_latest_unit_in_year_order():
    points = [point(2022, 5, "人次"), point(2020, 3), point(2021, 4)]
    assert chartable_points(points) == []
    points.append(point(2019, 2, "人次"))
    assert [p.year for p in chartable_points(points)] == [2019, 2022]


def test_build_series_chart_draws_bars_on_a_zero_based_axis_naming_the_unit():
    figure = go.Figure(build_series_chart([point(2020, 3), point(2021, 4, qualifier="over")], title="t", source="s"))
    bar = figure.data[0]
    assert list(bar.x) == ["2020", "2021"] and list(bar.y) == [3.0, 4.0]
    assert list(bar.marker.pattern.shape) == ["", "/"]
    assert figure.layout.yaxis.rangemode == "tozero" and figure.layout.yaxis.title.text == "單位：起"


@pytest.mark.parametrize("points", [[point(2020, 3)], [point(2020, 3), point(2021, 4, "人")]])
def test_build_series_chart_refuses_one_bar_or_mixed_units(points):
    with pytest.raises(ValueError):
        build_series_chart(points, title="t", source="s")


@pytest.mark.django_db
def test_series_chart_draws_an_editors_markup_as_typed():
    series = []
    for year in (2021, 2022):
        section = make_section(make_report(year, agency=MARKUP_AGENCY), "mediation")
        make_figure(section, 1, code="mediation.disputes_screened", name=MARKUP_NAME, value=Decimal(year))
        series.append(Figure.objects.with_context().get(report__year=year))
    chart = series_chart("mediation.disputes_screened", series, csv_url="/metrics/mediation.disputes_screened/csv/")
    assert (chart.kind, chart.filename) == ("bars", "wanzhou-series-mediation.disputes_screened")
    assert [(row.label, row.href) for row in chart.rows] == [
        (str(year), f"/reports/{year}/mediation/#figure-mediation.disputes_screened") for year in (2021, 2022)
    ]
    assert draws_literally(chart.payload, f"{MARKUP_NAME}（歷年）"), "the title"
    assert draws_literally(chart.payload, f"{MARKUP_AGENCY} 2021、2022 年度工作報告"), "the source note"
    assert chart.payload["data"][0]["x"] == ["2021", "2022"]
