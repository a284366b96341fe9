"""The publish checklist (metrics.publication): each kind of item appears, links to its fix and goes once fixed;
publishing refuses while any is open."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from metrics import publication
from metrics.models import Figure
from reports.models import Report, Section
from tests.factories import make_figure, make_ready_draft, make_report, make_section

pytestmark = pytest.mark.django_db


def kinds(report) -> list[str]:
    return [item.kind for item in publication.report_checklist(report=report).items]


def only_item(report) -> publication.ChecklistItem:
    items = publication.report_checklist(report=report).items
    assert len(items) == 1, [item.message for item in items]
    return items[0]


def change_url(obj, anchor: str) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk]) + anchor


def test_report_checklist_of_a_ready_draft_is_empty():
    checklist = publication.report_checklist(report=make_ready_draft())
    assert checklist.ready and checklist.items == []


def test_report_checklist_of_the_2021_report_is_empty(report_2021, django_assert_num_queries):
    # The report before (none), the sections, the figures with their rates' counts.
    with django_assert_num_queries(3):
        checklist = publication.report_checklist(report=report_2021)
    assert [item.message for item in checklist.items] == []


@pytest.mark.parametrize(
    ("model", "field", "message"),
    [
        (Report, "title_en", "報告「2022年工作綜述（測試數據）」缺少英文標題。"),
        (Report, "agency_en", "報告「2022年工作綜述（測試數據）」缺少英文發布機關。"),
        (Report, "summary", "報告「2022年工作綜述（測試數據）」缺少中文概述。"),
        (Report, "summary_en", "報告「2022年工作綜述（測試數據）」缺少英文概述。"),
        (Report, "agency", "報告「2022年工作綜述（測試數據）」缺少中文發布機關。"),
        (Section, "heading_en", "章節「測試章節 mediation」缺少英文標題。"),
        (Section, "summary", "章節「測試章節 mediation」缺少中文摘要。"),
        (Section, "summary_en", "章節「測試章節 mediation」缺少英文摘要。"),
        (Figure, "name_en", "數據 mediation.disputes_screened「測試數據 1」缺少英文名稱。"),
        (Figure, "theme_en", "數據 mediation.disputes_screened「測試數據 1」缺少英文主題。"),
        (Figure, "theme", "數據 mediation.disputes_screened「測試數據 1」缺少中文主題。"),
    ],
)
def test_report_checklist_asks_for_missing_text_until_it_is_written(model, field, message):
    report = make_ready_draft()
    obj = {Report: report, Section: report.sections.first(), Figure: Figure.objects.order_by("position").first()}[model]
    written = getattr(obj, field)
    model.objects.filter(pk=obj.pk).update(**{field: ""})
    report.refresh_from_db()  # the checklist reads the report's own text from the object it is given
    item = only_item(report)
    assert (item.kind, item.message, item.url) == (publication.MISSING_TEXT, message, change_url(obj, f"#id_{field}"))
    model.objects.filter(pk=obj.pk).update(**{field: written})
    report.refresh_from_db()
    assert kinds(report) == []


def test_report_checklist_shows_last_years_summary_as_a_guide_and_never_copies_it(report_2021):
    draft = make_ready_draft(summary="", summary_en="")
    Section.objects.filter(report=draft).update(summary="")
    section_2021 = report_2021.sections.get(topic="mediation")
    items = publication.report_checklist(report=draft).items
    assert [(item.url.rsplit("/", 2)[-1], item.guide, item.guide_lang) for item in items] == [
        ("#id_summary", report_2021.summary, "zh-Hant"),
        ("#id_summary_en", report_2021.summary_en, "en"),
        ("#id_summary", section_2021.summary, "zh-Hant"),
    ]
    draft.refresh_from_db()
    assert draft.summary == "" and Section.objects.get(report=draft).summary == ""


def test_report_checklist_names_a_linked_rate_that_does_not_recompute_until_it_does():
    report = make_ready_draft()
    screened, resolved = Figure.objects.filter(report=report).order_by("position")
    rate = make_figure(
        report.sections.get(),
        3,
        code="mediation.resolution_rate",
        name="化解率",
        name_en="Rate",
        theme_en="Test",
        unit="%",
        value=Decimal("50.00"),
        source_quote="化解率50.00%",
        numerator=resolved,
        denominator=screened,
    )
    # 2 of 1 cannot be: the rate is stored broken, as an import could leave it.
    Figure.objects.filter(pk=resolved.pk).update(value=2, stated_value=2, source_quote="測試2起")
    item = only_item(report)
    assert item.kind == publication.RATE and item.url == change_url(rate, "#id_value")
    assert item.message.startswith("數據 mediation.resolution_rate「化解率」與分子、分母不符：分子不可大於分母")
    Figure.objects.filter(pk=resolved.pk).update(value=1, stated_value=1, source_quote="測試1起")
    Figure.objects.filter(pk=screened.pk).update(value=2, stated_value=2, source_quote="測試2起")
    assert kinds(report) == []


def test_report_checklist_names_a_clause_that_does_not_state_its_value_until_it_does():
    report = make_ready_draft()
    figure = Figure.objects.get(report=report, position=2)
    Figure.objects.filter(pk=figure.pk).update(source_quote="測試3起")
    item = only_item(report)
    assert item.kind == publication.CLAUSE and item.url == change_url(figure, "#id_source_quote")
    assert item.message == "數據 mediation.disputes_resolved「測試數據 2」的原文引句「測試3起」沒有載明所載數值。"
    Figure.objects.filter(pk=figure.pk).update(source_quote="化解2起")
    assert kinds(report) == []


def test_report_checklist_asks_for_sections_then_figures_then_charts():
    report = make_report(2022, published=False, title_en="T", agency_en="A", summary="概述", summary_en="S")
    item = only_item(report)
    assert (item.kind, item.url) == (publication.NO_SECTIONS, change_url(report, "#sections-group"))

    section = make_section(report, "mediation", heading_en="H", summary="摘要", summary_en="S")
    item = only_item(report)
    assert (item.kind, item.url) == (publication.NO_FIGURES, change_url(section, "#figures-group"))
    assert item.message == "章節「測試章節 mediation」沒有任何數據。"

    # The mediation charts name 2021's codes: a figure of a code no chart names is drawn in none.
    figure = make_figure(section, 1, name_en="F", theme_en="T")
    item = only_item(report)
    assert (item.kind, item.url) == (publication.NO_CHARTS, change_url(section, "#figures-group"))
    assert "主題「mediation」的圖表不含本章任何一筆數據的代碼" in item.message

    Figure.objects.filter(pk=figure.pk).update(code="mediation.return_visits")
    assert kinds(report) == []


def test_report_checklist_counts_the_unit_charts_of_a_topic_without_specs_as_charts():
    """A topic no spec names charts every figure by unit (specs_for): its section page has charts."""
    report = make_report(2022, published=False, title_en="T", agency_en="A", summary="概述", summary_en="S")
    section = make_section(report, "traffic", heading_en="H", summary="摘要", summary_en="S")
    make_figure(section, 1, name_en="F", theme_en="T")
    assert kinds(report) == []


def test_report_checklist_reads_a_whole_report_in_four_queries(report_2021, django_assert_num_queries):
    report = make_ready_draft()
    section = report.sections.get()
    # The report before, its sections, the draft's sections, its figures: however many figures.
    with django_assert_num_queries(4):
        publication.report_checklist(report=report)
    Figure.objects.bulk_create(
        Figure(
            report=report,
            section=section,
            code=f"mediation.extra_{index}",
            name=f"其他 {index}",
            theme="測試",
            value=index,
            stated_value=index,
            decimals=0,
            unit_id="起",
            source_paragraph=1,
            source_quote=f"其他{index}起",
            position=10 + index,
        )
        for index in range(1, 40)
    )
    with django_assert_num_queries(4):
        checklist = publication.report_checklist(report=report)
    assert {item.kind for item in checklist.items} == {publication.MISSING_TEXT}


def test_checklist_counts_reads_any_number_of_reports_in_two_queries(django_assert_num_queries):
    ready = make_ready_draft(2022)
    empty = make_report(2023, published=False)
    with django_assert_num_queries(2):
        counts = publication.checklist_counts(reports=[ready, empty])
    # 2023: English title, English agency, both summaries, no sections.
    assert counts == {ready.pk: 0, empty.pk: 5}


def test_publish_report_refuses_with_the_open_items_and_writes_nothing(make_user):
    report = make_ready_draft(summary_en="")
    with pytest.raises(publication.PublishRefused) as refused:
        publication.publish_report(report=report, user=make_user("editor"))
    assert [item.kind for item in refused.value.items] == [publication.MISSING_TEXT]
    assert refused.value.messages == ["報告「2022年工作綜述（測試數據）」缺少英文概述。"]
    report.refresh_from_db()
    assert not report.published and report.history.count() == 1


def test_publish_report_publishes_a_ready_draft_with_its_reason_and_editor(make_user):
    editor = make_user("editor")
    report = publication.publish_report(report=make_ready_draft(), user=editor)
    assert Report.objects.get(pk=report.pk).published
    record = report.history.first()
    assert (record.history_change_reason, record.history_user) == ("發布報告草稿", editor)


def test_report_checklist_names_a_source_paragraph_past_the_end_of_the_attached_text(django_assert_num_queries):
    from reports.models import SourceText

    report = make_ready_draft()
    SourceText.objects.create(report=report, text="第一段\n第二段\n第三段", origin="test.txt")
    figure = report.figures.get(code="mediation.disputes_resolved")
    assert figure.source_paragraph <= 3 and report.sections.get().source_paragraph <= 3
    assert kinds(report) == []
    Figure.objects.filter(pk=figure.pk).update(source_paragraph=7)  # as stored before the text was attached
    with django_assert_num_queries(3):  # the report before, the sections with the text's length, the figures
        item = only_item(report)
    assert item.kind == publication.SOURCE_PARAGRAPH
    assert item.message == "數據 mediation.disputes_resolved「測試數據 2」的來源段落是第 7 段，但附上的原文只有 3 段。"
    assert item.url == change_url(figure, "#id_source_paragraph")
    Figure.objects.filter(pk=figure.pk).update(source_paragraph=3)
    assert kinds(report) == []


def test_report_checklist_asks_for_the_english_name_of_a_unit_its_figures_use():
    from tests.factories import unit

    report = make_ready_draft()
    new_unit = unit("宗")
    assert new_unit.name_en == ""
    figure = report.figures.first()
    Figure.objects.filter(pk=figure.pk).update(unit=new_unit, value=5, stated_value=5, source_quote="查處5宗")
    item = only_item(report)
    assert item.kind == publication.UNIT_ENGLISH and item.message == "單位「宗」缺少英文名稱。"
    assert item.url == change_url(new_unit, "#id_name_en")
    new_unit.name_en = "cases"
    new_unit.save()
    assert kinds(report) == []


def test_publish_report_records_when_it_was_published_and_keeps_a_release_time_ahead():
    draft = make_ready_draft()
    release_at = timezone.now() + timedelta(days=1)
    Report.objects.filter(pk=draft.pk).update(release_at=release_at)
    before = timezone.now()
    published = publication.publish_report(report=draft, user=None)
    stored = Report.objects.get(pk=draft.pk)
    assert stored.published and before <= stored.published_at <= timezone.now()
    assert stored.release_at == release_at and not stored.is_released
    assert published.published_at == stored.published_at
