"""The import's pipeline: what a year carries forward from the report published before it."""

from decimal import Decimal
from pathlib import Path

import pytest

from metrics import selectors
from metrics.charts.specs import SECTION_CHARTS
from metrics.importing.matching import find_headings
from metrics.importing.services import checked_rows, create_import, review_import
from metrics.models import Figure
from reports.models import Report
from tests.factories import make_figure, make_report, make_section

pytestmark = pytest.mark.django_db

TEXTS = Path(__file__).parent / "texts"
YEAR_AFTER = (TEXTS / "year_after.txt").read_text(encoding="utf-8")


def create_all(review, *, year: int = 2022, text: str = YEAR_AFTER, rows=None):
    return create_import(
        year=year,
        agency="萬州區公安局",
        title="2022年工作報告（測試數據）",
        source_name="year_after.txt",
        text=text,
        headings=review.headings,
        rows=review.initial if rows is None else rows,
    )


def test_review_import_carries_last_years_english_headline_and_unit(report_2021):
    review = review_import(text=YEAR_AFTER, year=2022)
    by_code = {row["code"]: row for row in review.initial}
    screened = by_code["mediation.disputes_screened"]
    last = Figure.objects.get(report=report_2021, code="mediation.disputes_screened")
    assert (screened["name_en"], screened["theme_en"], screened["headline"]) == (last.name_en, last.theme_en, True)
    assert (screened["name"], screened["theme"]) == (last.name, last.theme)
    assert by_code["mediation.disputes_resolved"]["headline"] is False
    # 18 proposals: 17 restate a figure of 2021; 反詐宣傳 is new, with a code of its section and no English name.
    assert (len(review.rows), review.matched) == (18, 17)
    new = [row for row in review.initial if row["code"] not in review.previous_codes]
    assert [(row["code"], row["name_en"], row["theme_en"], row["headline"]) for row in new] == [
        ("mediation.p11_1", "", "", False)
    ]


def test_review_import_carries_the_english_heading_of_each_matched_section(report_2021):
    review = review_import(text=YEAR_AFTER, year=2022)
    english = dict(report_2021.sections.values_list("topic", "heading_en"))
    assert [(heading.topic, heading.heading_en) for heading in review.headings] == [
        ("stability", english["stability"]),
        ("crackdown", english["crackdown"]),
        ("mediation", english["mediation"]),
    ]


def test_review_import_offers_last_years_unit_row_when_the_text_writes_the_same_unit(report_2021):
    # The text writes 名; last year's figure of the code is stated in the row 人: the new figure takes 人.
    text = YEAR_AFTER.replace("採取刑事強制措施58人", "採取刑事強制措施58名")
    review = review_import(text=text, year=2022)
    row = next(row for row in review.initial if row["code"] == "crackdown.env_coercive_measures")
    assert row["unit"] == "人"


def test_review_import_reads_in_two_queries_whatever_the_rows(report_2021, django_assert_num_queries):
    with django_assert_num_queries(2):
        short = review_import(text=YEAR_AFTER.split("\n二、")[0], year=2022)
    with django_assert_num_queries(2):
        whole = review_import(text=YEAR_AFTER, year=2022)
    assert len(short.rows) < len(whole.rows)


def test_create_import_recreates_last_years_rate_links_and_carries_the_rest(report_2021):
    review = review_import(text=YEAR_AFTER, year=2022)
    assert review.links["mediation.resolution_rate"].problem == ""
    created = create_all(review)
    figures = {figure.code: figure for figure in Figure.objects.filter(report=created.report)}
    rate = figures["mediation.resolution_rate"]
    assert (rate.numerator.code, rate.denominator.code) == (
        "mediation.disputes_resolved",
        "mediation.disputes_screened",
    )
    lawyer = figures["mediation.lawyer_resolution_rate"]
    assert (lawyer.numerator_id, lawyer.denominator_id) == (
        figures["mediation.lawyer_disputes_resolved"].pk,
        figures["mediation.lawyer_disputes_accepted"].pk,
    )
    last = Figure.objects.get(report=report_2021, code="stability.permitted_event_plans")
    plans = figures["stability.permitted_event_plans"]
    assert (plans.name_en, plans.theme_en, plans.headline) == (last.name_en, last.theme_en, True)
    assert rate.history.count() == 1  # saved once, with its links
    assert created.report.summary == "" and set(created.report.sections.values_list("summary", flat=True)) == {""}
    sections = dict(created.report.sections.values_list("topic", "heading_en"))
    assert sections == dict(report_2021.sections.values_list("topic", "heading_en"))


