"""Objects for tests, built through the ORM with plausible defaults; every test module builds with these.

Synthetic reports are titled so nobody mistakes them for real ones; real figures
come only from fixtures/wanzhou_2021.json (the ``report_2021`` fixture).
"""

from decimal import Decimal

from metrics.choices import Qualifier, Unit
from metrics.models import Figure
from reports.choices import SectionSlug
from reports.models import Report, Section

SECTION_SLUGS = [slug for slug, _label in SectionSlug.choices]


def make_report(year: int, **fields) -> Report:
    """A report of ``year`` titled as test data."""
    defaults = {"title": f"{year}年工作綜述（測試數據）", "agency": "萬州區公安局"}
    return Report.objects.create(year=year, **(defaults | fields))


def make_section(report: Report, slug: str = "mediation", **fields) -> Section:
    """A section of ``report``; its position follows the slug's order in SectionSlug."""
    defaults = {"position": SECTION_SLUGS.index(slug) + 1, "heading": f"測試章節 {slug}", "source_paragraph": 1}
    return Section.objects.create(report=report, slug=slug, **(defaults | fields))


def figure_for(section: Section, index: int, **fields) -> Figure:
    """An unsaved figure of ``section`` numbered ``index``: code ``<slug>.test_<index>``, value ``index`` 起."""
    defaults = {
        "code": f"{section.slug}.test_{index}",
        "name": f"測試數據 {index}",
        "theme": "測試",
        "value": Decimal(index),
        "unit": Unit.QI,
        "qualifier": Qualifier.EXACT,
        "source_paragraph": 1,
        "source_quote": f"測試{index}起",
        "position": index,
    }
    return Figure(report_id=section.report_id, section=section, **(defaults | fields))


def make_figure(section: Section, index: int = 1, **fields) -> Figure:
    """A saved figure of ``section`` (see ``figure_for``)."""
    figure = figure_for(section, index, **fields)
    figure.save()
    return figure


def make_report_with_figures(
    year: int, figures_per_section: int, *, slugs=tuple(SECTION_SLUGS), headlines: int = 0, **report_fields
) -> Report:
    """A report with a section per slug, each holding ``figures_per_section`` figures (bulk-created).

    The first ``headlines`` figures of each section are headline figures.
    """
    report = make_report(year, **report_fields)
    for slug in slugs:
        section = make_section(report, slug)
        Figure.objects.bulk_create(
            figure_for(section, index, headline=index <= headlines) for index in range(1, figures_per_section + 1)
        )
    return report
