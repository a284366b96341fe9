"""The pages that show figures: a report's overview, a section, and the explorer with its exports.

The overview and section bodies are rendered once per content revision and
variant and then served from the cache (``common.caching``); only the page
shell (navigation, login state) is rendered per request.
"""

import re
import tempfile

from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import InvalidPage, Paginator
from django.http import FileResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_spaces_between_tags
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from common.caching import cached
from common.languages import citation
from common.roles import (
    BROWSE_PERMISSION,
    EDIT_FIGURE_PERMISSION,
    EXPORT_PARAMETER,
    EXPORT_PERMISSION,
    SEE_DRAFTS_PERMISSION,
)
from metrics import selectors
from metrics.charts.builders import section_charts
from metrics.charts.rows import Chart, chart_rows
from metrics.explorer.filters import FigureFilter, explorer_query
from metrics.explorer.tables import FigureExplorerTable, PageFirstRows
from metrics.export import (
    CONTENT_TYPES,
    EXPORT_FORMATS,
    content_disposition,
    csv_chunks,
    export_filename,
    streaming_download,
    write_xlsx,
)
from metrics.models import Figure
from metrics.tables import SectionFigureTable, section_sort
from reports.models import ContentRevision, Report

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
        previous_url=reverse("metrics:section", kwargs={"year": earlier.year, "slug": section.slug}) if earlier else "",
    )
    return section_charts(
        section.slug,
        rows,
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
        table = SectionFigureTable(
            page.figures, order_by=sort or None, exclude=() if can_edit else ("history",), changes=comparisons
        )
        context = {
            "page": page,
            "report": page.report,
            "table": table,
            "charts": charts_for(page.section, page.figures, year_before=year_before, comparisons=comparisons),
            "explorer_query": explorer_query(year=page.report.year, section=page.section.slug),
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


#: Query parameters that select a page or a download rather than the rows.
NOT_FILTERS = ("page", EXPORT_PARAMETER)

#: A page number as the explorer's links write it: ASCII digits, no sign, no leading zero.
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,8}")

#: The figure columns the explorer's table reads (with ``report.year`` and ``section.slug``).
EXPLORER_FIELDS = (
    "code",
    "name",
    "name_en",
    "value",
    "stated_value",
    "decimals",
    "unit__code",
    "unit__simplified",
    "unit__name_en",
    "unit__english_one",
    "unit__english_many",
    "unit__kind",
    "unit__yuan",
    "qualifier",
    "source_paragraph",
    "source_quote",
    "report__year",
    "section__slug",
)


class FigureExportMixin:
    """``?_export=csv|xlsx|json`` on a filtered table view: every matching row, in the table's sort.

    Needs ``metrics.export_figure`` (403 otherwise). An unknown format or invalid
    filters give the page with the error and status 400, never an export of
    unfiltered rows. CSV and JSON stream from ``metrics.export``; XLSX is written
    in write-only mode to a temporary file and streamed from it.
    """

    export_trigger_param = EXPORT_PARAMETER

    def get(self, request, *args, **kwargs):
        export_format = request.GET.get(self.export_trigger_param)
        if export_format is None:
            return super().get(request, *args, **kwargs)
        if not request.user.has_perm(EXPORT_PERMISSION):
            raise PermissionDenied
        self.filterset = self.get_filterset(self.get_filterset_class())
        if export_format not in CONTENT_TYPES:
            return self.refuse_export(_("沒有這種匯出格式；可匯出 CSV、Excel（XLSX）或 JSON。"))
        if not self.filterset.is_valid():
            return self.refuse_export(_("篩選條件有誤，沒有匯出任何數據；請修正下列欄位後再匯出。"))
        return self.export_response(export_format, self.export_rows())

    def refuse_export(self, message: str):
        """The page itself, with ``message`` and any form errors, as a 400."""
        valid = self.filterset.is_valid()
        self.object_list = self.filterset.qs if valid else self.filterset.queryset.none()
        context = self.get_context_data(filter=self.filterset, object_list=self.object_list, export_error=message)
        return self.render_to_response(context, status=400)

    def export_rows(self):
        """The filtered rows in the order ``?sort=`` gives the table; without it, the queryset's own order."""
        table = self.get_table_class()(self.filterset.qs)
        RequestConfig(self.request, paginate=False).configure(table)
        return table.data.data

    def export_response(self, export_format: str, figures):
        exported_at = timezone.now()
        filename = export_filename(
            export_format=export_format,
            exported_at=exported_at,
            language=get_language(),
            **self.filterset.file_naming(),
        )
        if export_format in EXPORT_FORMATS:
            chunks = EXPORT_FORMATS[export_format](figures, get_language())
            return streaming_download(chunks, export_format=export_format, filename=filename)
        workbook = tempfile.TemporaryFile()
        write_xlsx(
            figures,
            workbook,
            sources=Report.objects.filter(pk__in=figures.values("report")).order_by("year"),
            filters=self.filterset.describe(),
            exported_at=exported_at,
            language=get_language(),
        )
        workbook.seek(0)
        response = FileResponse(workbook, content_type=CONTENT_TYPES[export_format])
        response["Content-Disposition"] = content_disposition(filename)
        return response


class FigureExplorerView(PermissionRequiredMixin, FigureExportMixin, SingleTableMixin, FilterView):
    """``/metrics/``: all figures, filtered by ``FigureFilter``, in a sortable table of 25/50/100 rows a page.

    An invalid filter shows the form errors over an empty table (200). A page
    number that is not a positive integer, or past the last page, answers 404 with
    the form, a notice naming how many pages there are, and no rows. The default
    order is ``Figure.objects.for_export()``'s, so an unsorted export matches
    ``export_figures``.
    """

    permission_required = BROWSE_PERMISSION
    raise_exception = True
    template_name = "metrics/explorer.html"
    filterset_class = FigureFilter
    table_class = FigureExplorerTable

    #: Set by ``get_table`` when ``?page=`` names no page of the result: the number of pages there are.
    missing_page_of = None

    def get_queryset(self):
        return Figure.objects.for_export().filter(report__published=True).with_previous()

    def get_table_data(self):
        # Only what the table shows: narrower rows make the database's sort of a
        # large result cheaper, and the page needs neither the case nor long texts.
        figures = (
            self.object_list.select_related(None).select_related("report", "section", "unit").only(*EXPLORER_FIELDS)
        )
        return PageFirstRows(figures)

    def get_table_pagination(self, table):
        """Rows a page from the validated form, pages that do not exist raising; False for an invalid form.

        RequestConfig also reads ``?per_page=`` and ``?page=`` from the query string:
        the form has already checked ``per_page`` is 25, 50 or 100, and ``get_table``
        refuses a ``page`` that is not plain digits before RequestConfig reads it.
        """
        if self.filterset.is_bound and not self.filterset.is_valid():
            return False
        return {"per_page": self.filterset.page_size(), "silent": False}

    def get_table(self, **kwargs):
        """The table with this request's sort and page; an empty one when the page does not exist."""
        table = self.get_table_class()(data=self.get_table_data(), **kwargs)
        pagination = self.get_table_pagination(table)
        requested = self.request.GET.get(table.prefixed_page_field)
        try:
            if pagination and requested is not None and not PAGE_NUMBER.fullmatch(requested):
                raise InvalidPage
            return RequestConfig(self.request, paginate=pagination).configure(table)
        except InvalidPage:
            self.missing_page_of = Paginator(self.object_list, pagination["per_page"]).num_pages
            empty = self.get_table_class()(data=self.object_list.none(), **kwargs)
            return RequestConfig(self.request, paginate=False).configure(empty)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        for name in NOT_FILTERS:
            query.pop(name, None)
        context["export_query"] = query.urlencode()
        context["can_export"] = self.request.user.has_perm(EXPORT_PERMISSION)
        if self.missing_page_of is not None:
            last = query.copy()
            last["page"] = self.missing_page_of
            context["missing_page"] = {
                "pages": self.missing_page_of,
                "first_url": f"?{query.urlencode()}" if query else self.request.path,
                "last_url": f"?{last.urlencode()}",
            }
        return context

    def render_to_response(self, context, **response_kwargs):
        if self.missing_page_of is not None:
            response_kwargs.setdefault("status", 404)
        return super().render_to_response(context, **response_kwargs)


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
