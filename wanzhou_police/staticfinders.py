"""Serve plotly.js from the installed ``plotly`` Python package.

The portal runs on an intranet with no internet access, and the library is
several megabytes, so it is neither loaded from a CDN nor committed: this
finder exposes the package's own copy as ``vendor/plotly.min.js`` to
``runserver``, the test live server and ``collectstatic`` alike.
"""

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_STATIC_PATH = "vendor/plotly.min.js"
PLOTLY_PACKAGE_DATA = Path(plotly.__file__).resolve().parent / "package_data"


class PlotlyJsFinder(BaseFinder):
    """A staticfiles finder that knows exactly one file: plotly.min.js."""

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        if path != PLOTLY_STATIC_PATH:
            return [] if find_all else None
        match = str(PLOTLY_PACKAGE_DATA / "plotly.min.js")
        return [match] if find_all else match

    def list(self, ignore_patterns):
        storage = FileSystemStorage(location=str(PLOTLY_PACKAGE_DATA))
        storage.prefix = "vendor"
        yield "plotly.min.js", storage
