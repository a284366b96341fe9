"""Template context shared by every page: the report-year switch and section links."""

from django.utils.functional import SimpleLazyObject

from common.caching import cached
from reports.models import ContentRevision
from reports.selectors import navigation_reports


def report_navigation(request):
    """Expose ``nav_reports`` (every report with its sections) to the navigation include.

    Lazy: read only when a template shows the navigation, then cached per content
    revision like the pages. The one path by which any page gets its navigation.
    """
    return {
        "nav_reports": SimpleLazyObject(
            lambda: cached(("navigation",), navigation_reports, revision=ContentRevision.current())
        )
    }
