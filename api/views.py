"""``/api/v1/``: read-only reports, sections, figures and one metric across years, with schema and docs.

Every answer carries an ETag (content revision, path, query, format, language, what the caller
may see) and ``Last-Modified``; ``If-None-Match`` with the tag gives 304 and no body.
"""

import base64
import binascii
import tempfile

from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from api import selectors
from api.renderers import CSVRenderer, XLSXRenderer
from api.serializers import FigurePageSerializer, FigureRowSerializer, ReportSerializer, SectionSerializer
from common.conditional import etag, not_modified, request_tag_parts, stamp
from common.roles import SEE_DRAFTS_PERMISSION
from metrics import selectors as metric_selectors
from metrics.explorer.filters import FigureFilter
from metrics.explorer.tables import figures_in_order
from metrics.export import (
    CONTENT_TYPES,
    EXPORT_COLUMNS,
    NUMBER_INDEXES,
    content_disposition,
    csv_chunks,
    export_batches,
    export_filename,
    streaming_download,
    write_xlsx,
)
from metrics.models import Figure
from reports.models import Report

#: Rows a JSON page holds unless ``?page_size=`` asks for fewer or more (at most ``MAX_PAGE_SIZE``).
PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000

#: Query parameters that shape the answer rather than select figures.
NOT_FILTERS = ("format", "cursor", "page_size", "fields")


class ApiView(APIView):
    """Read-only, conditional: subclasses write ``answer(request, **kwargs)``; ``get`` adds the ETag and 304."""

    renderer_classes = (JSONRenderer, BrowsableAPIRenderer)

    def initial(self, request, *args, **kwargs):
        # The API's paths carry no language prefix, so LocaleMiddleware gives every one the default;
        # a client names its language with Accept-Language (or the portal's language cookie).
        language = translation.get_language_from_request(request._request)
        translation.activate(language)
        request._request.LANGUAGE_CODE = language
        super().initial(request, *args, **kwargs)

    def drafts(self) -> bool:
        return self.request.user.has_perm(SEE_DRAFTS_PERMISSION)

    def get(self, request, *args, **kwargs):
        content = metric_selectors.content_stamp()
        tag = etag(content.revision, *request_tag_parts(request), request.accepted_renderer.format, self.drafts())
        if not_modified(request, tag):
            return stamp(Response(status=status.HTTP_304_NOT_MODIFIED), tag, content.last_modified)
        return stamp(self.answer(request, *args, **kwargs), tag, content.last_modified)

    def answer(self, request, *args, **kwargs):
        raise NotImplementedError

    def finalize_response(self, request, response, *args, **kwargs):
        # An error is told in JSON whatever format was asked for (or when none could be agreed):
        # a CSV, XLSX or zip of an error would mislead.
        if isinstance(response, Response) and response.status_code >= 400:
            renderer = getattr(request, "accepted_renderer", None)
            if renderer is None or renderer.format != "api":
                request.accepted_renderer = JSONRenderer()
                request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    @classmethod
    def as_view(cls, **initkwargs):
        # Token or session decides, not the portal's login redirect.
        return login_not_required(super().as_view(**initkwargs))


def selected_fields(request) -> list[str] | None:
    """``?fields=a,b``: the figure columns to keep, in the export's order; 400 for an unknown one."""
    raw = request.query_params.get("fields")
    if not raw:
        return None
    wanted = [name.strip() for name in raw.split(",") if name.strip()]
    unknown = [name for name in wanted if name not in EXPORT_COLUMNS]
    if unknown or not wanted:
        raise ValidationError({"fields": _("不認識的欄位：%(names)s。") % {"names": ", ".join(unknown) or raw}})
    return [column for column in EXPORT_COLUMNS if column in wanted]


