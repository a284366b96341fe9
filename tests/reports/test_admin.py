"""The editors' admin through its real URLs: validation of edits, the audit trail, the figure changelist.

Forms are posted the way a browser would: the page's own form data, with the edit applied.
"""

import re
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from metrics.admin import FigureAdmin
from metrics.choices import Unit
from metrics.management.commands.seed_report import record_history_baseline
from metrics.models import Figure
from reports.choices import SectionSlug
from reports.models import NotableCase, Report, Section

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module")]

RESOLVED = "mediation.disputes_resolved"  # 17918 起
SCREENED = "mediation.disputes_screened"  # 18161 起
RATE = "mediation.resolution_rate"  # 98.66 %, linked to the two counts above
PLAIN = "stability.permitted_event_plans"  # 14 場, linked to nothing

COUNT_BREAKS_RATE = (
    "比率須等於分子 ÷ 分母 × 100 四捨五入到小數 2 位：「化解矛盾糾紛」改為 17920 後為 17920 ÷ 18161 × 100 = "
    "98.67298…%，四捨五入為 98.67%，但「矛盾糾紛化解率」為 98.66%。請把分子、分母與比率放在同一次儲存中修改"
    "（數據列表或章節頁），或在修改紀錄中「還原整次儲存」。"
)
REASON = "依核對後的統計更正"
FIGURE_CHANGELIST = reverse("admin:metrics_figure_changelist")

#: Session, user, permissions, counts, results, filter choices: a constant, whatever the rows.
MAX_FIGURE_CHANGELIST_QUERIES = 10


@pytest.fixture
def audited_report(report_2021) -> Report:
    """The 2021 report with its history baseline, as `make run` loads it."""
    record_history_baseline()
    return report_2021


