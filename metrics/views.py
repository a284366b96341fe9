"""The figure explorer: every figure, filtered and sorted from the query string, and its exports."""

import tempfile

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from metrics.export import (
    CONTENT_TYPES,
    EXPORT_FORMATS,
    content_disposition,
    export_filename,
    write_xlsx,
)
from metrics.filters import FigureFilter
from metrics.models import Figure
from metrics.tables import FigureExplorerTable
from reports.models import Report
from reports.roles import BROWSE_PERMISSION, EXPORT_PERMISSION

#: Query parameters that select a page or a download rather than the rows.
NOT_FILTERS = ("page", "_export")


class FigureExportMixin:
    """``?_export=csv|xlsx|json`` on a filtered table view: every matching row, in the table's sort.

    Needs ``metrics.export_figure`` (403 otherwise). An unknown format or invalid
    filters give the page with the error and status 400, never an export of
    unfiltered rows. CSV and JSON stream from ``metrics.export``; XLSX is written
    in write-only mode to a temporary file and streamed from it.
    """

    export_trigger_param = "_export"

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
            years=self.filterset.selected_years(), export_format=export_format, exported_at=exported_at
        )
        if export_format in EXPORT_FORMATS:
            chunks = EXPORT_FORMATS[export_format](figures)
            response = StreamingHttpResponse(
                (chunk.encode("utf-8") for chunk in chunks), content_type=CONTENT_TYPES[export_format]
            )
        else:
            workbook = tempfile.TemporaryFile()
            write_xlsx(
                figures,
                workbook,
                sources=Report.objects.filter(pk__in=figures.values("report")).order_by("year"),
                filters=self.filterset.describe(),
                exported_at=exported_at,
            )
            workbook.seek(0)
            response = FileResponse(workbook, content_type=CONTENT_TYPES[export_format])
        response["Content-Disposition"] = content_disposition(filename)
        return response


class FigureExplorerView(PermissionRequiredMixin, FigureExportMixin, SingleTableMixin, FilterView):
    """``/metrics/``: all figures, filtered by ``FigureFilter``, in a sortable table of 25/50/100 rows a page.

    An invalid filter shows the form errors over an empty table (200). The default
    order is ``Figure.objects.for_export()``'s, so an unsorted export matches
    ``export_figures``.
    """

    permission_required = BROWSE_PERMISSION
    raise_exception = True
    template_name = "metrics/explorer.html"
    filterset_class = FigureFilter
    table_class = FigureExplorerTable

    def get_queryset(self):
        return Figure.objects.for_export()

    def get_table_data(self):
        # The row links need section.report (Figure.get_absolute_url goes through the section);
        # exports do not, so only the page joins it.
        return self.object_list.select_related("section__report")

    def get_table_pagination(self, table):
        """Rows a page from the validated form.

        RequestConfig also reads ``?per_page=`` from the query string, which is safe
        only because the form has already checked it is 25, 50 or 100; an invalid
        form's table is empty and needs no pages.
        """
        if self.filterset.is_bound and not self.filterset.is_valid():
            return False
        return {"per_page": self.filterset.page_size()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        for name in NOT_FILTERS:
            query.pop(name, None)
        context["export_query"] = query.urlencode()
        return context
