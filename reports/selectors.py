"""Read-side functions for pages that read several models (one call per page)."""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _

from metrics.charts import chart_rows, section_charts
from metrics.models import Figure
from reports.models import NamedItem, NotableCase, Report, Section


def navigation_reports() -> list[Report]:
    """Every report, newest first, with ``nav_sections`` prefetched in order (2 queries)."""
    return list(
        Report.objects.order_by("-year").prefetch_related(
            Prefetch("sections", queryset=Section.objects.order_by("position"), to_attr="nav_sections")
        )
    )


@dataclass
class SectionSummary:
    """A section as the overview shows it: headline figures and its lead chart."""

    section: Section
    headline_figures: list[Figure]
    chart: dict | None


@dataclass
class ReportOverview:
    report: Report
    sections: list[SectionSummary]


@dataclass
class SectionPage:
    report: Report
    section: Section
    figures: list[Figure]
    cases: list[NotableCase]
    named_lists: list[tuple[str, list[NamedItem]]]
    charts: list[dict] = field(default_factory=list)


def report_source(report: Report) -> str:
    """How pages and charts cite a report: 萬州區公安局《2021年工作綜述》."""
    return f"{report.agency}《{report.title}》"


def _get_report(year: int) -> Report:
    report = Report.objects.filter(year=year).first()
    if report is None:
        raise Http404(_("沒有 %(year)s 年度的工作報告。") % {"year": year})
    return report


def report_overview(*, year: int) -> ReportOverview:
    """The report of ``year`` with each section's headline figures and first chart.

    Raises Http404 for an unknown year. Runs 3 queries whatever the number of figures.
    """
    report = _get_report(year)
    sections = list(report.sections.order_by("position"))
    for section in sections:
        section.report = report
    figures = list(Figure.objects.filter(report=report).select_related("section__report").order_by("position", "pk"))
    summaries = []
    for section in sections:
        own = [figure for figure in figures if figure.section_id == section.pk]
        charts = section_charts(section.slug, chart_rows(own), source=report_source(report), year=report.year, limit=1)
        summaries.append(
            SectionSummary(
                section=section,
                headline_figures=[figure for figure in own if figure.headline],
                chart=charts[0] if charts else None,
            )
        )
    return ReportOverview(report=report, sections=summaries)


def section_page(*, year: int, slug: str) -> SectionPage:
    """One section with its figures (context joined), cases (figures prefetched), named lists and charts.

    Raises Http404 for an unknown year or slug. Runs 6 queries (5 without cases) whatever the number of figures.
    """
    report = _get_report(year)
    section = report.sections.filter(slug=slug).first()
    if section is None:
        raise Http404(_("%(year)s 年度報告沒有「%(slug)s」這一章。") % {"year": year, "slug": slug})
    section.report = report
    figures = list(Figure.objects.for_section(section))
    cases = list(
        section.cases.order_by("position").prefetch_related(
            Prefetch("figures", queryset=Figure.objects.order_by("position"), to_attr="ordered_figures")
        )
    )
    named_lists: dict[str, list[NamedItem]] = {}
    for item in section.named_items.order_by("kind", "position"):
        named_lists.setdefault(item.get_kind_display(), []).append(item)
    return SectionPage(
        report=report,
        section=section,
        figures=figures,
        cases=cases,
        named_lists=list(named_lists.items()),
        charts=section_charts(section.slug, chart_rows(figures), source=report_source(report), year=report.year),
    )
