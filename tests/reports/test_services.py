"""reports.services.attach_source: a report keeps its text, checked, replaced, or left as it was."""

import hashlib

import pytest
from django.core.exceptions import ValidationError

from reports.models import SourceText
from reports.services import attach_source
from tests.factories import make_case, make_figure, make_report, make_section

pytestmark = pytest.mark.django_db


def test_attach_source_keeps_the_text_its_checksum_origin_and_editor(django_user_model):
    report = make_report(2030)
    editor = django_user_model.objects.create_user(username="editor")
    attached = attach_source(report=report, text="\ufeff標題\r\n第二段\r\n", origin="report.txt", user=editor)
    source = SourceText.objects.get(report=report)
    assert attached.changed and attached.source == source
    assert source.text == "標題\n第二段\n"
    assert source.checksum == hashlib.sha256("標題\n第二段\n".encode()).hexdigest()
    assert (source.paragraph_count, source.origin, source.attached_by) == (2, "report.txt", editor)
    assert source.paragraphs() == [(1, "標題"), (2, "第二段")]


def test_attach_source_with_the_same_text_writes_nothing():
    report = make_report(2030)
    first = attach_source(report=report, text="甲\n乙", origin="a.txt").source
    again = attach_source(report=report, text="甲\r\n乙", origin="b.txt")
    assert not again.changed
    assert again.source.pk == first.pk
    assert SourceText.objects.get(report=report).origin == "a.txt"


def test_attach_source_replaces_another_text():
    report = make_report(2030)
    attach_source(report=report, text="甲\n乙", origin="a.txt")
    replaced = attach_source(report=report, text="甲\n乙\n丙", origin="b.txt")
    assert replaced.changed
    source = SourceText.objects.get(report=report)
    assert (source.paragraph_count, source.origin) == (3, "b.txt")
    assert SourceText.objects.count() == 1


def test_attach_source_refuses_a_text_shorter_than_the_paragraphs_the_report_cites():
    report = make_report(2030)
    section = make_section(report, source_paragraph=2)
    make_figure(section, source_paragraph=5)
    make_case(section, source_paragraph=3)
    with pytest.raises(ValidationError) as refused:
        attach_source(report=report, text="甲\n乙\n丙", origin="short.txt")
    assert refused.value.messages == ["這份原文只有 3 段，但本報告的數據到第 5 段：不是這份報告的原文，或換行有遺失。"]
    assert not SourceText.objects.exists()


@pytest.mark.parametrize("text", ["", " \n", "字" * 200_001])
def test_attach_source_refuses_an_empty_or_too_long_text(text):
    report = make_report(2030)
    with pytest.raises(ValidationError):
        attach_source(report=report, text=text, origin="x.txt")
    assert not SourceText.objects.exists()
