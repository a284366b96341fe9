"""Two editors in the figure admin: stale saves refused with who changed what, the list writing only
changed rows, a whole save reverted in one step, numbers edited with the places the report states.

Each editor is a separate logged-in client; forms are posted as the browser would have
posted the page that editor loaded (tests/admin_forms.py builds that data).
"""

import re
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import reverse

from common.versioning import StaleVersion
from metrics.admin import FigureAdmin
from metrics.choices import Unit
from metrics.models import Figure
from reports.choices import SectionSlug
from reports.models import NotableCase, Report, Section
from tests.admin_forms import (
    COUNT_BREAKS_RATE,
    FIGURE_CHANGELIST,
    MAX_FIGURE_CHANGELIST_QUERIES,
    PLAIN,
    RATE,
    REASON,
    RESOLVED,
    SCREENED,
    admin_form_data,
    change_url,
    changelist_data,
    figure,
    inline_field,
    post_change_form,
    post_changelist,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module", "second_approval_off")]

VISITS = "mediation.return_visits"  # 1087 次, in the mediation section, linked to nothing
KEPT = "您填入的值已保留，其餘欄位已更新為目前儲存的內容；核對後再按一次「儲存」即以您填入的值為準。"


@pytest.fixture
def editors(make_user) -> tuple[Client, Client]:
    """Editor A and editor B, each logged in on a client of their own."""
    clients = []
    for name in ("editor-a", "editor-b"):
        client = Client()
        client.force_login(make_user("editor", username=name))
        clients.append(client)
    return clients[0], clients[1]


def errors(response) -> list[str]:
    """The texts of every error list on the page."""
    return [
        re.sub(r"<[^>]+>", "", item)
        for block in re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S)
        for item in re.findall(r"<li>(.*?)</li>", block, re.S)
    ]


def test_change_form_refuses_stale_save_naming_editor_and_fields(editors, audited_report):
    a, b = editors
    plain = figure(PLAIN)
    page_b = b.get(change_url(plain))
    page_a = a.get(change_url(plain))
    saved = a.post(
        change_url(plain), admin_form_data(page_a, value="15", name="許可活動方案", correction_reason=REASON)
    )
    assert saved.status_code == 302

    response = b.post(change_url(plain), admin_form_data(page_b, value="16", correction_reason="B 的原因"))

    assert response.status_code == 200
    shown = errors(response)
    assert shown[0].startswith("「2021 許可活動方案」在您開啟表單後已被 editor-a 修改（")
    assert shown[0].endswith("，版本 1 → 2），這次儲存沒有寫入。")
    assert "數值：目前儲存的是「15」，您送出的是「16」。" in shown, shown
    assert "指標名稱：目前儲存的是「許可活動方案」，您送出的是「許可活動安全監管方案」。" in shown
    assert f"更正原因：目前儲存的是「{REASON}」，您送出的是「B 的原因」。" in shown
    assert shown[-1] == KEPT
    stored = figure(PLAIN)
    assert (stored.value, stored.name, stored.version) == (Decimal("15"), "許可活動方案", 2)


def test_change_form_after_conflict_keeps_typed_values_and_reapplies_them(editors, audited_report):
    a, b = editors
    plain = figure(PLAIN)
    page_b = b.get(change_url(plain))
    a.post(change_url(plain), admin_form_data(a.get(change_url(plain)), name="許可活動方案"))
    refused = b.post(change_url(plain), admin_form_data(page_b, value="16", correction_reason="B 的原因"))
    form = refused.context["adminform"].form
    assert (form["value"].value(), form["name"].value(), form["version"].value()) == ("16", "許可活動方案", "2")

    resaved = b.post(change_url(plain), admin_form_data(refused))

    assert resaved.status_code == 302
    stored = figure(PLAIN)
    # B's typed value wins; A's new name, which B never touched, stays.
    assert (stored.value, stored.name, stored.correction_reason, stored.version) == (
        Decimal("16"),
        "許可活動方案",
        "B 的原因",
        3,
    )
    assert stored.history.first().history_user.username == "editor-b"


def test_list_writes_only_changed_rows_of_a_page_loaded_before_another_save(editors, audited_report):
    a, b = editors
    page_b = b.get(FIGURE_CHANGELIST)
    assert post_changelist(a, (figure(RESOLVED), "17920", REASON), (figure(RATE), "98.67", REASON)).status_code == 302

    response = post_changelist(b, (figure(PLAIN), "15", REASON), page=page_b)

    assert errors(response) == []
    assert response.status_code == 302
    assert (figure(RESOLVED).value, figure(RATE).value, figure(PLAIN).value) == (
        Decimal("17920"),
        Decimal("98.67"),
        Decimal("15"),
    )
    assert figure(RESOLVED).history.first().history_user.username == "editor-a"
    assert figure(RESOLVED).history.count() == 2


