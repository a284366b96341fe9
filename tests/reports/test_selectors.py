"""The document's read side: what each selector returns and what it costs."""

import pytest

from reports import selectors
from tests.factories import make_report, make_section

pytestmark = pytest.mark.django_db


def test_navigation_reports_lists_years_newest_first_with_sections_in_order(django_assert_num_queries):
    older = make_report(2019)
    make_section(older, "mediation")
    make_section(older, "stability")
    make_report(2020)
    with django_assert_num_queries(2):
        reports = selectors.navigation_reports()
    assert [report.year for report in reports] == [2020, 2019]
    assert [section.slug for section in reports[1].nav_sections] == ["stability", "mediation"]
    assert reports[0].nav_sections == []


def test_navigation_reports_holds_drafts_only_when_asked(django_assert_num_queries):
    make_report(2020)
    make_section(make_report(2021, published=False), "mediation")
    assert [report.year for report in selectors.navigation_reports()] == [2020]
    with django_assert_num_queries(2):
        reports = selectors.navigation_reports(drafts=True)
    assert [(report.year, report.published) for report in reports] == [(2021, False), (2020, True)]
    assert [section.slug for section in reports[0].nav_sections] == ["mediation"]
