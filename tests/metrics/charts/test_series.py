"""The series chart builder: one unit, two or more years, zero-based bars."""

from decimal import Decimal

import pytest

from metrics.charts.series import SeriesPoint, build_series_chart, chartable_points


def point(year, value, unit="起", qualifier="exact"):
    return SeriesPoint(year, Decimal(value), unit, qualifier, f"{value}{unit}", 1)


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
