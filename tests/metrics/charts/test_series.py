"""The series chart builder: one unit, two or more years, zero-based bars."""

from decimal import Decimal

import pytest

from common.languages import citation
from metrics.charts.builders import chart_payload
from metrics.charts.rows import ChartRow, chart_row
from metrics.charts.series import build_series_chart, chartable_points
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
    figure = build_series_chart([point(2020, 3), point(2021, 4, qualifier="over")], title="t", source="s")
    bar = figure.data[0]
    assert list(bar.x) == ["2020", "2021"] and list(bar.y) == [3.0, 4.0]
    assert list(bar.marker.pattern.shape) == ["", "/"]
    assert figure.layout.yaxis.rangemode == "tozero" and figure.layout.yaxis.title.text == "單位：起"


@pytest.mark.parametrize("points", [[point(2020, 3)], [point(2020, 3), point(2021, 4, "人")]])
def test_build_series_chart_refuses_one_bar_or_mixed_units(points):
    with pytest.raises(ValueError):
        build_series_chart(points, title="t", source="s")


@pytest.mark.django_db
def test_build_series_chart_draws_an_editors_markup_as_typed():
    series = []
    for year in (2021, 2022):
        section = make_section(make_report(year, agency=MARKUP_AGENCY), "mediation")
        figure = make_figure(section, 1, code="mediation.disputes_screened", name=MARKUP_NAME, value=Decimal(year))
        series.append(figure)
    source = f"資料來源：{citation(series[-1].report)}"
    rows = [
        chart_row(figure, section_url=figure.section.get_absolute_url(), label=str(figure.report.year))
        for figure in series
    ]
    figure = build_series_chart(rows, title=f"{MARKUP_NAME}（歷年）", source=source)
    payload = chart_payload(figure)
    assert draws_literally(payload, f"{MARKUP_NAME}（歷年）"), "the title"
    assert draws_literally(payload, source), "the source note"
    assert payload["data"][0]["x"] == ["2021", "2022"]
