"""The report admin (metrics.admin.ReportAdmin): the publish checklist on the change form, and publishing
refused with the list, by the list's action and by the 已發布 checkbox alike."""

import pytest
from django.urls import reverse

from metrics import publication
from reports.models import Report, Section
from tests.admin_forms import admin_form_data, change_url
from tests.factories import make_ready_draft, make_report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("second_approval_off")]

CHANGELIST = reverse("admin:reports_report_changelist")


def publish_action(client, *reports):
    return client.post(
        CHANGELIST, {"action": "publish", "_selected_action": [report.pk for report in reports]}, follow=True
    )


def test_change_form_lists_the_open_items_with_links_to_their_fields(editor_client):
    report = make_ready_draft(title_en="")
    section = Section.objects.get(report=report)
    Section.objects.filter(pk=section.pk).update(summary_en="")
    html = editor_client.get(change_url(report)).content.decode()
    panel = html[html.index('id="publish-checklist"') : html.index("</ol>")]
    assert "尚有 2 項待處理，處理完畢才能發布：" in panel
    title = "報告「2022年工作綜述（測試數據）」缺少英文標題。"
    assert f'<a href="{change_url(report)}#id_title_en">{title}</a>' in panel
    assert f'<a href="{change_url(section)}#id_summary_en">章節「測試章節 mediation」缺少英文摘要。</a>' in panel


def test_change_form_of_a_ready_draft_says_it_can_be_published(editor_client):
    html = editor_client.get(change_url(make_ready_draft())).content.decode()
    assert "可以發布：發布檢查沒有待處理的項目。" in html and 'class="publish-items"' not in html


def test_change_form_shows_last_years_summary_beside_the_empty_field_as_a_guide(editor_client, report_2021):
    html = editor_client.get(change_url(make_ready_draft(summary=""))).content.decode()
    assert "去年的摘要（僅供參考，請以自己的話撰寫，不要照抄）" in html
    assert f'<blockquote lang="zh-Hant">{report_2021.summary}</blockquote>' in html


def test_publish_action_refuses_drafts_with_open_items_naming_them_and_their_counts(editor_client):
    ready = make_ready_draft(2022)
    lacking = make_ready_draft(2023, summary_en="", agency_en="")
    response = publish_action(editor_client, ready, lacking)
    html = response.content.decode()
    assert "已發布 1 份報告。" in html
    assert "以下報告的發布檢查尚未完成，沒有發布：" in html
    refused = "2023年工作綜述（測試數據）（2 項待處理）"
    assert f'<a href="{change_url(lacking)}#publish-checklist">{refused}</a>' in html
    assert Report.objects.get(pk=ready.pk).published
    assert not Report.objects.get(pk=lacking.pk).published


def test_publish_action_publishes_a_ready_draft_with_its_reason(editor_client):
    report = make_ready_draft()
    assert "已發布 1 份報告。" in publish_action(editor_client, report).content.decode()
    report.refresh_from_db()
    assert report.published and report.history.first().history_change_reason == "發布報告草稿"


def test_published_checkbox_is_refused_with_the_list_while_items_are_open(editor_client):
    report = make_ready_draft(summary_en="")
    data = admin_form_data(editor_client.get(change_url(report)), published="on", title="改過的標題")
    response = editor_client.post(change_url(report), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["published"]
    assert errors == ["尚有 1 項待處理，不能發布：", "報告「2022 改過的標題」缺少英文概述。"]
    report.refresh_from_db()
    assert not report.published and report.title == "2022年工作綜述（測試數據）"


def test_published_checkbox_counts_the_text_written_in_the_same_save(editor_client):
    report = make_ready_draft(summary_en="")
    data = admin_form_data(editor_client.get(change_url(report)), published="on", summary_en="Written now")
    response = editor_client.post(change_url(report), data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.published and report.summary_en == "Written now"
    publish, edit = report.history.all()[:2]
    assert publish.history_change_reason == "發布報告草稿" and publish.change_set == edit.change_set
    assert publish.history_user.username == "editor-user"


def test_add_form_refuses_a_new_report_published_at_once(editor_client):
    add = reverse("admin:reports_report_add")
    data = admin_form_data(editor_client.get(add), year="2024", title="新報告", agency="萬州區公安局", published="on")
    response = editor_client.post(add, data)
    assert response.status_code == 200
    assert "報告沒有任何章節。" in response.context["adminform"].form.errors["published"]
    assert not Report.objects.filter(year=2024).exists()


def test_resaving_a_published_report_is_not_checked(editor_client):
    report = make_report(2022, title="已發布的報告")
    data = admin_form_data(editor_client.get(change_url(report)), byline="署名")
    assert editor_client.post(change_url(report), data).status_code == 302
    assert Report.objects.get(pk=report.pk).byline == "署名"


def test_reverting_to_a_published_version_goes_through_the_checklist(editor_client, make_user):
    report = publication.publish_report(report=make_ready_draft(), user=make_user("viewer", username="first"))
    published_version = report.history.first()
    report.published = False
    report.save()
    revert = reverse("admin:reports_report_simple_history", args=[report.pk, published_version.history_id])
    Section.objects.filter(report=report).update(summary_en="")
    response = editor_client.post(revert, admin_form_data(editor_client.get(revert)))
    assert response.status_code == 200
    assert "章節「測試章節 mediation」缺少英文摘要。" in response.context["adminform"].form.errors["published"]
    assert not Report.objects.get(pk=report.pk).published

    Section.objects.filter(report=report).update(summary_en="Summary")
    response = editor_client.post(revert, admin_form_data(editor_client.get(revert)))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.published and report.history.first().history_change_reason == "發布報告草稿"
