"""Two editors in the figure admin: stale saves refused with who changed what, the list writing only
changed rows, a whole save reverted in one step, numbers edited with the places the report states.

Each editor is a separate logged-in client; forms are posted as the browser would have
posted the page that editor loaded (tests/reports/test_admin.py builds that data).
"""

import re
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from common.versioning import StaleVersion
from metrics.management.commands.seed_report import record_history_baseline
from metrics.models import Figure
from reports.choices import SectionSlug
from reports.models import NotableCase
from tests.reports.test_admin import (
    FIGURE_CHANGELIST,
    PLAIN,
    RATE,
    REASON,
    RESOLVED,
    admin_form_data,
    change_url,
    changelist_data,
    figure,
    inline_field,
    post_changelist,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module")]

SCREENED = "mediation.disputes_screened"  # 18161 起
VISITS = "mediation.return_visits"  # 1087 次, in the mediation section, linked to nothing
KEPT = "您填入的值已保留，其餘欄位已更新為目前儲存的內容；核對後再按一次「儲存」即以您填入的值為準。"


@pytest.fixture
def audited_report(report_2021):
    record_history_baseline()
    return report_2021


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
