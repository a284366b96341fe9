"""The 2021 fixture (fixtures/wanzhou_2021.json) against the report it transcribes.

Three kinds of check: the fixture loads idempotently; every figure is provable
from the source text (its quote is verbatim in its paragraph and states its value
and qualifier); and every number in the source is either a figure or on an
explicit allow-list, so a figure dropped from the fixture fails a test.
"""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from metrics.choices import Qualifier, Unit
from metrics.models import Figure
from metrics.rates import rate_matches
from metrics.text.clauses import clause_decimals, clause_states, stated_numbers
from reports.models import NamedItem, NotableCase, Report, Section

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module")]

SOURCE_NAME = "wanzhou-police-2021-work-report.zh-Hant.txt"

FIGURES_PER_SECTION = {"stability": 16, "crackdown": 21, "mediation": 17}
LINKED_RATES = {
    "mediation.resolution_rate": ("mediation.disputes_resolved", "mediation.disputes_screened"),
    "mediation.lawyer_resolution_rate": ("mediation.lawyer_disputes_resolved", "mediation.lawyer_disputes_accepted"),
}

# Numbers in the source that are not figures of the bureau's work, as (paragraph,
# verbatim snippet). A number token inside one of these snippets needs no figure.
NOT_FIGURES = (
    (1, "2021年"),  # calendar year
    (1, "建黨100週年"),  # the Party centenary: an occasion, not a count
    (1, "兩會"),  # "the Two Sessions" is a name
    (3, "一年來"),  # "over the past year"
    (3, "這一主基調"),  # demonstrative "this one"
    (3, "萬無一失"),  # idiom
    (4, "三峽江灘音樂季"),  # place name in an event name
    (4, "兩會"),  # 區兩會、市兩會、全國兩會: names
    (4, "建黨100年"),  # the Party centenary
    (4, "十九屆六中全會"),  # Sixth Plenum of the 19th Central Committee: a name
    (5, "2021全年"),  # calendar year
    (6, "“1、3、5”分鐘快速應急處置機制"),  # a mechanism's name (kept as a NamedItem)
    (7, "進一步"),  # adverb "further"
    (9, "一年來"),
    (11, "6月"),  # calendar month, stored as NotableCase.month
    (11, "一紡織印染企業"),  # indefinite article: "a textile firm"
    (15, "摧毀一個"),  # indefinite article: "a gang"
    (17, "一年來"),
    (20, "2021年"),  # calendar year
    (21, "2021年"),  # calendar year
    (21, "五必進"),  # a mechanism's name (kept as a NamedItem)
    (21, "第一道防線"),  # ordinal in a slogan
    (22, "一支鋼鐵隊伍"),  # indefinite article: "a steel-strong force"
    (22, "一線"),  # "front line"
    (22, "2022年"),  # calendar year
)

#: Arabic numbers (with decimals) and runs of Chinese numerals, as the completeness scan sees them.
NUMBER_TOKEN = re.compile(r"\d+(?:\.\d+)?|[兩一二三四五六七八九十]+")


def occurrences(text: str, snippet: str):
    """(start, end) of every occurrence of ``snippet`` in ``text``."""
    start = text.find(snippet)
    while start != -1:
        yield start, start + len(snippet)
        start = text.find(snippet, start + 1)


@pytest.fixture(scope="module")
def paragraphs(source_text_2021) -> dict[int, str]:
    """The source text as {1-based line number: paragraph} (``source_text_2021`` skips or fails without it)."""
    lines = source_text_2021.removesuffix("\n").split("\n")
    return {number: line.rstrip("\r") for number, line in enumerate(lines, start=1)}


@pytest.fixture
def report(report_2021) -> Report:
    """The 2021 report, loaded from the fixture (once for this module)."""
    return report_2021


def snapshot() -> dict[str, list[dict]]:
    models = [Report, Section, NotableCase, NamedItem, Figure]
    models += [Report.history.model, Section.history.model, NotableCase.history.model, Figure.history.model]
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in models}


def test_fixture_loads_every_model(report):
    assert (report.title, report.agency, report.byline) == ("2021年工作綜述", "萬州區公安局", "龔軒")
    assert report.source_name == SOURCE_NAME
    assert Section.objects.count() == 3
    assert NotableCase.objects.count() == 2
    assert NamedItem.objects.count() == 34
    assert Figure.objects.count() == sum(FIGURES_PER_SECTION.values()) == 54


