"""Reads of the API and the token page; each states its query count."""

from django.db.models import Prefetch, QuerySet

from api.models import ApiToken
from metrics.models import Figure
from metrics.selectors import revision_list
from reports.models import Report, Section, released


def token_list(*, user) -> list[ApiToken]:
    """``user``'s tokens, newest first, revoked and expired ones included (the page says which). 1 query."""
    return list(ApiToken.objects.filter(user=user))


def visible_reports(*, drafts: bool) -> QuerySet:
    """Reports the caller may see, oldest first: the published ones, and drafts too when ``drafts``."""
    reports = Report.objects.all() if drafts else Report.objects.published()
    return reports.order_by("year")


def report_list(*, drafts: bool) -> list[Report]:
    """Visible reports with their sections in order. 2 queries."""
    sections = Prefetch("sections", queryset=Section.objects.order_by("position"))
    return list(visible_reports(drafts=drafts).prefetch_related(sections))


def report_detail(*, year: int, drafts: bool) -> Report | None:
    """The visible report of ``year`` with its sections, or None. 2 queries (1 when there is none)."""
    reports = report_list_queryset(drafts=drafts).filter(year=year)
    return next(iter(reports), None)


def report_list_queryset(*, drafts: bool) -> QuerySet:
    return visible_reports(drafts=drafts).prefetch_related(
        Prefetch("sections", queryset=Section.objects.order_by("position"))
    )


def section_detail(*, year: int, slug: str, drafts: bool) -> tuple[Section, list[Section]] | None:
    """The visible section ``slug`` of ``year`` and every visible section of its topic across years.

    None when there is no such section. 2 queries (1 when there is none, or it has no topic).
    """
    section = (
        Section.objects.select_related("report")
        .filter(report__in=visible_reports(drafts=drafts), report__year=year, slug=slug)
        .first()
    )
    if section is None:
        return None
    if not section.topic:
        return section, [section]
    across = list(
        Section.objects.select_related("report")
        .filter(report__in=visible_reports(drafts=drafts), topic=section.topic)
        .order_by("report__year")
    )
    return section, across


def explorer_figures() -> QuerySet:
    """The explorer's rows before its filters: every published figure, with the year before. No query."""
    return Figure.objects.for_export().filter(released("report__")).with_previous()


def revision_record(*, report: Report | None = None) -> list[dict]:
    """What changed after publication, oldest first, as the record of revisions holds it
    (``metrics.selectors.revision_list``, ``/revisions/``): each approved change with the value it replaced,
    whether it is a correction or a revision, why, and when it was approved. 1 query.
    """
    changes = revision_list().select_related("proposal").order_by("proposal__decided_at", "pk")
    if report is not None:
        changes = changes.filter(figure__report=report)
    return [
        {
            "report_year": change.figure.report.year,
            "section": change.figure.section.slug,
            "metric_code": change.figure.code,
            "stated_value": change.stated_value,
            "previous_value": change.old_value,
            "value": change.value,
            "kind": change.kind,
            "reason": change.correction_reason or change.proposal.reason,
            "revised_at": change.proposal.decided_at,
        }
        for change in changes
    ]
