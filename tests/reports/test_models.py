"""The report's text (SourceText) and the rules on source paragraphs, in the models and the database."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction

from reports.models import (
    MAX_SOURCE_PARAGRAPH,
    ContentRevision,
    NamedItem,
    NotableCase,
    Section,
    SourceText,
    source_paragraph_errors,
)
from reports.services import attach_source
from tests.factories import figure_for, make_case, make_named_item, make_report, make_section

pytestmark = pytest.mark.django_db


def refused_by_database(create) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_source_text_save_computes_checksum_and_paragraphs():
    source = SourceText.objects.create(report=make_report(2030), text="甲\n\n丙\n", origin="a.txt")
    assert source.paragraph_count == 3
    assert source.checksum == SourceText.checksum_of("甲\n\n丙\n")


def test_one_text_per_report():
    report = make_report(2030)
    SourceText.objects.create(report=report, text="甲", origin="a.txt")
    refused_by_database(lambda: SourceText.objects.create(report=report, text="乙", origin="b.txt"))


def test_database_refuses_a_checksum_that_is_not_sha256():
    source = SourceText.objects.create(report=make_report(2030), text="甲", origin="a.txt")
    refused_by_database(lambda: SourceText.objects.filter(pk=source.pk).update(checksum="not-a-checksum"))
    refused_by_database(lambda: SourceText.objects.filter(pk=source.pk).update(paragraph_count=0))


def test_database_refuses_paragraph_0_and_the_reserved_slug():
    report = make_report(2030)
    section = make_section(report)
    refused_by_database(lambda: make_section(report, "other", source_paragraph=0))
    refused_by_database(lambda: make_section(report, "text"))
    refused_by_database(lambda: make_case(section, source_paragraph=0))
    refused_by_database(lambda: make_named_item(section, source_paragraph=0))


def test_section_clean_refuses_the_reserved_slug():
    section = Section(report=make_report(2030), slug="text", topic="text", position=1, heading="甲", source_paragraph=1)
    with pytest.raises(ValidationError) as refused:
        section.full_clean()
    assert refused.value.message_dict["slug"] == ["「text」是保留的網址，章節不能使用。"]


def test_source_paragraph_without_a_text_counts_from_1_up_to_the_field_limit():
    report = make_report(2030)
    assert source_paragraph_errors(0, report_id=report.pk) == ["段落從 1 起算：填入的是 0。"]
    assert source_paragraph_errors(MAX_SOURCE_PARAGRAPH, report_id=report.pk) == []
    assert source_paragraph_errors(99999999999, report_id=report.pk) == ["段落最多到 32767：填入的是 99999999999。"]


def test_source_paragraph_lies_in_the_attached_text(django_assert_num_queries):
    report = make_report(2030)
    section = make_section(report)
    attach_source(report=report, text="甲\n乙\n丙", origin="a.txt")
    with django_assert_num_queries(1):
        assert source_paragraph_errors(3, report_id=report.pk) == []
    with django_assert_num_queries(1):
        assert source_paragraph_errors(4, section_id=section.pk) == ["報告原文只有 3 段：填入的第 4 段不在原文之內。"]
    assert source_paragraph_errors(99999999999, report_id=report.pk) == [
        "報告原文只有 3 段：填入的第 99999999999 段不在原文之內。"
    ]


@pytest.mark.parametrize("model", ["section", "case", "named_item", "figure"])
def test_every_model_with_a_source_paragraph_explains_one_outside_the_text(model):
    report = make_report(2030)
    section = make_section(report)
    attach_source(report=report, text="甲\n乙", origin="a.txt")
    obj = {
        "section": lambda: section,
        "case": lambda: NotableCase(section=section, title="甲", summary="乙", source_paragraph=1),
        "named_item": lambda: NamedItem(section=section, kind="campaign", name="甲", source_paragraph=1),
        "figure": lambda: figure_for(section, 1),
    }[model]()
    obj.source_paragraph = 9
    with pytest.raises(ValidationError) as refused:
        obj.clean()
    assert refused.value.message_dict["source_paragraph"] == ["報告原文只有 2 段：填入的第 9 段不在原文之內。"]


def test_a_report_instance_reads_its_texts_length_once_and_attaching_updates_it(django_assert_num_queries):
    report = make_report(2030)
    with django_assert_num_queries(1):
        assert [source_paragraph_errors(n, report=report) for n in (1, 5, 40000)] == [
            [],
            [],
            ["段落最多到 32767：填入的是 40000。"],
        ]
    attach_source(report=report, text="甲\n乙", origin="a.txt")
    with django_assert_num_queries(0):
        assert source_paragraph_errors(5, report=report) == ["報告原文只有 2 段：填入的第 5 段不在原文之內。"]


def test_content_revision_bump_counts_each_edit_in_one_update_and_restores_a_flushed_row(django_assert_num_queries):
    ContentRevision.objects.all().delete()  # as a flushed test database has it
    ContentRevision.bump()
    assert ContentRevision.current().split(".")[0] == "1"
    with django_assert_num_queries(1) as queries:
        ContentRevision.bump()
    assert queries.captured_queries[0]["sql"].startswith("UPDATE")
    assert ContentRevision.objects.get(pk=ContentRevision.ROW).edits == 2
    make_named_item(make_section(make_report(2030)))  # three saves of content
    assert ContentRevision.objects.get(pk=ContentRevision.ROW).edits == 5


@pytest.mark.parametrize("flushed", [False, True], ids=["row", "flushed"])
def test_content_revision_counts_the_release_times_passed_at_the_moment_of_asking(flushed, django_assert_num_queries):
    """The statement is compiled once; the moment it judges by is each call's own ``timezone.now()``."""
    first, second = datetime(2031, 3, 1, 9, 30, tzinfo=UTC), datetime(2032, 3, 1, 9, 30, 0, 1, tzinfo=UTC)
    make_report(2030, published=True, release_at=first)
    make_report(2031, published=True, release_at=second)
    make_report(2032, published=False, release_at=first)  # a draft's time counts for nothing
    make_report(2033, published=True)  # released with no time: seen through edits, not here
    if flushed:
        ContentRevision.objects.all().delete()
    edits = "0" if flushed else str(ContentRevision.objects.get().edits)
    moments = {
        first - timedelta(microseconds=1): "0",
        first: "1",
        second - timedelta(microseconds=1): "1",
        second: "2",
        second + timedelta(days=400): "2",
    }
    for moment, passed in moments.items():
        with mock.patch("django.utils.timezone.now", return_value=moment), django_assert_num_queries(1 + flushed):
            assert ContentRevision.current() == f"{edits}.{passed}", moment


def test_content_revision_refuses_a_statement_without_exactly_one_moment(monkeypatch):
    """A change to ``released`` that left the moment out (or put it in twice) stops at once, not in stale counts."""
    no_moment = ContentRevision.objects.filter(pk=ContentRevision.ROW).values_list("edits", "edits")
    monkeypatch.setattr(ContentRevision, "_query", classmethod(lambda cls, now=None: no_moment))
    with pytest.raises(ImproperlyConfigured, match="no single moment"):
        ContentRevision._statement("default", "a vendor no other test uses")
