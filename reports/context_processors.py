"""Template context shared by every page: the report-year switch and section links."""

from django.utils.functional import SimpleLazyObject

from reports.caching import cached
from reports.selectors import navigation_reports


def report_navigation(request):
    """Expose ``nav_reports`` (every report with its sections) to base.html.

    Lazy and evaluated once per request, only when a template reads it; cached
    per content revision like the pages (reports.caching).
    """
    return {"nav_reports": SimpleLazyObject(lambda: cached(("navigation",), navigation_reports))}
