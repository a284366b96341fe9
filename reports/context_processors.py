"""Template context shared by every page: the report-year switch and section links."""

from reports.selectors import navigation_reports


def report_navigation(request):
    """Expose ``nav_reports`` (every report with its sections) to base.html.

    Lazy: the query runs only when a template reads the value, so the admin and
    pages that do not show the navigation pay nothing.
    """
    return {"nav_reports": navigation_reports}
