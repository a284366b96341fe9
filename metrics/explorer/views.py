"""The explorer page and its downloads: every published figure, filtered, sorted, paged or exported."""

import copy
import re
import tempfile

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import InvalidPage, Paginator
from django.http import FileResponse, HttpRequest, HttpResponseNotModified
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from common.conditional import etag, not_modified, request_tag_parts, stamp
from common.roles import (
    BROWSE_PERMISSION,
    EXPORT_PARAMETER,
    EXPORT_PERMISSION,
)
from metrics.explorer.filters import FigureFilter
from metrics.explorer.tables import FigureExplorerTable, PageFirstRows, figures_in_order
from metrics.export import (
    CONTENT_TYPES,
    EXPORT_FORMATS,
    content_disposition,
    export_filename,
    streaming_download,
    write_xlsx,
)
from metrics.models import Figure
from metrics.selectors import content_stamp
from reports.models import Report, released

#: Query parameters that select a page or a download rather than the rows.
NOT_FILTERS = ("page", EXPORT_PARAMETER)

#: A page number as the explorer's links write it: ASCII digits, no sign, no leading zero.
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,8}")

#: The figure columns the explorer's table reads (with ``report.year`` and the section's slug and heading).
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
    "section__heading",
    "section__heading_en",
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
        content = content_stamp()
        tag = etag(content.revision, *request_tag_parts(request))
        if not_modified(request, tag):
            return stamp(HttpResponseNotModified(), tag, content.last_modified)
        return stamp(self.export_response(export_format, self.export_rows()), tag, content.last_modified)

    def refuse_export(self, message: str):
        """The page itself, with ``message`` and any form errors, as a 400."""
        valid = self.filterset.is_valid()
        self.object_list = self.filterset.qs if valid else self.filterset.queryset.none()
        context = self.get_context_data(filter=self.filterset, object_list=self.object_list, export_error=message)
        return self.render_to_response(context, status=400)

    def export_rows(self):
        """The filtered rows in the order ``?sort=`` gives the table; without it, the queryset's own order."""
        return figures_in_order(self.filterset.qs, sort=self.filterset.sort_value())

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
        return Figure.objects.for_export().filter(released("report__")).with_previous()

    def get_table_data(self):
        # Only what the table shows: narrower rows make the database's sort of a
        # large result cheaper, and the page needs neither the case nor long texts.
        figures = (
            self.object_list.select_related(None)
            .select_related("report", "section", "unit")
            .only(*EXPLORER_FIELDS)
            .with_source_text()
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
            return RequestConfig(self.table_request(table), paginate=pagination).configure(table)
        except InvalidPage:
            self.missing_page_of = Paginator(self.object_list, pagination["per_page"]).num_pages
            empty = self.get_table_class()(data=self.object_list.none(), **kwargs)
            return RequestConfig(self.table_request(empty), paginate=False).configure(empty)

    def table_request(self, table) -> HttpRequest:
        """This request as django-tables2 is to read it: ``?sort=`` only as the validated form has it.

        RequestConfig reads every ``?sort=`` itself: an unknown one (``0.5``) would reach django-tables2's
        parsing of accessors, and of two the first would sort the rows though the form checked the last.
        """
        request = copy.copy(self.request)
        request.GET = self.request.GET.copy()
        sort = self.filterset.sort_value()
        request.GET.setlist(table.prefixed_order_by_field, [sort] if sort else [])
        return request

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