def row_objects(figures, fields: list[str] | None) -> list[dict]:
    """Export rows as JSON objects: numbers as numbers, empty text as null, only ``fields`` when given."""
    objects = []
    for batch in export_batches(figures, get_language()):
        for row in batch:
            item = {}
            for index, column in enumerate(EXPORT_COLUMNS):
                cell = row[index]
                if index in NUMBER_INDEXES:
                    cell = None if cell is None else _number(cell)
                elif cell == "":
                    cell = None
                item[column] = cell
            objects.append(item if fields is None else {name: item[name] for name in fields})
    return objects


def _number(text: str):
    """A plain-number string as an int when whole, else a float (JSON has one number type)."""
    return int(text) if "." not in text else float(text)


def parse_cursor(raw: str | None) -> int:
    """The opaque ``cursor`` of a ``next`` link back to the row it starts at; 400 for one we did not write."""
    if not raw:
        return 0
    try:
        offset = int(base64.urlsafe_b64decode(raw.encode("ascii")).decode("ascii").removeprefix("o"))
    except (ValueError, UnicodeError, binascii.Error):
        raise ValidationError({"cursor": _("游標無效。")}) from None
    if offset < 0 or offset > 10**9:
        raise ValidationError({"cursor": _("游標無效。")})
    return offset


def make_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o{offset}".encode("ascii")).decode("ascii")


def page_size(request) -> int:
    raw = request.query_params.get("page_size")
    if raw is None:
        return PAGE_SIZE
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise ValidationError({"page_size": _("每頁筆數須為 1 至 %(max)s。") % {"max": MAX_PAGE_SIZE}})
    return int(raw)


FIGURE_FORMATS = (JSONRenderer, CSVRenderer, XLSXRenderer, BrowsableAPIRenderer)


class RootView(ApiView):
    """The entry points of this version of the API."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def answer(self, request):
        return Response(
            {
                "reports": reverse("api:reports", request=request),
                "figures": reverse("api:figures", request=request),
                "schema": reverse("api:schema", request=request),
                "docs": reverse("api:docs", request=request),
            }
        )


class ReportListView(ApiView):
    """Every report the caller may see, oldest first, with its sections."""

    @extend_schema(responses=ReportSerializer(many=True))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def answer(self, request):
        reports = selectors.report_list(drafts=self.drafts())
        return Response(ReportSerializer(reports, many=True, context={"request": request}).data)


class ReportDetailView(ApiView):
    """One report by its year; 404 when there is none the caller may see."""

    @extend_schema(responses=ReportSerializer)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def answer(self, request, year: int):
        report = selectors.report_detail(year=year, drafts=self.drafts())
        if report is None:
            raise NotFound(_("沒有 %(year)s 年的報告。") % {"year": year})
        return Response(ReportSerializer(report, context={"request": request}).data)


class SectionDetailView(ApiView):
    """One section by year and slug, with its topic's section in every year the caller may see."""

    @extend_schema(responses=SectionSerializer)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def answer(self, request, year: int, slug: str):
        found = selectors.section_detail(year=year, slug=slug, drafts=self.drafts())
        if found is None:
            raise NotFound(_("沒有這個章節。"))
        section, across = found
        return Response(SectionSerializer(section, context={"request": request, "across": across}).data)


FIGURE_PARAMETERS = [
    OpenApiParameter("cursor", str, description="The `next` link's cursor (JSON only)."),
    OpenApiParameter("page_size", int, description=f"Rows a JSON page, 1-{MAX_PAGE_SIZE} (default {PAGE_SIZE})."),
    OpenApiParameter(
        "fields", str, description="Comma-separated columns to keep (JSON only), e.g. `metric_code,value`."
    ),
]


