"""Figure validation: each rule of ``Figure.clean()`` and the rate arithmetic of ``metrics.rates``.

The same rules through the admin's real URLs are in tests/metrics/test_admin.py.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from metrics.choices import Unit
from metrics.models import Figure
from metrics.models import linked_rate_errors as rate_errors
from metrics.rates import expected_rate, rate_matches, rate_status
from reports.choices import SectionSlug
from reports.models import NotableCase, Report, Section

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module")]

RESOLVED = "mediation.disputes_resolved"  # 17918 起
SCREENED = "mediation.disputes_screened"  # 18161 起
RATE = "mediation.resolution_rate"  # 98.66 %, linked to the two counts above
REASON = "依核對後的統計更正"


def figure(code: str) -> Figure:
    return Figure.objects.get(report__year=2021, code=code)


def clean_errors(instance) -> dict[str, list[str]]:
    """The field → messages of ``full_clean()``; empty when the instance is valid."""
    try:
        instance.full_clean()
    except ValidationError as error:
        return error.message_dict
    return {}


def new_figure(section: Section, **fields) -> Figure:
    """An unsaved figure in ``section`` with valid defaults; ``fields`` override them.

    Its clause states its value (新數據3起), so the value is the report's, not a correction.
    """
    value, unit = fields.get("value", Decimal("3")), fields.pop("unit", Unit.QI)
    defaults = {
        "report": section.report,
        "section": section,
        "code": f"{section.slug}.new_figure",
        "name": "新數據",
        "theme": "測試",
        "value": Decimal("3"),
        "unit_id": unit,
        "source_paragraph": 19,
        "source_quote": f"新數據{value.normalize():f}{unit}",
    }
    return Figure(**(defaults | fields))


@pytest.fixture
def mediation(report_2021) -> Section:
    return report_2021.sections.get(slug=SectionSlug.MEDIATION)


@pytest.fixture
def report_2022(db) -> Report:
    report = Report.objects.create(year=2022, title="2022年工作綜述", agency="萬州區公安局")
    Section.objects.create(
        report=report, slug=SectionSlug.MEDIATION, topic="mediation", position=3, heading="矛盾化解", source_paragraph=1
    )
    return report


def test_figure_clean_accepts_every_fixture_figure(report_2021):
    errors = {figure.code: clean_errors(figure) for figure in Figure.objects.all()}
    assert {code: messages for code, messages in errors.items() if messages} == {}
    assert len(errors) == 54


@pytest.mark.parametrize("value", ["0", "17918", "18000000"])
def test_figure_clean_accepts_whole_count(mediation, value):
    assert clean_errors(new_figure(mediation, value=Decimal(value))) == {}


def test_figure_clean_rejects_fractional_count(mediation):
    errors = clean_errors(new_figure(mediation, value=Decimal("17918.5"), unit=Unit.QI))
    assert errors["value"] == ["計數須為非負整數：單位「起」不可有小數，但填入的是 17918.5。"]


@pytest.mark.parametrize("unit", [Unit.JIAN, Unit.DUN, Unit.WAN_YUAN])
def test_figure_clean_accepts_fraction_in_fractional_unit(mediation, unit):
    assert clean_errors(new_figure(mediation, value=Decimal("1275.5"), unit=unit)) == {}


def test_figure_clean_rejects_negative_value(mediation):
    errors = clean_errors(new_figure(mediation, value=Decimal("-3")))
    assert "數值不可為負數：填入的是 -3。" in errors["value"]


@pytest.mark.parametrize("value", ["0", "40", "100"])
def test_figure_clean_accepts_percentage_within_0_to_100(mediation, value):
    assert clean_errors(new_figure(mediation, value=Decimal(value), unit=Unit.PERCENT)) == {}


def test_figure_clean_rejects_percentage_above_100(mediation):
    errors = clean_errors(new_figure(mediation, value=Decimal("100.5"), unit=Unit.PERCENT))
    assert errors["value"] == ["百分比須介於 0 與 100 之間：填入的是 100.5%。"]


def test_figure_clean_rejects_section_of_another_report(mediation, report_2022):
    errors = clean_errors(new_figure(mediation, report=report_2022))
    assert errors["section"] == [
        "章節須屬於數據所屬的報告：章節「2021 強化源頭管控 力促社會和諧穩定」不屬於「2022年工作綜述」。"
    ]


def test_figure_clean_accepts_case_of_its_section(report_2021):
    crackdown = report_2021.sections.get(slug=SectionSlug.CRACKDOWN)
    case = NotableCase.objects.get(section=crackdown, month=6)
    assert clean_errors(new_figure(crackdown, case=case)) == {}


def test_figure_clean_rejects_case_of_another_section(mediation):
    case = NotableCase.objects.get(month=6)
    errors = clean_errors(new_figure(mediation, case=case))
    assert errors["case"] == [f"典型案例須屬於數據所屬的章節：「{case.title}」不屬於章節「{mediation.heading}」。"]


@pytest.mark.parametrize("code", ["Mediation.new", "mediation", "mediation.new-figure", "mediation.新"])
def test_figure_clean_rejects_code_not_matching_pattern(mediation, code):
    errors = clean_errors(new_figure(mediation, code=code))
    assert errors["code"] == [
        "指標代碼須為「章節代號.名稱」（小寫英文字母、數字與底線），"
        f"例如 mediation.disputes_resolved：「{code}」不符合。"
    ]


def test_figure_clean_accepts_a_code_whatever_its_prefix(mediation):
    # Codes stay the same across years whatever a later report calls its sections.
    assert clean_errors(new_figure(mediation, code="disputes.new_figure")) == {}


def test_figure_clean_rejects_code_used_in_same_report(mediation):
    errors = clean_errors(new_figure(mediation, code=RESOLVED))
    assert errors["code"] == [f"指標代碼在同一份報告內不可重複：這份報告已有代碼「{RESOLVED}」（化解矛盾糾紛）。"]


def test_figure_clean_accepts_code_used_in_another_report(report_2021, report_2022):
    assert clean_errors(new_figure(report_2022.sections.get(), code=RESOLVED)) == {}


@pytest.mark.parametrize("missing", ["numerator", "denominator"])
def test_figure_clean_rejects_rate_with_only_one_link(report_2021, missing):
    rate = figure(RATE)
    setattr(rate, missing, None)
    assert clean_errors(rate) == {missing: ["比率的分子與分母須同時填寫或同時留空。"]}


def test_figure_clean_rejects_links_on_a_count(mediation):
    count = new_figure(mediation, numerator=figure(RESOLVED), denominator=figure(SCREENED))
    assert clean_errors(count)["unit"] == ["只有單位為「%」的比率可以連結分子與分母；這筆數據的單位是「起」。"]


def test_figure_clean_rejects_rate_linked_to_itself(report_2021):
    rate = figure(RATE)
    rate.numerator = rate
    assert "比率不可以自己作為分子或分母。" in clean_errors(rate)["numerator"]


def test_figure_clean_rejects_same_figure_as_numerator_and_denominator(report_2021):
    rate = figure(RATE)
    rate.denominator = rate.numerator
    assert clean_errors(rate)["denominator"] == ["分子與分母不可為同一筆數據：兩者都是「化解矛盾糾紛」。"]


def test_figure_clean_rejects_links_to_another_report(report_2021, report_2022):
    rate = new_figure(
        report_2022.sections.get(),
        unit_id=Unit.PERCENT,
        value=Decimal("98.66"),
        numerator=figure(RESOLVED),
        denominator=figure(SCREENED),
    )
    errors = clean_errors(rate)
    assert errors["numerator"] == ["分子與分母須屬於同一份報告：「化解矛盾糾紛」屬於 2021 年度的報告。"]
    assert errors["denominator"] == ["分子與分母須屬於同一份報告：「排查矛盾糾紛」屬於 2021 年度的報告。"]


def test_figure_clean_rejects_numerator_above_denominator(report_2021):
    rate = figure(RATE)
    rate.numerator, rate.denominator = rate.denominator, rate.numerator
    assert clean_errors(rate) == {
        "value": ["分子不可大於分母：「排查矛盾糾紛」為 18161，大於「化解矛盾糾紛」的 17918。"]
    }


def test_figure_clean_accepts_rate_equal_to_its_rounded_quotient(report_2021):
    assert clean_errors(figure(RATE)) == {}  # 17918 ÷ 18161 × 100 = 98.6619…, rounds to 98.66


def test_figure_clean_rejects_rate_one_hundredth_off(report_2021):
    rate = figure(RATE)
    rate.value, rate.correction_reason = Decimal("98.67"), REASON
    assert clean_errors(rate) == {
        "value": [
            "比率須等於分子 ÷ 分母 × 100 四捨五入到小數 2 位：「化解矛盾糾紛」17918 ÷「排查矛盾糾紛」18161 × 100 = "
            "98.661967…%，四捨五入為 98.66%，但「矛盾糾紛化解率」填為 98.67%。"
        ]
    }


def test_figure_clean_rejects_count_edit_that_breaks_its_rate(report_2021):
    resolved = figure(RESOLVED)
    resolved.value, resolved.correction_reason = Decimal("17920"), REASON
    assert clean_errors(resolved) == {
        "value": [
            "比率須等於分子 ÷ 分母 × 100 四捨五入到小數 2 位：「化解矛盾糾紛」改為 17920 後為 17920 ÷ 18161 × 100 = "
            "98.67298…%，四捨五入為 98.67%，但「矛盾糾紛化解率」為 98.66%。請把分子、分母與比率放在同一次儲存中修改"
            "（數據列表或章節頁），或在修改紀錄中「還原整次儲存」。"
        ]
    }
    assert figure(RESOLVED).value == Decimal("17918")


def test_figure_clean_rejects_17919_which_rounds_to_98_67(report_2021):
    resolved = figure(RESOLVED)
    resolved.value, resolved.correction_reason = Decimal("17919"), REASON  # 98.6674…% rounds half up to 98.67
    assert clean_errors(resolved)["value"] == [
        "比率須等於分子 ÷ 分母 × 100 四捨五入到小數 2 位：「化解矛盾糾紛」改為 17919 後為 17919 ÷ 18161 × 100 = "
        "98.667474…%，四捨五入為 98.67%，但「矛盾糾紛化解率」為 98.66%。請把分子、分母與比率放在同一次儲存中修改"
        "（數據列表或章節頁），或在修改紀錄中「還原整次儲存」。"
    ]


def test_figure_clean_accepts_count_edit_that_keeps_its_rate(report_2021):
    screened = figure(SCREENED)
    screened.value, screened.correction_reason = Decimal("18162"), REASON  # 98.6565…% still rounds to 98.66
    assert clean_errors(screened) == {}


def test_figure_clean_reports_missing_correction_reason_with_broken_rate(report_2021):
    resolved = figure(RESOLVED)
    resolved.value = Decimal("17920")
    errors = clean_errors(resolved)
    assert errors["correction_reason"] == ["數值 17920 與報告所載 17918 不同，這是一項更正：請填寫更正原因。"]
    assert len(errors["value"]) == 1


@pytest.mark.parametrize(
    ("stated", "numerator", "denominator", "decimals", "matches"),
    [
        ("98.66", "17918", "18161", 2, True),
        ("98.66", "17919", "18161", 2, False),  # 98.6674… rounds to 98.67
        ("98.67", "17919", "18161", 2, True),
        ("98.7", "17918", "18161", 1, True),
        ("99", "17918", "18161", 0, True),
        ("12.5", "1", "8", 1, True),
        ("13", "1", "8", 0, True),  # 12.5 rounds half up, not to even
        ("91.59", "425", "464", 2, True),
        ("98.65", "17917", "18162", 2, True),  # the two concurrent edits together: 98.6510…
    ],
)
def test_rate_matches_rounds_half_up_to_the_stated_places(stated, numerator, denominator, decimals, matches):
    assert rate_matches(Decimal(stated), Decimal(numerator), Decimal(denominator), decimals) is matches


def test_figure_clean_rejects_count_edit_putting_numerator_above_denominator(report_2021):
    screened = figure(SCREENED)
    screened.value, screened.correction_reason = Decimal("17000"), REASON
    assert clean_errors(screened) == {
        "value": ["分子不可大於分母：「化解矛盾糾紛」為 17918，大於「排查矛盾糾紛」的 17000。"]
    }


def test_figure_clean_leaves_rate_check_to_a_deferring_formset(report_2021):
    resolved = figure(RESOLVED)
    resolved.value, resolved.correction_reason = Decimal("17920"), REASON
    resolved.rate_check_deferred = True
    assert clean_errors(resolved) == {}


def test_rate_errors_accepts_count_and_rate_edited_together(report_2021):
    resolved, rate = figure(RESOLVED), figure(RATE)
    resolved.value, rate.value = Decimal("17920"), Decimal("98.67")
    assert rate_errors([resolved, rate]) == []
    assert rate_errors([resolved]) != []


def test_rate_errors_ignores_rate_being_deleted(report_2021):
    resolved = figure(RESOLVED)
    resolved.value = Decimal("17920")
    assert rate_errors([resolved], deleted={figure(RATE).pk}) == []


def test_expected_rate_is_none_for_zero_denominator():
    assert expected_rate(Decimal("0"), Decimal("0")) is None
    assert not rate_matches(Decimal("0"), Decimal("0"), Decimal("0"))


def test_rate_status_reports_consistency(report_2021):
    rate = figure(RATE)
    assert rate_status(rate) == "✓ 一致"
    rate.value = Decimal("95")
    assert rate_status(rate) == "✗ 17918/18161 = 98.66% ≠ 95.00%"
    rate.value, rate.decimals = Decimal("98.7"), 1
    assert rate_status(rate) == "✓ 一致"
    assert rate_status(figure(RESOLVED)) == "—"
