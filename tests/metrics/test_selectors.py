"""The read side of the report pages: what each selector returns and its exact query count."""

from decimal import Decimal

import pytest
from django.http import Http404

from common.languages import citation
from metrics import selectors
from metrics.charts.specs import chart_spec
from metrics.choices import Qualifier, Unit
from metrics.models import Figure
from tests.factories import make_figure, make_mediation_2022, make_report, make_report_with_figures, make_section

pytestmark = pytest.mark.django_db


def test_report_overview_groups_figures_by_section_in_reading_order(django_assert_num_queries):
    report = make_report_with_figures(2019, figures_per_section=3, headlines=1)
    with django_assert_num_queries(3):
        overview = selectors.report_overview(year=2019)
        codes = [[figure.code for figure in part.figures] for part in overview.sections]
        headline = [[figure.code for figure in part.headline_figures] for part in overview.sections]
        citations = {citation(figure.section.report) for part in overview.sections for figure in part.figures}
    assert overview.report == report
    assert [part.section.slug for part in overview.sections] == ["stability", "crackdown", "mediation"]
    assert codes[2] == ["mediation.test_1", "mediation.test_2", "mediation.test_3"]
    assert headline == [["stability.test_1"], ["crackdown.test_1"], ["mediation.test_1"]]
    assert citations == {"萬州區公安局《2019年工作綜述（測試數據）》"}


def test_report_overview_costs_three_queries_for_many_figures(django_assert_num_queries):
    make_report_with_figures(2019, figures_per_section=300)
    with django_assert_num_queries(3):
        overview = selectors.report_overview(year=2019)
    assert sum(len(part.figures) for part in overview.sections) == 900


def test_report_overview_of_an_unknown_year_is_a_404():
    with pytest.raises(Http404):
        selectors.report_overview(year=1999)


def test_section_page_returns_figures_cases_and_named_lists(report_2021, django_assert_num_queries):
    with django_assert_num_queries(6):
        page = selectors.section_page(year=2021, slug="crackdown")
        case_figures = {case.title: [figure.code for figure in case.ordered_figures] for case in page.cases}
        contexts = {(figure.report.year, figure.section.slug) for figure in page.figures}
    assert page.section.slug == "crackdown" and page.report.year == 2021
    assert [figure.position for figure in page.figures] == sorted(figure.position for figure in page.figures)
    assert contexts == {(2021, "crackdown")}
    assert len(page.cases) == 2 and all(case_figures.values())
    assert page.named_lists, "the crackdown section names its campaigns"


def test_section_page_without_cases_costs_five_queries(django_assert_num_queries):
    report = make_report(2019)
    section = make_section(report, "mediation")
    for index in range(1, 51):
        make_figure(section, index)
    with django_assert_num_queries(5):
        page = selectors.section_page(year=2019, slug="mediation")
    assert len(page.figures) == 50 and page.cases == [] and page.named_lists == []


@pytest.mark.parametrize("year, slug", [(1999, "mediation"), (2021, "traffic")])
def test_section_page_of_an_unknown_year_or_slug_is_a_404(report_2021, year, slug):
    with pytest.raises(Http404):
        selectors.section_page(year=year, slug=slug)


def test_year_before_is_the_nearest_earlier_published_report_in_one_query(django_assert_num_queries):
    for year, value in ((2017, 1), (2019, 2)):
        section = make_section(make_report(year), "mediation")
        make_figure(section, 1, value=value)
    make_figure(make_section(make_report(2020, published=False), "mediation"), 1, value=3)
    current = make_report(2021)
    with django_assert_num_queries(1):
        before = selectors.year_before(report=current)
        years = {before.report.year, *(figure.report.year for figure in before.figures.values())}
    assert list(before.figures) == ["mediation.test_1"] and years == {2019}
    assert before.figures["mediation.test_1"].value == 2


@pytest.mark.parametrize("earlier", [False, True], ids=["first-report", "earlier-report-without-figures"])
def test_year_before_of_a_report_with_nothing_before_it_compares_nothing(django_assert_num_queries, earlier):
    if earlier:
        make_report(2018)
    report = make_report(2019)
    figure = make_figure(make_section(report, "mediation"), 1)
    with django_assert_num_queries(1):
        before = selectors.year_before(report=report)
    assert before == selectors.YearBefore(report=None, figures={})
    assert before.compare(figure) is None and before.comparisons([figure]) == {}


