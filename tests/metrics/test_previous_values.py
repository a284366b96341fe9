"""``Figure.objects.with_previous()``: each figure against the same code in the report just before, as
``selectors.YearBefore`` compares it."""

from decimal import Decimal

import pytest

from metrics import selectors
from metrics.choices import Unit
from metrics.models import Figure
from reports.models import Report
from tests.factories import make_figure, make_report, make_section

pytestmark = pytest.mark.django_db


def annotated(year: int, code: str) -> Figure:
    return Figure.objects.with_previous().get(report__year=year, code=code)


@pytest.fixture
def three_years():
    """Test reports 2001, 2002 and 2003; a code stated in 2001 and 2003 only, a rate in all three."""
    sections = {year: make_section(make_report(year), "mediation") for year in (2001, 2002, 2003)}
    for year, value in ((2001, "96.5"), (2002, "98.66"), (2003, "97.5")):
        make_figure(sections[year], 1, code="mediation.rate", value=Decimal(value), unit=Unit.PERCENT)
    make_figure(sections[2001], 2, code="mediation.gap", value=Decimal(40))
    make_figure(sections[2003], 2, code="mediation.gap", value=Decimal(55))
    return sections


def test_with_previous_compares_with_the_report_just_before(three_years):
    rate = annotated(2003, "mediation.rate")
    assert rate.previous_value == Decimal("98.66") and rate.change == Decimal("-1.16")
    assert annotated(2002, "mediation.rate").change == Decimal("2.16")


def test_with_previous_never_skips_to_an_older_report(three_years):
    gap = annotated(2003, "mediation.gap")
    assert gap.previous_value is None and gap.change is None


def test_with_previous_has_nothing_before_the_first_report(three_years):
    assert annotated(2001, "mediation.rate").previous_value is None


def test_with_previous_skips_a_draft_report(three_years):
    three_years[2002].report.__class__.objects.filter(year=2002).update(published=False)
    rate = annotated(2003, "mediation.rate")
    assert rate.previous_value == Decimal("96.5") and rate.change == Decimal("1.00")


def test_with_previous_ignores_a_figure_whose_unit_changed(three_years):
    make_figure(three_years[2002], 3, code="mediation.count", value=Decimal(10), unit=Unit.QI)
    make_figure(three_years[2003], 3, code="mediation.count", value=Decimal(12), unit=Unit.JIAN)
    assert annotated(2003, "mediation.count").previous_value is None


def test_with_previous_adds_no_query(three_years, django_assert_num_queries):
    with django_assert_num_queries(1):
        figures = list(Figure.objects.with_previous().order_by("report__year", "position"))
    assert [figure.change for figure in figures] == [None, None, Decimal("2.16"), Decimal("-1.16"), None]


def test_with_previous_agrees_with_the_year_before_selector(three_years):
    """The SQL rule and ``selectors.YearBefore`` pick the same figure: the report just before, same code and unit."""
    make_figure(three_years[2001], 3, code="mediation.count", value=Decimal(8), unit=Unit.QI, qualifier="over")
    make_figure(three_years[2002], 3, code="mediation.count", value=Decimal(10), unit=Unit.QI, qualifier="approx")
    make_figure(three_years[2003], 3, code="mediation.count", value=Decimal(12), unit=Unit.JIAN)
    make_figure(three_years[2002], 4, code="mediation.only_2002", value=Decimal(3))
    for published_2002 in (True, False):
        Report.objects.filter(year=2002).update(published=published_2002)
        for figure in Figure.objects.with_previous().select_related("report"):
            compared = selectors.year_before(report=figure.report).compare(figure)
            in_sql = (figure.previous_value, figure.previous_qualifier, figure.change)
            in_python = (None, None, None)
            if compared is not None:
                in_python = (compared.previous.value, compared.previous.qualifier, compared.change.absolute)
            assert in_sql == in_python, (figure.report.year, figure.code, published_2002)