def test_create_import_leaves_a_rate_unlinked_without_one_of_its_counts_and_says_so(report_2021):
    review = review_import(text=YEAR_AFTER, year=2022)
    rows = [row for row in review.initial if row["code"] != "mediation.disputes_screened"]
    created = create_all(review, rows=rows)
    rate = Figure.objects.get(report=created.report, code="mediation.resolution_rate")
    assert rate.numerator_id is None and rate.denominator_id is None
    assert "mediation.disputes_screened" in created.links["mediation.resolution_rate"].problem
    assert "這次沒有匯入" in created.links["mediation.resolution_rate"].problem


def test_create_import_leaves_a_rate_unlinked_when_its_counts_do_not_recompute(report_2021):
    text = YEAR_AFTER.replace("化解19800起", "化解19000起")  # 19000 / 20000 is 95%, the text says 99%
    review = review_import(text=text, year=2022)
    assert "數字對不上" in review.links["mediation.resolution_rate"].problem
    created = create_all(review, text=text)
    rate = Figure.objects.get(report=created.report, code="mediation.resolution_rate")
    assert not rate.is_linked_rate


def test_imported_figures_appear_in_last_years_charts(report_2021):
    created = create_all(review_import(text=YEAR_AFTER, year=2022))
    imported = set(Figure.objects.filter(report=created.report).values_list("code", flat=True))
    shown = 0
    for section in created.report.sections.all():
        last = report_2021.sections.get(topic=section.topic)
        for spec in SECTION_CHARTS[section.topic]:
            wanted = set(spec.codes) & imported
            if not wanted:
                continue
            new = selectors.chart_figures(year=2022, slug=section.slug, key=spec.key, drafts=True)
            old = selectors.chart_figures(year=2021, slug=last.slug, key=spec.key)
            assert set(new.figures.values_list("code", flat=True)) == wanted
            assert wanted <= set(old.figures.values_list("code", flat=True))
            shown += 1
    # duty modes, event plans, patrol points, environment cases and people, firearms cases, weapons seized,
    # disputes, resolution rates, lawyer mediation, follow-up: every chart the text restates a figure of.
    assert shown == 11


def test_new_codes_are_none_of_last_years(db):
    last = make_report(2029)
    make_figure(make_section(last, "part-1", topic="part-1", heading="另一部分"), 1, code="part.p2_1", value=7)
    text = "治安巡查\n全年檢查場所900家次。"
    review = review_import(text=text, year=2030)
    assert [row["code"] for row in review.initial] == ["part.p2_1_new"]


def test_find_headings_reads_a_numbered_heading():
    text = "一、道路交通 安全暢通\n甲，共1起。\n（二）電信詐騙\n乙，共2起。\n三、全年查處違法1起，整改2處"
    assert [heading.text for heading in find_headings(text)] == ["一、道路交通 安全暢通", "（二）電信詐騙"]


def test_checked_rows_names_each_row_create_would_refuse(report_2021, django_assert_num_queries):
    rows = review_import(text=YEAR_AFTER, year=2022).initial
    rows[0] = {**rows[0], "value": Decimal(18)}  # the clause states 17
    rows[13] = {**rows[13], "value": Decimal(120)}  # a percentage over 100
    rows[15] = {**rows[15], "paragraph": 12}  # the text has 11
    with django_assert_num_queries(1):
        problems = checked_rows(rows, text=YEAR_AFTER)
    assert sorted(problems) == [0, 13, 15]
    assert problems[15] == ["原文只有 11 段，沒有第 12 段。"]
    assert "沒有載明 18" in problems[0][0] and "百分比須介於 0 與 100 之間" in " ".join(problems[13])
    assert not Report.objects.filter(year=2022).exists()