class FigureListView(ApiView):
    """Published figures with the explorer's filters and sorts, as JSON pages or the whole export in CSV or XLSX.

    CSV and XLSX are the web export's files (the same bytes in CSV) and need the export
    permission, as the web export does.
    """

    renderer_classes = FIGURE_FORMATS

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, many=True),
            OpenApiParameter("section", str, description="A section topic, as the explorer's filter."),
            OpenApiParameter("q", str),
            OpenApiParameter("kind", str, enum=["rates", "counts"]),
            OpenApiParameter("unit", str),
            OpenApiParameter("qualifier", str, enum=["exact", "approx", "over"]),
            OpenApiParameter("value_min", float),
            OpenApiParameter("value_max", float),
            OpenApiParameter("corrected", str, enum=["yes"]),
            OpenApiParameter("change", str, enum=["up", "down", "same", "any", "none"]),
            OpenApiParameter("sort", str, description="As the explorer: a column name, `-` first for descending."),
            *FIGURE_PARAMETERS,
        ],
        responses={200: FigurePageSerializer},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def answer(self, request):
        query = request.query_params.copy()
        for name in NOT_FILTERS:
            query.pop(name, None)
        filterset = FigureFilter(query, queryset=selectors.explorer_figures(), request=request)
        if not filterset.is_valid():
            raise ValidationError(filterset.form.errors.get_json_data())
        figures = figures_in_order(filterset.qs, sort=filterset.sort_value())
        export_format = request.accepted_renderer.format
        if export_format in ("csv", "xlsx"):
            return self.download(export_format, figures, filterset)
        size, offset = page_size(request), parse_cursor(request.query_params.get("cursor"))
        rows = row_objects(
            figures.filter(pk__in=figures[offset : offset + size + 1].values("pk")), selected_fields(request)
        )
        next_url = None
        if len(rows) > size:
            rows = rows[:size]
            params = request.query_params.copy()
            params["cursor"] = make_cursor(offset + size)
            next_url = request.build_absolute_uri(request.path) + "?" + params.urlencode()
        return Response({"next": next_url, "results": rows})

    def download(self, export_format: str, figures, filterset):
        exported_at = timezone.now()
        filename = export_filename(
            export_format=export_format, exported_at=exported_at, language=get_language(), **filterset.file_naming()
        )
        if export_format == "csv":
            return streaming_download(csv_chunks(figures, get_language()), export_format="csv", filename=filename)
        workbook = tempfile.TemporaryFile()
        write_xlsx(
            figures,
            workbook,
            sources=Report.objects.filter(pk__in=figures.values("report")).order_by("year"),
            filters=filterset.describe(),
            exported_at=exported_at,
            language=get_language(),
        )
        workbook.seek(0)
        response = FileResponse(workbook, content_type=CONTENT_TYPES["xlsx"])
        response["Content-Disposition"] = content_disposition(filename)
        return response


class MetricSeriesView(ApiView):
    """One metric code across years, oldest first, in the export row format (drafts' years for editors)."""

    renderer_classes = FIGURE_FORMATS
    #: As the metric page's CSV: the numbers the page shows, open to every reader; XLSX is a bulk export.
    export_formats = frozenset({"xlsx"})

    @extend_schema(responses=FigureRowSerializer(many=True), parameters=FIGURE_PARAMETERS[2:])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def answer(self, request, code: str):
        try:
            series = metric_selectors.figure_series(code=code, drafts=self.drafts())
        except Http404:
            raise NotFound(_("沒有代碼為「%(code)s」的數據。") % {"code": code}) from None
        figures = Figure.objects.for_export().filter(pk__in=[figure.pk for figure in series])
        export_format = request.accepted_renderer.format
        filename = f"wanzhou-series-{code}-{timezone.now():%Y%m%d}.{export_format}"
        if export_format == "csv":
            return streaming_download(csv_chunks(figures, get_language()), export_format="csv", filename=filename)
        if export_format == "xlsx":
            workbook = tempfile.TemporaryFile()
            write_xlsx(
                figures,
                workbook,
                sources=[figure.report for figure in series],
                filters=[("metric_code", code)],
                exported_at=timezone.now(),
                language=get_language(),
            )
            workbook.seek(0)
            response = FileResponse(workbook, content_type=CONTENT_TYPES["xlsx"])
            response["Content-Disposition"] = content_disposition(filename)
            return response
        return Response(row_objects(figures, selected_fields(request)))