def test_list_refuses_stale_row_and_keeps_the_rest_unsaved(editors, audited_report):
    a, b = editors
    page_b = b.get(FIGURE_CHANGELIST)
    post_changelist(a, (figure(RESOLVED), "17920", REASON), (figure(RATE), "98.67", REASON))

    response = post_changelist(b, (figure(RESOLVED), "17930", "B 的原因"), (figure(PLAIN), "15", REASON), page=page_b)

    assert response.status_code == 200
    shown = errors(response)
    assert any(line.startswith("「2021 化解矛盾糾紛」在您開啟表單後已被 editor-a 修改（") for line in shown)
    assert "數值：目前儲存的是「17920」，您送出的是「17930」。" in shown
    assert KEPT in shown
    assert (figure(RESOLVED).value, figure(PLAIN).value) == (Decimal("17920"), Decimal("14"))


def test_section_inline_rows_unchanged_by_the_editor_are_not_written(editors, audited_report):
    a, b = editors
    section = audited_report.sections.get(slug=SectionSlug.MEDIATION)
    page_b = b.get(change_url(section))
    post_changelist(a, (figure(RESOLVED), "17920", REASON), (figure(RATE), "98.67", REASON))

    data = admin_form_data(page_b) | {inline_field(page_b, figure(VISITS), "value"): "1088"}
    data[inline_field(page_b, figure(VISITS), "correction_reason")] = REASON
    response = b.post(change_url(section), data)

    assert response.status_code == 302
    assert (figure(RESOLVED).value, figure(RATE).value, figure(VISITS).value) == (
        Decimal("17920"),
        Decimal("98.67"),
        Decimal("1088"),
    )


def test_section_inline_refuses_stale_row(editors, audited_report):
    a, b = editors
    section = audited_report.sections.get(slug=SectionSlug.MEDIATION)
    page_b = b.get(change_url(section))
    post_changelist(a, (figure(VISITS), "1088", REASON))

    data = admin_form_data(page_b) | {inline_field(page_b, figure(VISITS), "value"): "1090"}
    data[inline_field(page_b, figure(VISITS), "correction_reason")] = "B 的原因"
    response = b.post(change_url(section), data)

    assert response.status_code == 200
    assert "數值：目前儲存的是「1088」，您送出的是「1090」。" in errors(response)
    assert figure(VISITS).value == Decimal("1088")


def test_notable_case_change_form_refuses_stale_save(editors, audited_report):
    a, b = editors
    case = NotableCase.objects.get(month=6)
    page_b = b.get(change_url(case))
    a.post(change_url(case), admin_form_data(a.get(change_url(case)), month="7"))

    response = b.post(change_url(case), admin_form_data(page_b, title="改名的案例"))

    assert response.status_code == 200
    assert "月份：目前儲存的是「7」，您送出的是「6」。" in errors(response)
    stored = NotableCase.objects.get(pk=case.pk)
    assert (stored.month, stored.title, stored.version) == (7, case.title, 2)


def test_conditional_update_refuses_a_stale_object_outside_any_form(audited_report):
    first, second = figure(PLAIN), figure(PLAIN)
    first.name = "先存"
    first.save()
    second.name = "後存"
    with pytest.raises(StaleVersion), transaction.atomic():
        second.save()
    assert (figure(PLAIN).name, figure(PLAIN).version, second.version) == ("先存", 2, 1)


def test_stale_save_that_slips_past_validation_is_refused_by_the_conditional_update(
    editors, audited_report, monkeypatch
):
    """Where rows cannot be locked, a save can land between B's check and B's write: nothing is written."""
    a, b = editors
    plain = figure(PLAIN)
    page_b = b.get(change_url(plain))
    a.post(change_url(plain), admin_form_data(a.get(change_url(plain)), name="許可活動方案"))
    monkeypatch.setattr("metrics.forms.check_figure_save", lambda forms, **kwargs: [])

    response = b.post(change_url(plain), admin_form_data(page_b, value="16", correction_reason="B 的原因"), follow=True)

    assert "儲存時發現「2021 許可活動安全監管方案」剛被他人修改，這次儲存沒有寫入：請重新載入頁面，核對後再修改。" in (
        response.content.decode()
    )
    stored = figure(PLAIN)
    assert (stored.value, stored.name, stored.version) == (Decimal("14"), "許可活動方案", 2)


def change_set_url(code: str) -> str:
    return reverse("admin:metrics_figure_changeset", args=[figure(code).history.first().change_set])


