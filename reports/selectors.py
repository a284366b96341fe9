"""Read-side functions for the report as a document; each returns data and states its query count."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q

from reports.models import Report, Section, released


def navigation_reports(*, drafts: bool = False) -> list[Report]:
    """Every published report (and with ``drafts``, for editors, every draft), newest first, with
    ``nav_sections`` (its sections in order) prefetched: 2 queries."""
    reports = Report.objects.all() if drafts else Report.objects.published()
    return list(
        reports.order_by("-year").prefetch_related(
            Prefetch("sections", queryset=Section.objects.order_by("position"), to_attr="nav_sections")
        )
    )


@dataclass(frozen=True)
class ReleaseCalendar:
    """The releases announced (``upcoming``: a release time set, not yet released, soonest first; drafts among
    them, since a calendar announces before the report is ready) and the reports released (``past``, the
    latest release first)."""

    upcoming: list[Report]
    past: list[Report]


def release_calendar() -> ReleaseCalendar:
    """Every report released or scheduled, split at this moment (``reports.models.released``). 1 query.

    A draft without a release time is not announced and not listed.
    """
    reports = list(Report.objects.filter(released() | Q(release_at__isnull=False)).order_by("release_at", "year"))
    upcoming = [report for report in reports if not report.is_released]
    past = sorted(
        (report for report in reports if report.is_released),
        key=lambda report: (report.released_at is not None, report.released_at, report.year),
        reverse=True,
    )
    return ReleaseCalendar(upcoming=upcoming, past=past)
