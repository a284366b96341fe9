"""Output formats the figure endpoints offer beside JSON: CSV and XLSX in the export's row format.

The views build those bodies themselves from ``metrics.export`` (so they equal the web export
byte for byte); these classes exist so DRF's content negotiation (``Accept`` or ``?format=``)
can choose them and the schema can list them.
"""

from rest_framework.renderers import BaseRenderer

from metrics.export import CONTENT_TYPES


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Only reached for bodies a view did not stream itself; errors are switched to JSON.
        return b"" if data is None else str(data).encode("utf-8")


class XLSXRenderer(BaseRenderer):
    media_type = CONTENT_TYPES["xlsx"]
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return b"" if data is None else bytes(data)
