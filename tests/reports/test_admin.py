"""The document's admin (reports.admin): a report's and a case's validation, a section kept with its figures.

Forms are posted the way a browser would: the page's own form data, with the edit applied.
"""

import pytest

from metrics.models import Figure
from reports.choices import SectionSlug
from reports.models import NotableCase, Report
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
