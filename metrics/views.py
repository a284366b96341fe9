"""The pages that show figures: the list of reports (drafts with their checklists), a report's overview, a section,
its text, a chart's CSV, and one metric across years.

The explorer and its exports are ``metrics.explorer.views``.

The overview and section bodies are rendered once per content revision and
variant and then served from the cache (``common.caching``); only the page
shell (navigation, login state) is rendered per request. A variant is keyed by
what differs by reader: drafts (editors), export and edit links, and whether the
reader is logged in at all (public mode's anonymous readers get their own entries).
Every page here is ``public_page``: open to anyone in public mode.
"""

from csp.decorators import csp
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseNotModified
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_spaces_between_tags
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page

from common.caching import cached
from common.conditional import etag, not_modified, request_tag_parts, stamp
from common.languages import citation, newest_with_text
from common.roles import (
    EDIT_FIGURE_PERMISSION,
    EXPORT_PARAMETER,
    EXPORT_PERMISSION,
    SEE_DRAFTS_PERMISSION,
    public_page,
)
from metrics import selectors
from metrics.changes import change
from metrics.charts.series import series_chart
from metrics.choices import RevisionKind
from metrics.explorer.filters import explorer_query
from metrics.export import (
    CITATION_HEADER,
    EXPORT_TIMEZONE,
    citation_header,
    csv_chunks,
    revision_csv_chunks,
    streaming_download,
)
from metrics.models import ChartImage, Figure
from metrics.tables import SectionFigureTable, provenance_html, section_sort
from reports.models import ContentRevision

#: Part of every cached body's key: changed when the cached content's shape changes (2: ``needs_plotly``), so a
#: release never reads an entry an older release stored under the same content revision.
BODY_FORMAT = 2


def render_body(template_name: str, context: dict) -> str:
    """Render a cached page body without the whitespace between tags.

    Done once per cache fill, it more than halves a large section's bytes, which
    every later request would otherwise copy and send.
    """
    html = render_to_string(template_name, context)
    # The template output is already escaped; removing whitespace between tags keeps it so.
    return mark_safe(strip_spaces_between_tags(html))


@public_page
def report_list(request):
    """Every report, newest first; to editors the drafts too, marked, with their open checklist items.

    A ``metrics`` view because a draft's count reads its figures (``metrics.publication``). Not cached:
    ``selectors.report_list`` is 1 query (3 for an editor while there are drafts).
    """
    listings = selectors.report_list(drafts=request.user.has_perm(SEE_DRAFTS_PERMISSION))
    return render(request, "reports/report_list.html", {"listings": listings})


@public_page
def report_overview(request, year: int):
    """The report with each section's first chart, last year's values beside this year's.

    Building the body costs 5 queries whatever the number of figures: the report, its
    sections and figures (``selectors.report_overview``), last year's (``selectors.year_before``)
    and the charts' server drawings (``selectors.with_images``; none when no chart has bars). The page
    loads plotly.js only when a bar chart lacks its drawings.
    """
    drafts = request.user.has_perm(SEE_DRAFTS_PERMISSION)

    def build() -> dict:
        overview = selectors.report_overview(year=year, drafts=drafts)
        year_before = selectors.year_before(report=overview.report)
        comparisons = year_before.comparisons(figure for part in overview.sections for figure in part.figures)
        firsts = [
            selectors.charts_for(part.section, part.figures, year_before=year_before, comparisons=comparisons, limit=1)
            for part in overview.sections
        ]
        charts = iter(selectors.with_images([chart for first in firsts for chart in first]))
        sections = [
            {
                "section": part.section,
                "headline_figures": part.headline_figures,
                "figures": part.figures,
                "chart": next(charts) if first else None,
            }
            for part, first in zip(overview.sections, firsts, strict=True)
        ]
        context = {"report": overview.report, "sections": sections}
        return {
            "body": render_body("includes/_overview_body.html", context),
            "report": overview.report,
            "needs_plotly": any(part["chart"] and part["chart"].needs_plotly for part in sections),
        }

    content = cached(
        ("overview", BODY_FORMAT, year, drafts, request.user.is_authenticated),
        build,
        revision=ContentRevision.current(),
    )
    return render(request, "reports/report_page.html", content)


