"""The metric page: one figure code across every year's report, with a chart and a CSV."""

from django.contrib.auth.decorators import permission_required
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from common.roles import BROWSE_PERMISSION, EXPORT_PERMISSION, SEE_DRAFTS_PERMISSION
from metrics import selectors
from metrics.changes import change
from metrics.charts import chart_payload
from metrics.export import CONTENT_TYPES, EXPORT_TIMEZONE, content_disposition, csv_chunks
from metrics.formatting import format_figure
from metrics.models import Figure
from metrics.series_charts import SeriesPoint, build_series_chart, chartable_points


def series_points(series: list[Figure]) -> list[SeriesPoint]:
    return [
        SeriesPoint(
            year=figure.report.year,
            value=figure.value,
            unit=figure.unit,
            qualifier=figure.qualifier,
            display=format_figure(figure.value, figure.unit, figure.qualifier),
            source_paragraph=figure.source_paragraph,
        )
        for figure in series
    ]


def series_chart(code: str, series: list[Figure]) -> dict | None:
    """The chart dict ``includes/_chart.html`` draws, or None when fewer than two years share a unit."""
    points = chartable_points(series_points(series))
    if not points:
        return None
    latest = series[-1]
    title = _("%(name)s（歷年）") % {"name": latest.name}
    years = "、".join(str(point.year) for point in points)
    source = _("資料來源：%(agency)s %(years)s 年度工作報告") % {"agency": latest.report.agency, "years": years}
    dom_id = "chart-series"
    return {
        "key": "series",
        "dom_id": dom_id,
        "payload_id": f"{dom_id}-data",
        "title": title,
        "rows": points,
        "source": source,
        "payload": chart_payload(
            build_series_chart(points, title=title, source=source), filename=f"wanzhou-series-{code}"
        ),
    }


@permission_required(BROWSE_PERMISSION, raise_exception=True)
def metric_series(request, code: str):
    """Each year's value, change from the year before (same unit only), clause and paragraph; 404 if unknown."""
    series = selectors.figure_series(code=code, drafts=request.user.has_perm(SEE_DRAFTS_PERMISSION))
    years = []
    previous = None
    for figure in series:
        step = change(previous.value, figure.value, figure.unit) if previous and previous.unit == figure.unit else None
        years.append({"figure": figure, "change": step})
        previous = figure
    context = {
        "code": code,
        "latest": series[-1],
        "years": years,
        "chart": series_chart(code, series),
        "can_export": request.user.has_perm(EXPORT_PERMISSION),
    }
    return render(request, "metrics/series.html", context)


@permission_required(EXPORT_PERMISSION, raise_exception=True)
def metric_series_csv(request, code: str):
    """The series in the export row format (``metrics.export``), oldest year first; 404 for an unknown code."""
    selectors.figure_series(code=code)
    figures = Figure.objects.for_export().filter(code=code, report__published=True)
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in csv_chunks(figures)), content_type=CONTENT_TYPES["csv"]
    )
    day = timezone.now().astimezone(EXPORT_TIMEZONE)
    response["Content-Disposition"] = content_disposition(f"wanzhou-series-{code}-{day:%Y%m%d}.csv")
    return response