def test_year_before_compares_a_code_in_the_same_unit_only(django_assert_num_queries):
    earlier = make_section(make_report(2019), "mediation")
    make_figure(earlier, 1, code="mediation.count", value=Decimal(10))
    make_figure(earlier, 2, code="mediation.unit_changed", value=Decimal(5), unit=Unit.REN)
    make_figure(earlier, 3, code="mediation.approx", value=Decimal(90), unit=Unit.HU, qualifier=Qualifier.APPROX)
    section = make_section(make_report(2020), "mediation")
    figures = [
        make_figure(section, 1, code="mediation.count", value=Decimal(12)),
        make_figure(section, 2, code="mediation.unit_changed", value=Decimal(6), unit=Unit.RENCI),
        make_figure(section, 3, code="mediation.new", value=Decimal(1)),
        make_figure(section, 4, code="mediation.approx", value=Decimal(100), unit=Unit.HU),
    ]
    before = selectors.year_before(report=section.report)
    with django_assert_num_queries(0):
        comparisons = before.comparisons(figures)
        years = {compared.previous.report.year for compared in comparisons.values()}
    assert list(comparisons) == ["mediation.count", "mediation.approx"] and years == {2019}
    count = comparisons["mediation.count"]
    assert count.previous == before.figures["mediation.count"] and count.change.percent == Decimal("20.0")
    assert (count.change.approximate, comparisons["mediation.approx"].change.approximate) == (False, True)
    assert before.compare(figures[1]) is None and before.compare(figures[2]) is None


def test_chart_figures_are_the_charts_figures_in_its_order_in_two_queries(report_2021, django_assert_num_queries):
    with django_assert_num_queries(2):
        chart = selectors.chart_figures(year=2021, slug="crackdown", key="firearms-cases")
    with django_assert_num_queries(1):
        codes = [(figure.code, figure.section.slug, figure.report.year) for figure in chart.figures]
    assert chart.report == report_2021
    assert codes == [(code, "crackdown", 2021) for code in chart_spec("crackdown", "firearms-cases").codes]


def test_chart_figures_of_a_draft_only_with_drafts(report_2021):
    report_2021.published = False
    report_2021.save()
    with pytest.raises(Http404):
        selectors.chart_figures(year=2021, slug="mediation", key="disputes")
    assert selectors.chart_figures(year=2021, slug="mediation", key="disputes", drafts=True).report == report_2021


@pytest.mark.parametrize(
    "year, slug, key",
    [(2020, "crackdown", "firearms-cases"), (2021, "crackdown", "nope"), (2021, "mediation", "firearms-cases")],
)
def test_chart_figures_of_an_unknown_year_or_chart_is_a_404(report_2021, year, slug, key):
    with pytest.raises(Http404):
        selectors.chart_figures(year=year, slug=slug, key=key)


@pytest.mark.parametrize("drafts", [False, True], ids=["readers", "editors"])
def test_every_figure_series_is_figure_series_of_each_code_in_one_query(report_2021, django_assert_num_queries, drafts):
    make_mediation_2022()
    draft = make_section(make_report(2023, published=False), "mediation")
    make_figure(draft, 1, code="mediation.disputes_resolved", value=Decimal(20000))
    make_figure(draft, 2, code="mediation.only_in_a_draft")

    def rows(series):
        return [(f.pk, f.section.report.year, f.previous_value, f.source_text_attached) for f in series]

    with django_assert_num_queries(1):
        every = {code: rows(series) for code, series in selectors.every_figure_series(drafts=drafts).items()}

    codes = Figure.objects.order_by("code").values_list("code", flat=True).distinct()
    assert list(every) == [code for code in codes if drafts or code != "mediation.only_in_a_draft"]
    assert every == {code: rows(selectors.figure_series(code=code, drafts=drafts)) for code in every}
    resolved = [(year, previous) for _pk, year, previous, _text in every["mediation.disputes_resolved"]]
    assert resolved == [(2021, None), (2022, Decimal(17918)), (2023, Decimal(19726))][: 3 if drafts else 2]