@public_page
def section_detail(request, year: int, slug: str):
    """One section: its charts and table with last year's values and the changes beside this year's.

    Building the body costs ``selectors.section_page``'s 5 queries (6 when the section
    has cases), 1 for last year's (``selectors.year_before``) and 1 for the charts' server drawings
    (none without bar charts); the changes are computed once, and the table and the charts both show them.
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
        charts = selectors.with_images(
            selectors.charts_for(page.section, page.figures, year_before=year_before, comparisons=comparisons)
        )
        context = {
            "page": page,
            "report": page.report,
            "table": table,
            "charts": charts,
            "explorer_query": explorer_query(year=page.report.year, section=page.section.topic),
            "can_export": can_export,
        }
        return {
            "body": render_body("includes/_section_body.html", context),
            "report": page.report,
            "section": page.section,
            "needs_plotly": any(chart.needs_plotly for chart in charts),
        }

    content = cached(
        ("section", BODY_FORMAT, year, slug, sort, can_export, can_edit, drafts, request.user.is_authenticated),
        build,
        revision=ContentRevision.current(),
    )
    # Pending proposals are never part of the cached body: read per request, for editors only (1 query).
    pending = selectors.pending_changes(section=content["section"]) if can_edit else []
    return render(request, "reports/report_page.html", content | {"pending_changes": pending})


@public_page
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

    content = cached(("text", year, drafts, request.user.is_authenticated), build, revision=ContentRevision.current())
    if content["body"] is None:
        context = content | {"can_attach": request.user.is_staff and drafts}
        return render(request, "metrics/report_text.html", context, status=404)
    return render(request, "metrics/report_text.html", content)


@public_page
def chart_csv(request, year: int, slug: str, key: str):
    """The numbers of one chart as CSV: ``metrics.export``'s rows in the chart's order, and nothing else.

    The citation is in the ``X-Citation`` header (``export.citation_header``). Any role that may
    read the page may download it: it holds exactly the numbers the chart and its
    table already show. 404 for an unknown year, section or chart, or a chart without
    figures. 3 queries (``selectors.chart_figures``' 2, then the rows).
    """
    drafts = request.user.has_perm(SEE_DRAFTS_PERMISSION)
    chart = selectors.chart_figures(year=year, slug=slug, key=key, drafts=drafts)
    content = selectors.content_stamp()
    tag = etag(content.revision, *request_tag_parts(request), drafts)
    if not_modified(request, tag):
        return stamp(HttpResponseNotModified(), tag, content.last_modified)
    response = streaming_download(
        csv_chunks(chart.figures, get_language()),
        export_format="csv",
        filename=f"wanzhou-{year}-{slug}-{key}.csv",
    )
    response[CITATION_HEADER] = citation_header(citation(chart.report))
    return stamp(response, tag, content.last_modified)


@public_page
def metric_series(request, code: str):
    """Each year's value, change from the report just before (same unit only), clause and paragraph; 404 if unknown.

    The series chart is the server drawing when stored (1 query, ``selectors.with_images``), else plotly.js draws it.
    """
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
    chart = series_chart(code, series, csv_url=reverse("metrics:series_csv", kwargs={"code": code}))
    if chart is not None:
        chart = selectors.with_images([chart])[0]
    context = {
        "code": code,
        "named": newest_with_text(series, "name"),
        "years": years,
        "series": series,
        "versions": selectors.figure_versions(figures=series),
        "chart": chart,
    }
    return render(request, "metrics/series.html", context)


@public_page
def metric_series_csv(request, code: str):
    """The series in the export row format (``metrics.export``), oldest year first; 404 for an unknown code.

    Open to every role that reads the page, as each chart's CSV is: it holds exactly the numbers the page shows.
    The published years of ``selectors.figure_series`` (1 query), then their rows (1 query).
    """
    series = selectors.figure_series(code=code)
    content = selectors.content_stamp()
    tag = etag(content.revision, *request_tag_parts(request))
    if not_modified(request, tag):
        return stamp(HttpResponseNotModified(), tag, content.last_modified)
    figures = Figure.objects.for_export().filter(pk__in=[figure.pk for figure in series])
    day = timezone.now().astimezone(EXPORT_TIMEZONE)
    response = streaming_download(
        csv_chunks(figures, get_language()), export_format="csv", filename=f"wanzhou-series-{code}-{day:%Y%m%d}.csv"
    )
    return stamp(response, tag, content.last_modified)


def revision_filters(params) -> dict | None:
    """The record's filters from the query string (year, section slug, kind); None when one is malformed."""
    year, section, kind = params.get("year", ""), params.get("section", ""), params.get("kind", "")
    if year and not (year.isdigit() and len(year) == 4):
        return None
    if kind and kind not in RevisionKind.values:
        return None
    if len(section) > 50:
        return None
    return {"year": int(year) if year else None, "section": section, "kind": kind}


@public_page
def revisions(request):
    """Every change to a published report after its publication, newest first: figure, report and section,
    old → new, correction or revision, the reason, when, who proposed and who approved.

    Filtered by year, section and kind; ``?_export=csv`` downloads every matching row
    (``export.revision_csv_chunks``). A malformed filter is a 400. 3 queries: the filter
    choices, the count and the page.
    """
    filters = revision_filters(request.GET)
    if filters is None:
        return HttpResponseBadRequest(_("篩選條件有誤。"))
    rows = selectors.revision_list(**filters)
    if request.GET.get(EXPORT_PARAMETER) == "csv":
        day = timezone.now().astimezone(EXPORT_TIMEZONE)
        return streaming_download(
            revision_csv_chunks(rows), export_format="csv", filename=f"wanzhou-revisions-{day:%Y%m%d}.csv"
        )
    years, sections = selectors.revision_filter_choices()
    page = Paginator(rows, selectors.REVISIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "years": years,
        "sections": sections,
        "kinds": RevisionKind.choices,
        "query": request.GET.urlencode(),
    }
    return render(request, "metrics/revisions.html", context)


#: A drawing's key never names other content: it may be cached for as long as a browser keeps anything.
IMAGE_CACHE_CONTROL = "private, max-age=31536000, immutable"
#: The SVG's own policy, for when it is opened as a document: no script, nothing loaded; its inline
#: styles allowed (kaleido writes each mark's colours and fonts as style attributes).
IMAGE_CSP = {
    "default-src": ["'none'"],
    "style-src": ["'unsafe-inline'"],
    "img-src": ["data:"],
    "font-src": ["'none'"],
    "script-src": ["'none'"],
}
IMAGE_TYPES = {"svg": "image/svg+xml", "png": "image/png"}


@csp(IMAGE_CSP)
@gzip_page  # an SVG is text (about a fifth gzipped) and holds no secret a compression oracle could reveal
@public_page
def chart_image(request, key: str, image_format: str):
    """A chart's server drawing (``metrics.ChartImage``) as SVG or PNG, cacheable for good: its key is its content.

    404 for a key not stored (or a PNG not stored for its width). 1 query. Open to every role that reads the pages.
    """
    field = "svg" if image_format == "svg" else "png"
    image = ChartImage.objects.filter(key=key).values_list(field, flat=True).first()
    if not image:
        raise Http404(_("沒有這張圖表圖檔。"))
    body = image.encode("utf-8") if field == "svg" else bytes(image)
    response = HttpResponse(body, content_type=IMAGE_TYPES[image_format])
    response["Cache-Control"] = IMAGE_CACHE_CONTROL
    response["X-Content-Type-Options"] = "nosniff"
    return response
