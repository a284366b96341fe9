"""The API's documentation page: Swagger UI from our own static files, reading ``/api/v1/schema/``.

drf-spectacular's own template writes an inline ``<style>`` and, without the split view, an
inline script; ours loads only files from ``static/`` so the page keeps the portal's CSP.
"""

from django.views.generic import TemplateView


class ApiDocsView(TemplateView):
    template_name = "api/docs.html"
