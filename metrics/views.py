"""The pages that show figures: the list of reports (drafts with their checklists), a report's overview, a section,
its text, a chart's CSV, and one metric across years.

The explorer and its exports are ``metrics.explorer.views``.

The overview and section bodies are rendered once per content revision and
variant and then served from the cache (``common.caching``); only the page
shell (navigation, login state) is rendered per request.
"""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_spaces_between_tags
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from common.caching import cached
from common.languages import citation, newest_with_text
from common.roles import (
    BROWSE_PERMISSION,
    EDIT_FIGURE_PERMISSION,
    EXPORT_PERMISSION,
    SEE_DRAFTS_PERMISSION,
)
from metrics import selectors
from metrics.changes import change
from metrics.charts.builders import section_charts
from metrics.charts.rows import Chart, chart_rows
from metrics.charts.series import series_chart
from metrics.explorer.filters import explorer_query
from metrics.export import EXPORT_TIMEZONE, csv_chunks, streaming_download
from metrics.models import Figure
from metrics.tables import SectionFigureTable, provenance_html, section_sort
from reports.models import ContentRevision

browse_required = permission_required(BROWSE_PERMISSION, raise_exception=True)


def render_body(template_name: str, context: dict) -> str:
    """Render a cached page body without the whitespace between tags.

    Done once per cache fill, it more than halves a large section's bytes, which
    every later request would otherwise copy and send.
    """
    html = render_to_string(template_name, context)
    # The template output is already escaped; removing whitespace between tags keeps it so.
    return mark_safe(strip_spaces_between_tags(html))


def charts_for(
    section,
    figures,
    *,
    year_before: selectors.YearBefore,
    comparisons: dict[str, selectors.Comparison],
    limit: int | None = None,
) -> list[Chart]:
    """The charts of ``section`` drawn from ``figures`` (the first ``limit``), citing the section's report.

    ``comparisons`` are the page's ``year_before.comparisons``: the charts show last year's
    values beside this year's, citing ``year_before.report``.
    """
    report, earlier = section.report, year_before.report
    rows = chart_rows(
        figures,
        section_url=section.get_absolute_url(),
        comparisons=comparisons,
    )
    return section_charts(
        section.topic,
        rows,
        slug=section.slug,
        source=citation(report),
        year=report.year,
        csv_url=lambda key: reverse(
            "metrics:chart-csv", kwargs={"year": report.year, "slug": section.slug, "key": key}
        ),
        limit=limit,
        previous_year=earlier.year if earlier else None,
        previous_source=citation(earlier) if earlier else "",
    )


@browse_required
def report_list(request):
    """Every report, newest first; to editors the drafts too, marked, with their open checklist items.

    A ``metrics`` view because a draft's count reads its figures (``metrics.publication``). Not cached:
    ``selectors.report_list`` is 1 query (3 for an editor while there are drafts).
    """
    listings = selectors.report_list(drafts=request.user.has_perm(SEE_DRAFTS_PERMISSION))
    return render(request, "reports/report_list.html", {"listings": listings})


@browse_required
def report_overview(request, year: int):
    """The report with each section's first chart, last year's values beside this year's.

    Building the body costs 4 queries whatever the number of figures: the report, its
    sections and figures (``selectors.report_overview``) and last year's (``selectors.year_before``).
    """
    drafts = request.user.has_perm(SEE_DRAFTS_PERMISSION)

    def build() -> dict:
        overview = selectors.report_overview(year=year, drafts=drafts)
        year_before = selectors.year_before(report=overview.report)
        comparisons = year_before.comparisons(figure for part in overview.sections for figure in part.figures)
        sections = []
        for part in overview.sections:
            charts = charts_for(part.section, part.figures, year_before=year_before, comparisons=comparisons, limit=1)
            sections.append(
                {
                    "section": part.section,
                    "headline_figures": part.headline_figures,
                    "figures": part.figures,
                    "chart": charts[0] if charts else None,
                }
            )
        context = {"report": overview.report, "sections": sections}
        return {"body": render_body("includes/_overview_body.html", context), "report": overview.report}

    content = cached(("overview", year, drafts), build, revision=ContentRevision.current())
    return render(request, "reports/report_page.html", content)


