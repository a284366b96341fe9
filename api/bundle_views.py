"""``/api/v1/bundles/<year>.zip`` and ``/api/v1/bundles/all.zip``: published reports only, for those who may export."""

import tempfile

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BaseRenderer, JSONRenderer

from api.bundle import write_bundle
from api.views import ApiView
from metrics.export import content_disposition
from reports.models import Report


class ZipRenderer(BaseRenderer):
    media_type = "application/zip"
    format = "zip"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return b"" if data is None else bytes(data)


class BundleView(ApiView):
    """A zip of figures, datapackage.json, README and revisions: one published report's, or all of them."""

    renderer_classes = (ZipRenderer, JSONRenderer)
    always_bulk = True

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def answer(self, request, year: int | None = None):
        reports = Report.objects.published().order_by("year")
        if year is not None:
            reports = reports.filter(year=year)
        reports = list(reports)
        if year is not None and not reports:
            raise NotFound(_("沒有 %(year)s 年的報告。") % {"year": year})
        target = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
        write_bundle(target, reports=reports, built_at=timezone.now(), portal_url=request.build_absolute_uri("/"))
        target.seek(0)
        response = FileResponse(target, content_type="application/zip")
        name = f"wanzhou-{year}.zip" if year is not None else "wanzhou-all.zip"
        response["Content-Disposition"] = content_disposition(name)
        return response
