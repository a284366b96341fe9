"""The chart of one figure across years: its figures in, a ``Chart`` out (no request, no template).

Bars compare like with like: only the years stating the figure in one unit share
the zero-based axis, and a series of one year is a tile, not a chart. Texts are
plain, lines broken with ``LINE_BREAK``; ``builders.chart_payload`` escapes them for plotly.
"""

from collections.abc import Sequence

from django.utils.translation import gettext as _

from common.languages import localized, newest_with_text
from metrics.charts.builders import (
    CHART_MARGIN,
    LINE_BREAK,
    NO_TEMPLATE,
    PlotlyFigure,
    bar_trace,
    chart_payload,
    font_family,
    note_annotation,
    wrap_lines,
)
from metrics.charts.rows import Chart, ChartRow, chart_row
from metrics.formatting import unit_code, unit_label
from metrics.models import Figure

#: Below the plot: the year ticks, the axis title and up to three lines of the source note
#: (the section charts size theirs to the note; a series note is a single wrapped line or two).
SERIES_BOTTOM_MARGIN = 110
SERIES_MARGIN = {**CHART_MARGIN, "b": SERIES_BOTTOM_MARGIN}


def chartable_points(points: Sequence[ChartRow]) -> list[ChartRow]:
    """The rows (one a year) sharing the latest year's unit, in year order; empty when fewer than two.

    A year that stated the figure in another unit is left out of the bars (the page's
    table still shows it): two units on one axis would compare unlike things.
    """
    if not points:
        return []
    unit = max(points, key=lambda point: point.year).unit
    shown = sorted((point for point in points if point.unit == unit), key=lambda point: point.year)
    return shown if len(shown) >= 2 else []


def build_series_chart(points: Sequence[ChartRow], *, title: str, source: str) -> PlotlyFigure:
    """Vertical bars, one per year, on one zero-based axis titled with the unit.

    ``points`` must share one unit and number at least two (``chartable_points``);
    raises ValueError otherwise. Approximate years are hatched and say so in the note.
    """
    units = {point.unit for point in points}
    if len(units) != 1 or len(points) < 2:
        raise ValueError(
            f"a series chart needs two or more years of one unit, got {len(points)} in {sorted(map(unit_code, units))}"
        )
    note = wrap_lines(source, 40)
    if any(point.is_approximate for point in points):
        note += LINE_BREAK + _("標「近」「餘」及斜線條者為約數")
    if any(point.is_correction for point in points):
        note += LINE_BREAK + wrap_lines(_("標「更正」者為更正後的數值，原文所載見數據表"), 40)
    layout = {
        "template": NO_TEMPLATE,
        "xaxis": {"title": {"text": _("年度")}, "type": "category"},
        "yaxis": {
            "title": {"text": _("單位：%(unit)s") % {"unit": unit_label(points[0].unit)}},
            "rangemode": "tozero",
            "tickformat": ",",
            "automargin": True,
        },
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        "font": {"family": font_family(), "size": 13},
        "height": 360,
        "margin": SERIES_MARGIN,
        "dragmode": False,
        "showlegend": False,
        "separators": ".,",
        "annotations": [note_annotation(note, bottom=SERIES_BOTTOM_MARGIN)],
    }
    return {"data": [bar_trace(points, [str(point.year) for point in points], horizontal=False)], "layout": layout}


def series_chart(code: str, series: Sequence[Figure], *, csv_url: str) -> Chart | None:
    """The bars of ``series`` (the figures of ``code``, oldest year first, section and report loaded)
    with ``csv_url`` for its CSV link, or None when fewer than two years share a unit."""
    points = chartable_points(
        [
            chart_row(figure, section_url=figure.section.get_absolute_url(), label=str(figure.report.year))
            for figure in series
        ]
    )
    if not points:
        return None
    named = newest_with_text(series, "name")
    title = _("%(name)s（歷年）") % {"name": localized(named, "name")}
    years = _("、").join(str(point.year) for point in points)
    source = _("資料來源：%(agency)s %(years)s 年度工作報告") % {
        "agency": localized(newest_with_text([figure.report for figure in series], "agency"), "agency"),
        "years": years,
    }
    return Chart(
        key="series",
        kind="bars",
        dom_id="chart-series",
        title=title,
        filename=f"wanzhou-series-{code}",
        rows=tuple(points),
        source=source,
        csv_url=csv_url,
        payload=chart_payload(build_series_chart(points, title=title, source=source)),
    )
