"""The metric page: one figure code across every year's report, with a chart and a CSV."""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from common.roles import BROWSE_PERMISSION, SEE_DRAFTS_PERMISSION
from metrics import selectors
from metrics.changes import change
from metrics.charts.series import series_chart
from metrics.export import EXPORT_TIMEZONE, csv_chunks, streaming_download
from metrics.models import Figure
from metrics.tables import provenance_html


@permission_required(BROWSE_PERMISSION, raise_exception=True)
def metric_series(request, code: str):
    """Each year's value, change from the report just before (same unit only), clause and paragraph; 404 if unknown."""
    series = selectors.figure_series(code=code, drafts=request.user.has_perm(SEE_DRAFTS_PERMISSION))
    years = [
        {
            "figure": figure,
            "change": None
            if figure.previous_value is None
            else change(
                figure.previous_value,
                figure.value,
                figure.unit,
                qualifiers=(figure.previous_qualifier, figure.qualifier),
            ),
            "provenance": provenance_html(figure),
        }
        for figure in series
    ]
    context = {
        "code": code,
        "latest": series[-1],
        "years": years,
        "chart": series_chart(code, series, csv_url=reverse("metrics:series_csv", kwargs={"code": code})),
    }
    return render(request, "metrics/series.html", context)


@permission_required(BROWSE_PERMISSION, raise_exception=True)
def metric_series_csv(request, code: str):
    """The series in the export row format (``metrics.export``), oldest year first; 404 for an unknown code.

    Open to every role that reads the page, as each chart's CSV is: it holds exactly the numbers the page shows.
    The published years of ``selectors.figure_series`` (1 query), then their rows (1 query).
    """
    series = selectors.figure_series(code=code)
    figures = Figure.objects.for_export().filter(pk__in=[figure.pk for figure in series])
    day = timezone.now().astimezone(EXPORT_TIMEZONE)
    return streaming_download(
        csv_chunks(figures, get_language()), export_format="csv", filename=f"wanzhou-series-{code}-{day:%Y%m%d}.csv"
    )
