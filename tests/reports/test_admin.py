"""The document's admin (reports.admin): a report's and a case's validation, a section kept with its figures.

Forms are posted the way a browser would: the page's own form data, with the edit applied.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from metrics.models import Figure
from reports.choices import SectionSlug
from reports.models import NamedItem, NotableCase, Report, Section, SourceText
from reports.services import attach_source
from tests.admin_forms import admin_form_data, change_url, post_change_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module")]


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


def attach_2021(report, source_text_2021):
    return attach_source(report=report, text=source_text_2021, origin="wanzhou-2021.txt")


def test_report_change_form_attaches_an_uploaded_text(editor_client, audited_report, source_text_2021):
    upload = SimpleUploadedFile("wanzhou-2021.txt", source_text_2021.encode())
    data = admin_form_data(editor_client.get(change_url(audited_report))) | {"source_upload": upload}
    response = editor_client.post(change_url(audited_report), data)
    assert response.status_code == 302
    source = SourceText.objects.get(report=audited_report)
    assert (source.paragraph_count, source.origin, source.attached_by.username) == (
        22,
        "wanzhou-2021.txt",
        "editor-user",
    )
    page = editor_client.get(change_url(audited_report)).content.decode()
    assert f"SHA-256 {source.checksum}" in page
    assert "22 段；來源：wanzhou-2021.txt；" in page


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("甲".encode("big5"), "檔案不是 UTF-8 編碼的文字檔。"),
        (
            "甲\n乙".encode(),
            "這份原文只有 2 段，但本報告的章節到第 16 段、典型案例到第 15 段、名錄項目到第 21 段、數據到第 21 段",
        ),
        (b"x" * 800_004, "檔案太大：報告原文最多 200,000 字。"),
    ],
)
def test_report_change_form_refuses_a_text_with_a_form_error(editor_client, audited_report, content, message):
    data = admin_form_data(editor_client.get(change_url(audited_report)))
    data["source_upload"] = SimpleUploadedFile("bad.txt", content)
    response = editor_client.post(change_url(audited_report), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SourceText.objects.exists()


def test_report_list_shows_which_reports_have_their_text(editor_client, audited_report, source_text_2021):
    attach_2021(audited_report, source_text_2021)
    Report.objects.create(year=2022, title="2022年工作綜述（測試）", agency="萬州區公安局")
    page = editor_client.get(reverse("admin:reports_report_changelist")).content.decode()
    assert page.count('alt="是"') >= 2 and 'alt="否"' in page  # published both; text on 2021 only
    rows = {year: row for year, row in zip((2022, 2021), page.split('class="field-year"')[1:], strict=True)}
    assert rows[2021].count('alt="是"') == 2 and rows[2022].count('alt="否"') == 1


@pytest.mark.parametrize("kind", ["figure", "section", "case", "named_item"])
def test_admin_forms_refuse_a_source_paragraph_outside_the_attached_text(
    editor_client, audited_report, source_text_2021, kind
):
    attach_2021(audited_report, source_text_2021)
    obj = source_paragraph_holder(kind)
    response = post_change_form(editor_client, obj, source_paragraph="23")
    assert response.status_code == 200
    assert "報告原文只有 22 段：填入的第 23 段不在原文之內。" in response.content.decode()
    assert type(obj).objects.get(pk=obj.pk).source_paragraph == obj.source_paragraph


@pytest.mark.parametrize("kind", ["figure", "section", "case", "named_item"])
@pytest.mark.parametrize(
    ("value", "message"),
    [("0", "段落從 1 起算：填入的是 0。"), ("99999999999", "段落最多到 32767：填入的是 99999999999。")],
)
def test_admin_forms_without_a_text_refuse_paragraph_0_and_a_huge_one(
    editor_client, audited_report, kind, value, message
):
    obj = source_paragraph_holder(kind)
    response = post_change_form(editor_client, obj, source_paragraph=value)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert type(obj).objects.get(pk=obj.pk).source_paragraph == obj.source_paragraph


def source_paragraph_holder(kind):
    return {
        "figure": lambda: Figure.objects.get(code="mediation.disputes_resolved"),
        "section": lambda: Section.objects.get(slug=SectionSlug.MEDIATION),
        "case": lambda: NotableCase.objects.get(month=6),
        "named_item": lambda: NamedItem.objects.get(name="百萬警進千萬家"),
    }[kind]()
