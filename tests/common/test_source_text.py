"""common.source_text: how a report's text is numbered and what text is refused."""

import json

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from common import source_text
from common.source_text import MAX_PARAGRAPH_CHARS, MAX_TEXT_CHARS, check_text, decode, normalized, paragraphs
from metrics.importing import forms as import_forms
from metrics.text import extraction


def fixture_rows(model: str) -> list[dict]:
    rows = json.loads((settings.BASE_DIR / "fixtures" / "wanzhou_2021.json").read_text(encoding="utf-8"))
    return [row["fields"] for row in rows if row["model"] == model]


def test_paragraphs_number_the_2021_text_as_the_fixture_cites_it(source_text_2021):
    lines = dict(enumerate(paragraphs(source_text_2021), start=1))
    assert len(lines) == 22
    for section in fixture_rows("reports.section"):
        assert lines[section["source_paragraph"]] == section["heading"]
    for figure in fixture_rows("metrics.figure"):
        assert figure["source_quote"] in lines[figure["source_paragraph"]], figure["code"]
    for case in fixture_rows("reports.notablecase"):
        assert case["source_paragraph"] in lines


def test_paragraphs_are_the_extractors_numbering():
    """One function numbers both: the extractor's proposals and every source paragraph."""
    assert extraction.paragraphs is paragraphs
    proposals = extraction.extract_figures("標題\n\n排查矛盾糾紛18161起\n")
    assert [proposal.paragraph for proposal in proposals] == [3]


def test_paragraphs_count_empty_lines_and_drop_a_final_line_feed():
    assert list(paragraphs("甲\n\n乙\n")) == ["甲", "", "乙"]
    assert list(paragraphs("\ufeff甲\r\n乙")) == ["甲", "乙"]


def test_limits_are_the_imports():
    assert (source_text.MAX_TEXT_CHARS, source_text.MAX_PARAGRAPH_CHARS) == (
        import_forms.MAX_TEXT_CHARS,
        import_forms.MAX_PARAGRAPH_CHARS,
    )


def test_normalized_keeps_line_feeds_only_and_drops_control_characters():
    assert normalized("\ufeff甲\r\n乙\r丙\x0b丁\x00") == "甲\n乙\n丙\n丁"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (" \n ", "原文是空的。"),
        ("字" * (MAX_TEXT_CHARS + 1), "原文有 200,001 字，超過上限 200,000 字。"),
        ("甲\n" + "字" * (MAX_PARAGRAPH_CHARS + 1), "第 2 段有 10,001 字，超過每段上限 10,000 字。"),
    ],
)
def test_check_text_names_what_is_wrong(text, message):
    with pytest.raises(ValidationError) as refused:
        check_text(text)
    assert message in refused.value.messages[0]


def test_decode_refuses_what_is_not_utf8():
    assert decode("\ufeff甲\r\n".encode()) == "甲\n"
    with pytest.raises(ValidationError, match="UTF-8"):
        decode("甲".encode("big5"))
