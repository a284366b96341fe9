"""Objects for tests, built through the ORM with plausible defaults; every test module builds with these.

Synthetic reports are titled so nobody mistakes them for real ones; real figures
come only from fixtures/wanzhou_2021.json (the ``report_2021`` fixture).

Units are rows. The 22 units of 2021 are seeded by migration metrics/0005 and are also in the
fixture, whose entries are the one source of their forms here: ``unit(code)`` returns the row,
creating it from the fixture's entry when it is missing (a transactional test flushes every table,
the seeded units with it, so no test relies on the migration's rows surviving), and
``unit_forms(code)`` gives a pure test the same forms without the database.
"""

import functools
import json
import re
from decimal import Decimal

from django.conf import settings

from metrics.choices import Qualifier, Unit
from metrics.formatting import UnitForms
from metrics.models import Figure
from metrics.models import Unit as UnitRow
from reports.choices import ListKind, SectionSlug
from reports.models import NamedItem, NotableCase, Report, Section

SECTION_SLUGS = [slug for slug, _label in SectionSlug.choices]


@functools.cache
def _fixture_units() -> dict[str, dict]:
    """Each unit of fixtures/wanzhou_2021.json: code → its fields."""
    rows = json.loads((settings.BASE_DIR / "fixtures" / "wanzhou_2021.json").read_text(encoding="utf-8"))
    return {row["pk"]: row["fields"] for row in rows if row["model"] == "metrics.unit"}


def unit(code: str, **fields) -> UnitRow:
    """The Unit row ``code``; when missing, created from the fixture's entry for it (or as a count), with ``fields``."""
    known = {name: value for name, value in _fixture_units().get(code, {}).items() if name != "version"}
    row, _created = UnitRow.objects.get_or_create(code=code, defaults=known | fields)
    return row


def unit_forms(code: str) -> UnitForms:
    """The forms of the fixture's unit ``code`` without the database; a code it lacks reads as a bare count."""
    fields = {name: value for name, value in _fixture_units().get(code, {}).items() if name != "version"}
    if fields.get("yuan") is not None:
        fields["yuan"] = Decimal(fields["yuan"])
    return UnitForms(code, **fields)


def make_report(year: int, **fields) -> Report:
    """A report of ``year`` titled as test data."""
    defaults = {"title": f"{year}年工作綜述（測試數據）", "agency": "萬州區公安局"}
    return Report.objects.create(year=year, **(defaults | fields))


def make_section(report: Report, slug: str = "mediation", **fields) -> Section:
    """A section of ``report`` whose topic is its slug unless ``topic`` is given.

    A 2021 slug (``SectionSlug``) takes its place in the 2021 order; any other slug
    comes after the report's last section.
    """
    if slug in SECTION_SLUGS:
        position = SECTION_SLUGS.index(slug) + 1
    else:
        last = report.sections.order_by("-position").values_list("position", flat=True).first()
        position = max(last or 0, len(SECTION_SLUGS)) + 1
    defaults = {"position": position, "topic": slug, "heading": f"測試章節 {slug}", "source_paragraph": 1}
    return Section.objects.create(report=report, slug=slug, **(defaults | fields))


def figure_for(section: Section, index: int, **fields) -> Figure:
    """An unsaved figure of ``section`` numbered ``index``: code ``<topic's letters>.test_<index>``, ``index`` 起.

    ``unit`` may be given as its code (the text the figure's ``unit_id`` holds) or as a Unit row.
    """
    defaults = {
        "code": f"{re.sub('[^a-z]', '', section.topic)}.test_{index}",
        "name": f"測試數據 {index}",
        "theme": "測試",
        "value": Decimal(index),
        "unit_id": Unit.QI,
        "qualifier": Qualifier.EXACT,
        "source_paragraph": 1,
        "source_quote": f"測試{index}起",
        "position": index,
    }
    if isinstance(fields.get("unit"), str):
        fields["unit_id"] = fields.pop("unit")
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
    unit(Unit.QI)
    for slug in slugs:
        section = make_section(report, slug)
        Figure.objects.bulk_create(
            figure_for(section, index, headline=index <= headlines) for index in range(1, figures_per_section + 1)
        )
    return report


