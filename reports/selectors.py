"""Read-side functions for the report as a document; each returns data and states its query count."""

from django.db.models import Prefetch

from reports.models import Report, Section


def navigation_reports() -> list[Report]:
    """Every published report, newest first, with ``nav_sections`` (its sections in order) prefetched: 2 queries."""
    return list(
        Report.objects.published()
        .order_by("-year")
        .prefetch_related(Prefetch("sections", queryset=Section.objects.order_by("position"), to_attr="nav_sections"))
    )


def report_list() -> list[Report]:
    """Every published report, newest first: 1 query."""
    return list(Report.objects.published().order_by("-year"))