def figure(code: str) -> Figure:
    return Figure.objects.get(report__year=2021, code=code)


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def _form_data(form) -> dict:
    """What a browser posts for ``form`` as shown: each field, and the hidden initial value of versioned fields."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if field.show_hidden_initial:
            data[form.add_initial_prefix(name)] = "" if value is None else str(value)
        if value is None or value is False:
            continue
        data[form.add_prefix(name)] = "on" if value is True else value
    return data


def admin_form_data(response, **changes) -> dict:
    """The POST data that saves the admin form on this page as shown, with ``changes`` to the main form."""
    data = _form_data(response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets") or []:
        data |= _form_data(inline.formset.management_form)
        for form in inline.formset.forms:
            data |= _form_data(form)
    return data | changes


def inline_field(response, obj, field: str) -> str:
    """The POST name of ``field`` in the inline row that edits ``obj``."""
    for inline in response.context["inline_admin_formsets"]:
        for form in inline.formset.forms:
            if type(form.instance) is type(obj) and form.instance.pk == obj.pk:
                return form.add_prefix(field)
    raise LookupError(f"no inline row for {obj!r}")


def changelist_data(page, *rows: tuple[Figure, str] | tuple[Figure, str, str]) -> dict:
    """The POST data that saves the figure list ``page`` as a browser shows it, with the rows
    (figure, new value[, correction reason]) edited."""
    formset = page.context["cl"].formset
    data = _form_data(formset.management_form) | {"_save": "儲存"}
    forms = {form.instance.pk: form for form in formset.forms}
    for form in forms.values():
        data |= _form_data(form)
    for figure, value, *reason in rows:
        form = forms[figure.pk]
        data[form.add_prefix("value")] = value
        if reason:
            data[form.add_prefix("correction_reason")] = reason[0]
    return data


def post_changelist(client, *rows, page=None):
    """Save the figure list as loaded in ``page`` (loaded now when None) with ``rows`` edited."""
    page = page or client.get(FIGURE_CHANGELIST)
    return client.post(FIGURE_CHANGELIST, changelist_data(page, *rows))


def post_change_form(client, obj, **changes):
    response = client.get(change_url(obj))
    return client.post(change_url(obj), admin_form_data(response, **changes))


def test_figure_changelist_rejects_count_that_breaks_rate(editor_client, audited_report):
    response = post_changelist(editor_client, (figure(RESOLVED), "17920", REASON))
    assert response.status_code == 200
    assert COUNT_BREAKS_RATE in response.content.decode()
    assert figure(RESOLVED).value == Decimal("17918")
    assert figure(RESOLVED).history.count() == 1


def test_figure_changelist_accepts_count_and_rate_in_same_save(editor_client, audited_report):
    response = post_changelist(editor_client, (figure(RESOLVED), "17920", REASON), (figure(RATE), "98.67", REASON))
    assert response.status_code == 302
    assert (figure(RESOLVED).value, figure(RATE).value) == (Decimal("17920"), Decimal("98.67"))


def test_figure_changelist_rejects_rate_edit_alone(editor_client, audited_report):
    response = post_changelist(editor_client, (figure(RATE), "95", REASON))
    assert (
        "比率須等於分子 ÷ 分母 × 100 四捨五入到小數 2 位：「化解矛盾糾紛」17918 ÷「排查矛盾糾紛」18161 × 100 = "
        "98.661967…%，四捨五入為 98.66%，但「矛盾糾紛化解率」填為 95.00%。"
    ) in response.content.decode()
    assert figure(RATE).value == Decimal("98.66")


def test_figure_changelist_rejects_numerator_above_denominator(editor_client, audited_report):
    response = post_changelist(editor_client, (figure(RESOLVED), "18200", REASON), (figure(RATE), "100", REASON))
    assert "分子不可大於分母：「化解矛盾糾紛」為 18200，大於「排查矛盾糾紛」的 18161。" in response.content.decode()
    assert (figure(RESOLVED).value, figure(RATE).value) == (Decimal("17918"), Decimal("98.66"))


def test_figure_changelist_rejects_fractional_count(editor_client, audited_report):
    response = post_changelist(editor_client, (figure(PLAIN), "14.5", REASON))
    assert "計數須為非負整數：單位「場」不可有小數，但填入的是 14.5。" in response.content.decode()
    assert figure(PLAIN).value == Decimal("14")


def test_figure_changelist_bulk_edit_records_history_with_user(editor_client, audited_report):
    post_changelist(editor_client, (figure(RESOLVED), "17920", REASON), (figure(RATE), "98.67", REASON))
    for code, value in ((RESOLVED, Decimal("17920")), (RATE, Decimal("98.67"))):
        latest = figure(code).history.first()
        assert (latest.history_type, latest.value, latest.history_user.username, latest.history_change_reason) == (
            "~",
            value,
            "editor-user",
            "在列表中直接修改",
        )


def test_figure_change_form_rejects_count_that_breaks_rate(editor_client, audited_report):
    response = post_change_form(editor_client, figure(RESOLVED), value="17920", correction_reason=REASON)
    assert response.status_code == 200
    assert COUNT_BREAKS_RATE in response.content.decode()
    assert figure(RESOLVED).value == Decimal("17918")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"value": "-1"}, "數值不可為負數：填入的是 -1。"),
        ({"unit": Unit.PERCENT, "value": "140"}, "百分比須介於 0 與 100 之間：填入的是 140%。"),
        ({"code": "Stability.Plans"}, "「Stability.Plans」不符合。"),
        ({"code": "stability.government_event_plans"}, "這份報告已有代碼「stability.government_event_plans」"),
    ],
)
def test_figure_change_form_rejects_invalid_edit(editor_client, audited_report, changes, message):
    response = post_change_form(editor_client, figure(PLAIN), **changes)
    assert response.status_code == 200
    assert message in response.content.decode()
    stored = figure(PLAIN)
    assert (stored.value, stored.unit_id) == (Decimal("14"), Unit.CHANG)


def test_figure_change_form_edit_records_user_and_reason(editor_client, audited_report):
    response = post_change_form(
        editor_client, figure(PLAIN), value="15", correction_reason=REASON, change_reason="依原文更正"
    )
    assert response.status_code == 302
    latest = figure(PLAIN).history.first()
    assert (latest.value, latest.history_user.username, latest.history_change_reason) == (
        Decimal("15"),
        "editor-user",
        "依原文更正",
    )


def test_figure_add_form_records_creation_with_user_and_reason(editor_client, audited_report):
    mediation = audited_report.sections.get(slug=SectionSlug.MEDIATION)
    data = {
        "report": audited_report.pk,
        "section": mediation.pk,
        "code": "mediation.hotline_calls",
        "name": "熱線來電",
        "theme": "測試",
        "value": "12",
        "unit": Unit.CI,
        "qualifier": "exact",
        "source_paragraph": "19",
        "source_quote": "熱線來電12次",
        "position": "99",
        "change_reason": "新增數據",
    }
    response = editor_client.post(reverse("admin:metrics_figure_add"), data)
    assert response.status_code == 302
    created = figure("mediation.hotline_calls").history.get()
    assert (created.history_type, created.history_user.username, created.history_change_reason) == (
        "+",
        "editor-user",
        "新增數據",
    )


def test_figure_delete_records_history_with_user(editor_client, audited_report):
    plain = figure(PLAIN)
    response = editor_client.post(reverse("admin:metrics_figure_delete", args=[plain.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Figure.objects.filter(pk=plain.pk).exists()
    deleted = Figure.history.filter(id=plain.pk).first()
    assert (deleted.history_type, deleted.history_user.username) == ("-", "editor-user")


def test_section_change_form_rejects_count_that_breaks_rate(editor_client, audited_report):
    section = audited_report.sections.get(slug=SectionSlug.MEDIATION)
    page = editor_client.get(change_url(section))
    data = admin_form_data(page) | {
        inline_field(page, figure(RESOLVED), "value"): "17920",
        inline_field(page, figure(RESOLVED), "correction_reason"): REASON,
    }
    response = editor_client.post(change_url(section), data)
    assert response.status_code == 200
    assert COUNT_BREAKS_RATE in response.content.decode()
    assert figure(RESOLVED).value == Decimal("17918")


def test_section_change_form_saves_count_and_rate_with_reason(editor_client, audited_report):
    section = audited_report.sections.get(slug=SectionSlug.MEDIATION)
    page = editor_client.get(change_url(section))
    data = admin_form_data(page, change_reason="化解數更正") | {
        inline_field(page, figure(RESOLVED), "value"): "17920",
        inline_field(page, figure(RESOLVED), "correction_reason"): REASON,
        inline_field(page, figure(RATE), "value"): "98.67",
        inline_field(page, figure(RATE), "correction_reason"): REASON,
    }
    response = editor_client.post(change_url(section), data)
    assert response.status_code == 302
    for code, value in ((RESOLVED, Decimal("17920")), (RATE, Decimal("98.67"))):
        latest = figure(code).history.first()
        assert (latest.value, latest.history_user.username, latest.history_change_reason) == (
            value,
            "editor-user",
            "化解數更正",
        )


def test_figure_history_page_shows_changed_value_user_and_reason(editor_client, audited_report):
    section = audited_report.sections.get(slug=SectionSlug.MEDIATION)
    page = editor_client.get(change_url(section))
    data = admin_form_data(page, change_reason="化解數更正") | {
        inline_field(page, figure(RESOLVED), "value"): "17920",
        inline_field(page, figure(RESOLVED), "correction_reason"): REASON,
        inline_field(page, figure(RATE), "value"): "98.67",
        inline_field(page, figure(RATE), "correction_reason"): REASON,
    }
    editor_client.post(change_url(section), data)
    response = editor_client.get(reverse("admin:metrics_figure_history", args=[figure(RESOLVED).pk]))
    html = response.content.decode()
    assert re.search(r"<strong>數值:</strong>\s*17918\s*(&nbsp;)*&rarr;(&nbsp;)*\s*17920", html)
    assert "修改者" in html
    assert "editor-user" in html
    assert "化解數更正" in html


def test_figure_history_revert_restores_value(editor_client, audited_report):
    post_change_form(editor_client, figure(PLAIN), value="15", correction_reason=REASON)
    baseline = figure(PLAIN).history.get(history_type="+")
    revert_url = reverse("admin:metrics_figure_simple_history", args=[baseline.id, baseline.history_id])
    page = editor_client.get(revert_url)
    assert 'value="還原"' in page.content.decode()
    response = editor_client.post(revert_url, admin_form_data(page, change_reason="還原"))
    assert response.status_code == 302
    assert figure(PLAIN).value == Decimal("14")
    latest = figure(PLAIN).history.first()
    assert (latest.value, latest.history_user.username, latest.history_change_reason) == (
        Decimal("14"),
        "editor-user",
        "還原",
    )


def test_figure_history_revert_that_breaks_rate_is_rejected(editor_client, audited_report):
    post_changelist(editor_client, (figure(RESOLVED), "18000", REASON), (figure(RATE), "99.11", REASON))
    baseline = figure(RESOLVED).history.get(history_type="+")
    revert_url = reverse("admin:metrics_figure_simple_history", args=[baseline.id, baseline.history_id])
    response = editor_client.post(revert_url, admin_form_data(editor_client.get(revert_url)))
    assert response.status_code == 200
    assert (
        "「化解矛盾糾紛」改為 17918 後為 17918 ÷ 18161 × 100 = 98.661967…%，"
        "四捨五入為 98.66%，但「矛盾糾紛化解率」為 99.11%" in response.content.decode()
    )
    assert figure(RESOLVED).value == Decimal("18000")


def test_section_page_shows_edited_value_at_once(editor_client, audited_report):
    post_changelist(editor_client, (figure(RESOLVED), "17920", REASON), (figure(RATE), "98.67", REASON))
    html = editor_client.get("/reports/2021/mediation/").content.decode()
    assert "17,920起" in html
    # The report's number shows only as what the report states: in the page's correction
    # note (報告原載 17,918起) and in the chart's table (原文：17,918起), never as the value.
    assert html.count("17,918起") == 2
    assert "報告原載 17,918起" in html and "原文：17,918起" in html


def test_figure_changelist_shows_rate_status_and_change_form_provenance(editor_client, audited_report):
    Figure.objects.filter(code=RATE).update(value=Decimal("95"), stated_value=Decimal("95"))
    html = editor_client.get(FIGURE_CHANGELIST, {"unit": Unit.PERCENT}).content.decode()
    assert "✗ 17918/18161 = 98.66% ≠ 95.00%" in html
    assert "✓ 一致" in html  # the lawyer-mediation rate, 425 ÷ 464
    form = editor_client.get(change_url(figure(RATE))).content.decode()
    assert 'value="19"' in form
    assert "化解率98.66%" in form


@pytest.mark.parametrize(
    ("params", "codes"),
    [
        (
            {"q": "律師駐所"},
            {
                "mediation.lawyer_disputes_accepted",
                "mediation.lawyer_disputes_resolved",
                "mediation.lawyer_resolution_rate",
            },
        ),
        ({"unit": Unit.JIAN, "q": "煙花"}, {"crackdown.fireworks_seized"}),
        ({"qualifier": "over", "q": "噸"}, {"crackdown.textile_case_wastewater_discharged"}),
    ],
)
def test_figure_changelist_filters_and_searches_in_chinese(editor_client, audited_report, params, codes):
    response = editor_client.get(FIGURE_CHANGELIST, params)
    assert {row.code for row in response.context["cl"].result_list} == codes


def test_figure_changelist_filters_by_report_and_section(editor_client, audited_report):
    other = _report_with_figures(6)
    mediation = audited_report.sections.get(slug=SectionSlug.MEDIATION)
    by_report = editor_client.get(FIGURE_CHANGELIST, {"report__id__exact": other.pk}).context["cl"]
    assert {row.report_id for row in by_report.result_list} == {other.pk}
    assert by_report.result_count == 6
    by_section = editor_client.get(FIGURE_CHANGELIST, {"section__id__exact": mediation.pk}).context["cl"]
    assert {row.section_id for row in by_section.result_list} == {mediation.pk}
    assert by_section.result_count == 17


def _report_with_figures(count: int) -> Report:
    """A 2022 report whose mediation section holds ``count`` figures: a third of them linked rates."""
    report = Report.objects.create(year=2022, title="2022年工作綜述", agency="萬州區公安局")
    section = Section.objects.create(
        report=report, slug=SectionSlug.MEDIATION, topic="mediation", position=3, heading="矛盾化解", source_paragraph=1
    )
    common = {"report": report, "section": section, "theme": "測試", "source_paragraph": 1, "source_quote": "測試"}
    rates = count // 3
    counts = Figure.objects.bulk_create(
        Figure(
            code=f"mediation.count_{i}", name=f"計數{i}", value=100 + i, unit_id=Unit.QI, position=rates + i, **common
        )
        for i in range(count - rates)
    )
    Figure.objects.bulk_create(
        Figure(
            code=f"mediation.rate_{i}",
            name=f"比率{i}",
            value=Decimal("50"),
            unit_id=Unit.PERCENT,
            numerator=counts[2 * i],
            denominator=counts[2 * i + 1],
            position=i,
            **common,
        )
        for i in range(rates)
    )
    return report


def test_figure_changelist_query_count_does_not_grow_with_rows(
    editor_client, audited_report, django_assert_max_num_queries
):
    with django_assert_max_num_queries(MAX_FIGURE_CHANGELIST_QUERIES) as with_54:
        response = editor_client.get(FIGURE_CHANGELIST, {"report__id__exact": audited_report.pk})
    assert len(response.context["cl"].result_list) == 54

    larger = _report_with_figures(200)
    with django_assert_max_num_queries(MAX_FIGURE_CHANGELIST_QUERIES) as with_page_of_200:
        response = editor_client.get(FIGURE_CHANGELIST, {"report__id__exact": larger.pk})
    assert response.context["cl"].result_count == 200
    assert len(response.context["cl"].result_list) == FigureAdmin.list_per_page
    assert "✗ 100/101 = 99% ≠ 50%" in response.content.decode()  # rates stated with 0 places
    assert len(with_page_of_200.captured_queries) <= len(with_54.captured_queries)


def test_view_on_site_opens_the_portal_page(editor_client, audited_report):
    for obj, url in (
        (figure(RESOLVED), f"/reports/2021/mediation/#figure-{RESOLVED}"),
        (audited_report.sections.get(slug=SectionSlug.MEDIATION), "/reports/2021/mediation/"),
    ):
        content_type = ContentType.objects.get_for_model(obj)
        response = editor_client.get(reverse("admin:view_on_site", args=[content_type.pk, obj.pk]))
        assert response.status_code == 302
        assert response.url.endswith(url)


def test_admin_index_shows_chinese_site_header(editor_client, audited_report):
    html = editor_client.get(reverse("admin:index")).content.decode()
    assert "萬州區公安局工作報告管理後台" in html
    assert "數據" in html


def test_notable_case_change_form_rejects_month_13(editor_client, audited_report):
    case = NotableCase.objects.get(month=6)
    response = post_change_form(editor_client, case, month="13")
    assert "月份須介於 1 與 12 之間：填入的是 13。" in response.content.decode()
    assert NotableCase.objects.get(pk=case.pk).month == 6


def test_report_change_form_rejects_implausible_year(editor_client, audited_report):
    response = post_change_form(editor_client, audited_report, year="1900")
    assert "年度須介於 1949 與 2100 之間：填入的是 1900。" in response.content.decode()
    assert Report.objects.filter(year=2021).exists()


def test_section_with_figures_cannot_move_to_another_report(editor_client, audited_report):
    other = Report.objects.create(year=2022, title="2022年工作綜述", agency="萬州區公安局")
    section = audited_report.sections.get(slug=SectionSlug.MEDIATION)
    data = admin_form_data(editor_client.get(change_url(section))) | {"report": str(other.pk)}
    response = editor_client.post(change_url(section), data)
    assert response.status_code == 200
    assert "不能移到另一份報告" in response.content.decode()
    section.refresh_from_db()
    assert section.report_id == audited_report.pk
    assert Figure.objects.filter(section=section, report=audited_report).count() == 17