#: A 2022 mediation section for year-over-year tests, beside the 2021 fixture's: (code, name, value, unit,
#: qualifier, decimals). Every code is one the 2021 report states, in the same unit.
MEDIATION_2022 = [
    ("mediation.disputes_screened", "排查矛盾糾紛", "20000", Unit.QI, Qualifier.EXACT, 0),
    ("mediation.disputes_resolved", "化解矛盾糾紛", "19726", Unit.QI, Qualifier.EXACT, 0),
    ("mediation.resolution_rate", "矛盾糾紛化解率", "98.63", Unit.PERCENT, Qualifier.EXACT, 2),
    ("mediation.general_category_resolution_rate", "一般類化解率", "99.20", Unit.PERCENT, Qualifier.EXACT, 2),
    ("mediation.attention_category_resolution_rate", "關注類化解率", "92.5", Unit.PERCENT, Qualifier.EXACT, 1),
    ("mediation.key_category_resolution_rate", "重點類化解率", "85.31", Unit.PERCENT, Qualifier.EXACT, 2),
    ("mediation.return_visits", "回訪關注類和重點類矛盾糾紛", "1200", Unit.CI, Qualifier.EXACT, 0),
    ("mediation.return_visit_rate", "回訪率", "100", Unit.PERCENT, Qualifier.EXACT, 0),
    ("mediation.lawyer_disputes_accepted", "律師駐所調解室受理矛盾糾紛", "480", Unit.QI, Qualifier.EXACT, 0),
    ("mediation.lawyer_disputes_resolved", "律師駐所調解室化解矛盾糾紛", "452", Unit.QI, Qualifier.EXACT, 0),
    ("mediation.lawyer_resolution_rate", "律師駐所調解化解率", "94.17", Unit.PERCENT, Qualifier.EXACT, 2),
    ("mediation.special_group_households_visited", "走訪特殊群體", "100000", Unit.HU, Qualifier.APPROX, 0),
    ("mediation.enterprise_criminal_cases", "侵害企業刑事案件", "15", Unit.QI, Qualifier.EXACT, 0),
    ("mediation.enterprise_public_order_cases", "侵害企業治安案件", "24", Unit.QI, Qualifier.EXACT, 0),
]


def make_mediation_2022(slug: str = "mediation", **section_fields) -> Section:
    """A published 2022 test report with a section restating ``MEDIATION_2022``; load 2021 first.

    The section is ``mediation`` unless ``slug`` (and ``topic``, ``heading``…) say otherwise.
    """
    section = make_section(make_report(2022), slug, **section_fields)
    for index, (code, name, value, unit, qualifier, decimals) in enumerate(MEDIATION_2022, start=1):
        make_figure(
            section,
            index,
            code=code,
            name=name,
            value=Decimal(value),
            unit=unit,
            qualifier=qualifier,
            decimals=decimals,
            source_paragraph=3,
        )
    return section


def make_case(section: Section, index: int = 1, **fields) -> NotableCase:
    """A notable case of ``section`` numbered ``index``, written up as test data."""
    defaults = {"title": f"測試案例 {index}", "summary": "測試案情", "source_paragraph": 1, "position": index}
    return NotableCase.objects.create(section=section, **(defaults | fields))


def make_named_item(section: Section, index: int = 1, **fields) -> NamedItem:
    """An entry of one of ``section``'s named lists (a campaign unless ``kind`` is given), numbered ``index``."""
    defaults = {"kind": ListKind.CAMPAIGN, "name": f"測試名錄 {index}", "source_paragraph": 1, "position": index}
    return NamedItem.objects.create(section=section, **(defaults | fields))


def make_ready_draft(year: int = 2022, **report_fields) -> Report:
    """A draft report that passes the publish checklist: both languages throughout, one mediation section
    whose two figures (codes of its charts) state their values in their clauses."""
    fields = {
        "published": False,
        "title_en": f"{year} Work Review (test data)",
        "agency_en": "Wanzhou District Public Security Bureau",
        "summary": "測試概述",
        "summary_en": "Test summary",
    }
    report = make_report(year, **(fields | report_fields))
    section = make_section(report, "mediation", heading_en="Test mediation", summary="測試摘要", summary_en="Summary")
    for index, code in enumerate(("mediation.disputes_screened", "mediation.disputes_resolved"), start=1):
        make_figure(section, index, code=code, name_en=f"Test figure {index}", theme_en="Test")
    return report


def search_index_caught_up() -> None:
    """Write the search entries a test's saves queued: the index follows a save when its transaction commits,
    which a test's (rolled back at its end) never does. Call it before a search or an explorer ``q``."""
    from search.indexing import flush

    flush()