def test_list_save_is_one_change_set_with_one_reason(editors, audited_report):
    a, _b = editors
    post_changelist(a, (figure(RESOLVED), "17920", REASON), (figure(RATE), "98.67", REASON))
    resolved, rate = figure(RESOLVED).history.first(), figure(RATE).history.first()
    assert resolved.change_set is not None
    assert resolved.change_set == rate.change_set
    html = a.get(change_set_url(RESOLVED)).content.decode()
    assert "化解矛盾糾紛" in html
    assert "矛盾糾紛化解率" in html
    assert "17918 &rarr; 17920" in html
    assert "98.66 &rarr; 98.67" in html
    history = a.get(reverse("admin:metrics_figure_history", args=[figure(RESOLVED).pk])).content.decode()
    assert change_set_url(RESOLVED) in history


def test_revert_this_save_restores_a_count_and_its_rate_in_one_step(editors, audited_report):
    a, b = editors
    post_changelist(a, (figure(RESOLVED), "17920", REASON), (figure(RATE), "98.67", REASON))
    url = change_set_url(RESOLVED)

    response = b.post(url, {"change_reason": "撤回更正"})

    assert response.status_code == 302
    resolved, rate = figure(RESOLVED), figure(RATE)
    assert (resolved.value, rate.value) == (Decimal("17918"), Decimal("98.66"))
    assert not resolved.is_correction and resolved.correction_reason == ""
    latest = [resolved.history.first(), rate.history.first()]
    assert {record.history_change_reason for record in latest} == {"撤回更正"}
    assert {record.history_user.username for record in latest} == {"editor-b"}
    assert latest[0].change_set == latest[1].change_set
    assert latest[0].change_set != figure(RESOLVED).history.all()[1].change_set


def test_revert_this_save_is_refused_when_a_figure_changed_since(editors, audited_report):
    a, b = editors
    post_changelist(a, (figure(RESOLVED), "17920", REASON), (figure(RATE), "98.67", REASON))
    url = change_set_url(RESOLVED)
    post_changelist(b, (figure(RESOLVED), "17921", REASON), (figure(SCREENED), "18162", REASON))

    response = a.post(url, {})

    assert response.status_code == 200
    assert errors(response) == [
        "「化解矛盾糾紛」在這次儲存之後又被 editor-b 修改過（版本 2 → 3），無法整次還原；"
        "請先還原之後的那次儲存，或在修改頁直接修改。"
    ]
    assert (figure(RESOLVED).value, figure(RATE).value, figure(SCREENED).value) == (
        Decimal("17921"),
        Decimal("98.67"),
        Decimal("18162"),
    )


def test_figure_list_and_form_show_numbers_with_the_stated_places(editor_client, audited_report):
    html = editor_client.get(FIGURE_CHANGELIST).content.decode()
    for code, shown in ((RESOLVED, "17918"), (RATE, "98.66"), ("crackdown.fireworks_seized", "1275.5")):
        row = figure(code)
        assert re.search(rf'name="form-\d+-value" value="{re.escape(shown)}"', html), code
        form = editor_client.get(change_url(row)).context["adminform"].form
        assert str(form["value"].value()) == shown
    assert "17918.00" not in html
    assert "1275.50" not in html


def test_figure_change_form_refuses_precision_other_than_the_clause(editor_client, audited_report):
    page = editor_client.get(change_url(figure(RATE)))
    response = editor_client.post(change_url(figure(RATE)), admin_form_data(page, decimals="1"))
    assert "所載精度須與原文一致：引句「化解率98.66%」寫到小數 2 位，這裡填的是 1 位。" in errors(response)


def test_list_edit_that_makes_a_correction_without_reason_is_refused(editor_client, audited_report):
    response = post_changelist(editor_client, (figure(PLAIN), "15"))
    assert response.status_code == 200
    assert "數值 15 與報告所載 14 不同，這是一項更正：請填寫更正原因。" in errors(response)
    assert figure(PLAIN).value == Decimal("14")


def test_list_edit_with_reason_records_the_correction(editor_client, audited_report):
    assert post_changelist(editor_client, (figure(PLAIN), "15", REASON)).status_code == 302
    stored = Figure.objects.select_related("corrected_by").get(code=PLAIN)
    assert (stored.value, stored.stated_value, stored.correction_reason) == (Decimal("15"), Decimal("14"), REASON)
    assert stored.is_correction
    assert stored.corrected_by.username == "editor-user"
    assert stored.corrected_at is not None


def test_changelist_data_posts_every_row_of_the_page(editor_client, audited_report):
    data = changelist_data(editor_client.get(FIGURE_CHANGELIST))
    assert int(data["form-TOTAL_FORMS"]) == 54
    assert sum(1 for key in data if key.startswith("form-") and key.endswith("-version")) == 54


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
