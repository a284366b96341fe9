"""Read-side functions for the report as a document; each returns data and states its query count."""

from django.db.models import Prefetch

from reports.models import Report, Section


def navigation_reports(*, drafts: bool = False) -> list[Report]:
    """Every published report (and with ``drafts``, for editors, every draft), newest first, with
    ``nav_sections`` (its sections in order) prefetched: 2 queries."""
    reports = Report.objects.all() if drafts else Report.objects.published()
    return list(
        reports.order_by("-year").prefetch_related(
            Prefetch("sections", queryset=Section.objects.order_by("position"), to_attr="nav_sections")
        )
    )