def test_fixture_loading_twice_leaves_identical_data(report):
    first = snapshot()
    call_command("loaddata", "wanzhou_2021", verbosity=0)
    second = snapshot()
    assert {label: len(rows) for label, rows in second.items()} == {label: len(rows) for label, rows in first.items()}
    assert second == first


def test_sections_are_stability_crackdown_mediation_in_order(report):
    rows = list(report.sections.order_by("position").values_list("position", "slug", "source_paragraph"))
    assert rows == [(1, "stability", 2), (2, "crackdown", 8), (3, "mediation", 16)]


def test_sections_hold_expected_figure_counts(report):
    counts = {section.slug: section.figures.count() for section in report.sections.all()}
    assert counts == FIGURES_PER_SECTION


def test_section_heading_equals_its_paragraph(report, paragraphs):
    for section in report.sections.all():
        assert section.heading == paragraphs[section.source_paragraph], section.slug


def test_figure_quote_is_verbatim_once_in_its_paragraph(report, paragraphs):
    for figure in Figure.objects.all():
        paragraph = paragraphs[figure.source_paragraph]
        assert paragraph.count(figure.source_quote) == 1, (figure.code, figure.source_quote)


def test_figure_stated_value_qualifier_and_precision_are_stated_in_its_quote(report):
    for figure in Figure.objects.all():
        stated = {"value": figure.stated_value, "unit": figure.unit_id, "qualifier": figure.qualifier}
        assert clause_states(figure.source_quote, **stated), (figure.code, figure.source_quote, stated)
        assert clause_decimals(figure.source_quote, **stated) == figure.decimals, figure.code
        assert figure.value == figure.stated_value, figure.code  # the fixture publishes the report as stated


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("將8萬餘噸超標廢水直排長江", [(Decimal("80000"), "噸", Qualifier.OVER, 0)]),
        ("走訪各類特殊群體近9萬戶", [(Decimal("90000"), "戶", Qualifier.APPROX, 0)]),
        ("涉案金額達5億余元", [(Decimal("5"), Unit.YI_YUAN, Qualifier.OVER, 0)]),
        ("凍結涉案資金790萬元", [(Decimal("790"), Unit.WAN_YUAN, Qualifier.EXACT, 0)]),
        ("經兩個多月縝密偵查", [(Decimal("2"), Unit.MONTHS, Qualifier.OVER, 0)]),
        ("兩名犯罪嫌疑人", [(Decimal("2"), "名", Qualifier.EXACT, 0)]),
        ("一般類化解率99.12﹪", [(Decimal("99.12"), Unit.PERCENT, Qualifier.EXACT, 2)]),
        ("收繳非法煙花爆竹1275.5件", [(Decimal("1275.5"), "件", Qualifier.EXACT, 1)]),
        ("257個1782單元", [(Decimal("257"), "個", Qualifier.EXACT, 0), (Decimal("1782"), "單元", Qualifier.EXACT, 0)]),
    ],
)
def test_stated_numbers_reads_scale_unit_and_qualifier(quote, expected):
    assert [
        (number.value, number.unit, number.qualifier, number.decimals) for number in stated_numbers(quote)
    ] == expected


def test_source_every_number_is_a_figure_or_allow_listed(report, paragraphs):
    quotes = {}
    for paragraph, quote in Figure.objects.values_list("source_paragraph", "source_quote"):
        quotes.setdefault(paragraph, []).append(quote)
    for paragraph, snippet in NOT_FIGURES:
        quotes.setdefault(paragraph, []).append(snippet)

    uncovered = []
    for number, text in paragraphs.items():
        covered = [span for snippet in quotes.get(number, []) for span in occurrences(text, snippet)]
        for token in NUMBER_TOKEN.finditer(text):
            if not any(start <= token.start() and token.end() <= end for start, end in covered):
                uncovered.append((number, token.group(), text[max(token.start() - 8, 0) : token.end() + 8]))
    assert uncovered == []


