"""common.languages: Simplified conversion, lang tags, data text and citations in each language."""

from types import SimpleNamespace

import pytest
from django.utils import translation

from common.languages import ENGLISH, SIMPLIFIED, TRADITIONAL, citation, html_lang, in_language, to_simplified

REPORT = SimpleNamespace(agency="萬州區公安局", title="2021年工作綜述", agency_en="Wanzhou PSB", title_en="2021 Review")


def test_to_simplified_converts_report_text_with_mainland_characters():
    assert to_simplified("萬州區公安局") == "万州区公安局"
    assert to_simplified("8萬餘噸") == "8万余吨"
    # The report's mainland wording stays: t2s, not tw2sp (which would make 查詢 into 查找).
    assert to_simplified("數據查詢") == "数据查询"


@pytest.mark.parametrize(
    ("language", "tag"), [(TRADITIONAL, "zh-Hant"), (SIMPLIFIED, "zh-Hans"), (ENGLISH, "en"), ("fr", "zh-Hant")]
)
def test_html_lang_maps_each_language_to_its_tag(language, tag):
    assert html_lang(language) == tag


def test_html_lang_follows_the_active_language():
    with translation.override(SIMPLIFIED):
        assert html_lang() == "zh-Hans"


def test_in_language_gives_each_page_its_text():
    assert in_language("萬戶", "households", TRADITIONAL) == "萬戶"
    assert in_language("萬戶", "households", SIMPLIFIED) == "万户"
    assert in_language("萬戶", "households", ENGLISH) == "households"
    assert in_language("萬戶", "", ENGLISH) == "萬戶"


def test_citation_in_each_language():
    assert citation(REPORT, TRADITIONAL) == "萬州區公安局《2021年工作綜述》"
    assert citation(REPORT, SIMPLIFIED) == "万州区公安局《2021年工作综述》"
    assert citation(REPORT, ENGLISH) == "Wanzhou PSB, \u201c2021 Review\u201d"
