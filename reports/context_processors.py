"""Template context shared by every page: the report-year switch and section links."""

from django.utils.functional import SimpleLazyObject

from reports.selectors import navigation_reports


def report_navigation(request):
    """Expose ``nav_reports`` (every report with its sections) to base.html.

    Lazy and evaluated once per request: the two queries run only when a template
    reads the value, so the admin and pages without the navigation pay nothing.
    """
    return {"nav_reports": SimpleLazyObject(navigation_reports)}