@browse_required
def section_detail(request, year: int, slug: str):
    """One section: its charts and table with last year's values and the changes beside this year's.

    Building the body costs ``selectors.section_page``'s 5 queries (6 when the section
    has cases) and 1 for last year's (``selectors.year_before``); the changes are computed
    once, and the table and the charts both show them.
    """
    sort = section_sort(request.GET.get("sort", ""))
    can_export = request.user.has_perm(EXPORT_PERMISSION)
    can_edit = request.user.is_staff and request.user.has_perm(EDIT_FIGURE_PERMISSION)
    drafts = request.user.has_perm(SEE_DRAFTS_PERMISSION)

    def build() -> dict:
        page = selectors.section_page(year=year, slug=slug, drafts=drafts)
        year_before = selectors.year_before(report=page.report)
        comparisons = year_before.comparisons(page.figures)
        # A section holds at most a few hundred figures: one unpaginated, sortable table.
        # A column no row fills (a section without notable cases) only takes a phone's width.
        exclude = ("history",) if not can_edit else ()
        if not any(figure.case_id for figure in page.figures):
            exclude += ("case",)
        table = SectionFigureTable(page.figures, order_by=sort or None, exclude=exclude, changes=comparisons)
        context = {
            "page": page,
            "report": page.report,
            "table": table,
            "charts": charts_for(page.section, page.figures, year_before=year_before, comparisons=comparisons),
            "explorer_query": explorer_query(year=page.report.year, section=page.section.topic),
            "can_export": can_export,
        }
        return {
            "body": render_body("includes/_section_body.html", context),
            "report": page.report,
            "section": page.section,
        }

    content = cached(
        ("section", year, slug, sort, can_export, can_edit, drafts), build, revision=ContentRevision.current()
    )
    return render(request, "reports/report_page.html", content)


@browse_required
def report_text(request, year: int):
    """The report's text paragraph by paragraph, each figure's clause marked and linked to its metric page.

    A ``metrics`` view because it shows figures. Drafts are 404 for all but editors, as on the
    other report pages; a report without a text is a 404 that says so. The body is cached per
    content revision (attaching a text bumps it): building it costs ``selectors.report_text``'s 3 queries.
    """
    drafts = request.user.has_perm(SEE_DRAFTS_PERMISSION)

    def build() -> dict:
        text = selectors.report_text(year=year, drafts=drafts)
        context = {"report": text.report, "text": text}
        body = render_body("includes/_report_text_body.html", context) if text.source is not None else None
        return {"body": body, "report": text.report}

    content = cached(("text", year, drafts), build, revision=ContentRevision.current())
    if content["body"] is None:
        context = content | {"can_attach": request.user.is_staff and drafts}
        return render(request, "metrics/report_text.html", context, status=404)
    return render(request, "metrics/report_text.html", content)


@browse_required
def chart_csv(request, year: int, slug: str, key: str):
    """The numbers of one chart as CSV: ``metrics.export``'s rows in the chart's order, then the source.

    After the rows come an empty line and a ``資料來源,<citation>`` row. Any role that may
    read the page may download it: it holds exactly the numbers the chart and its
    table already show. 404 for an unknown year, section or chart, or a chart without
    figures. 3 queries (``selectors.chart_figures``' 2, then the rows).
    """
    chart = selectors.chart_figures(year=year, slug=slug, key=key, drafts=request.user.has_perm(SEE_DRAFTS_PERMISSION))
    return streaming_download(
        csv_chunks(chart.figures, get_language(), source=citation(chart.report)),
        export_format="csv",
        filename=f"wanzhou-{year}-{slug}-{key}.csv",
    )


@browse_required
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
        "named": newest_with_text(series, "name"),
        "years": years,
        "chart": series_chart(code, series, csv_url=reverse("metrics:series_csv", kwargs={"code": code})),
    }
    return render(request, "metrics/series.html", context)


@browse_required
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