def test_allow_list_entries_exist_and_excuse_no_figure(report, paragraphs):
    for paragraph, snippet in NOT_FIGURES:
        text = paragraphs[paragraph]
        spans = list(occurrences(text, snippet))
        assert spans, (paragraph, snippet)
        assert NUMBER_TOKEN.search(snippet), (paragraph, snippet)
        for quote in Figure.objects.filter(source_paragraph=paragraph).values_list("source_quote", flat=True):
            for q_start, q_end in occurrences(text, quote):
                assert all(end <= q_start or q_end <= start for start, end in spans), (snippet, quote)


def test_linked_rate_matches_its_counts(report):
    linked = Figure.objects.filter(numerator__isnull=False).select_related("numerator", "denominator")
    assert {rate.code: (rate.numerator.code, rate.denominator.code) for rate in linked} == LINKED_RATES
    for rate in linked:
        numerator, denominator = rate.numerator.value, rate.denominator.value
        assert numerator <= denominator, rate.code
        assert rate_matches(rate.value, numerator, denominator, rate.decimals), rate.code
        assert rate.numerator.unit == rate.denominator.unit != Unit.PERCENT


def test_figure_position_follows_reading_order(report, paragraphs):
    for section in report.sections.all():
        figures = list(section.figures.order_by("position"))
        assert [figure.position for figure in figures] == list(range(1, len(figures) + 1)), section.slug
        places = [(f.source_paragraph, paragraphs[f.source_paragraph].find(f.source_quote)) for f in figures]
        assert places == sorted(places), section.slug


def test_figure_code_is_prefixed_with_its_section_slug(report):
    for figure in Figure.objects.select_related("section"):
        assert figure.code.startswith(f"{figure.section.slug}."), figure.code


def test_notable_case_figures_link_their_case(report):
    cases = {case.source_paragraph: case for case in NotableCase.objects.all()}
    assert {p: (case.section.slug, case.month) for p, case in cases.items()} == {
        11: ("crackdown", 6),
        15: ("crackdown", None),
    }
    for figure in Figure.objects.all():
        expected = cases.get(figure.source_paragraph)
        assert figure.case_id == (expected.pk if expected else None), figure.code


def test_named_item_name_is_verbatim_in_its_paragraph(report, paragraphs):
    for item in NamedItem.objects.all():
        assert item.name in paragraphs[item.source_paragraph], (item.kind, item.name)


def figure_row(report, **overrides) -> Figure:
    """An unsaved figure that passes every constraint until ``overrides`` break one."""
    fields = {
        "report": report,
        "section": report.sections.get(slug="mediation"),
        "code": "mediation.constraint_probe",
        "name": "測試",
        "theme": "測試",
        "value": Decimal("1"),
        "unit_id": overrides.pop("unit", Unit.QI),
        "source_paragraph": 19,
        "source_quote": "化解17918起",
    }
    return Figure(**(fields | overrides))


def test_figure_constraints_accept_valid_row(report):
    figure_row(report).save()
    assert Figure.objects.filter(code="mediation.constraint_probe").exists()


def test_figure_constraint_rejects_negative_value(report):
    with transaction.atomic(), pytest.raises(IntegrityError):
        figure_row(report, value=Decimal("-1")).save()


def test_figure_constraint_rejects_percentage_over_100(report):
    with transaction.atomic(), pytest.raises(IntegrityError):
        figure_row(report, unit=Unit.PERCENT, value=Decimal("100.5")).save()


def test_figure_constraint_rejects_duplicate_code_in_report(report):
    with transaction.atomic(), pytest.raises(IntegrityError):
        figure_row(report, code="mediation.disputes_resolved").save()


@pytest.mark.parametrize("code", ["Mediation.rate", "mediation", "mediation.resolution-rate", "mediation.率"])
def test_figure_constraint_rejects_malformed_code(report, code):
    with transaction.atomic(), pytest.raises(IntegrityError):
        figure_row(report, code=code).save()


def test_figure_constraint_rejects_rate_with_only_numerator(report):
    numerator = Figure.objects.get(code="mediation.disputes_resolved")
    with transaction.atomic(), pytest.raises(IntegrityError):
        figure_row(report, unit=Unit.PERCENT, value=Decimal("50"), numerator=numerator).save()
