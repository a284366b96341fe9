"""The reader of numbers (metrics/text/numbers.py), one rule at a time on short texts written for these tests.

Both scripts, invented numbers; the wording follows mainland, Hong Kong/Macau and Taiwan reports.
"""

from decimal import Decimal

import pytest

from metrics.formatting import plain_number
from metrics.text.numbers import chinese_number, decimal_places, read_numbers


def read(text: str) -> list[tuple[str, str, str, int]]:
    """(value, unit, qualifier, decimals) of each number ``text`` states, value as a plain string."""
    return [
        (plain_number(number.value), number.unit, number.qualifier, number.decimals) for number in read_numbers(text)
    ]


def values(text: str) -> list[tuple[str, str]]:
    return [row[:2] for row in read(text)]


# --- Digits -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("收繳煙花爆竹1275.5件", ("1275.5", "件", "exact", 1)),
        ("處置警情１２３起", ("123", "起", "exact", 0)),
        ("破案率１２．５％", ("12.5", "%", "exact", 1)),
        ("化解率98.60%", ("98.6", "%", "exact", 2)),
    ],
)
def test_read_numbers_reads_ascii_and_full_width_digits_with_their_places(text, expected):
    assert read(text) == [expected]


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("出動警力14,724人次", "14724", "人次"),
        ("出動警力14，724人次", "14724", "人次"),
        ("罪案數字為64 428宗", "64428", "宗"),
        ("罪案數字為64\u2009428宗", "64428", "宗"),
        ("罪案數字為64\u00a0428宗", "64428", "宗"),
        ("接報警情1,234,567起", "1234567", "起"),
        ("查獲毒品2,345.75公斤", "2345.75", "公斤"),
    ],
)
def test_read_numbers_reads_thousands_separators(text, value, unit):
    assert values(text) == [(value, unit)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("編號1,23起", [("23", "起")]),
        ("第1 2345宗", [("2345", "宗")]),
        ("共1,234 567宗", [("567", "宗")]),
    ],
)
def test_read_numbers_joins_only_groups_of_three_with_one_separator(text, expected):
    assert values(text) == expected


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [("罪案 10,549 宗", "10549", "宗"), ("破獲率 94.17 %", "94.17", "%"), ("減少 0.53 個百分點", "0.53", "個百分點")],
)
def test_read_numbers_allows_spaces_between_number_and_unit(text, value, unit):
    assert values(text) == [(value, unit)]


# --- Chinese numerals -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("兩", 2),
        ("两", 2),
        ("十", 10),
        ("十九", 19),
        ("七十二", 72),
        ("一百", 100),
        ("兩千三百", 2300),
        ("一千零五", 1005),
        ("一萬零四百五十五", 10455),
        ("三萬五千", 35000),
        ("三千万", 30_000_000),
        ("一億二千萬", 120_000_000),
    ],
)
def test_chinese_number_reads_numerals(numeral, value):
    assert chinese_number(numeral) == value


@pytest.mark.parametrize("numeral", ["二〇二一", "二零三零", "一二", "十四五", "百", "五萬萬"])
def test_chinese_number_refuses_years_codes_and_malformed_runs(numeral):
    assert chinese_number(numeral) is None


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("收繳槍支七十二支", "72", "支"),
        ("抓獲嫌疑人一百名", "100", "名"),
        ("走訪群眾兩千三百戶", "2300", "戶"),
        ("錄得罪案七萬二千九百一十一宗", "72911", "宗"),
        ("查处案件一千零五起", "1005", "起"),
        ("卅九名死難者", "39", "名"),
        ("廿三宗", "23", "宗"),
    ],
)
def test_read_numbers_reads_chinese_numerals(text, value, unit):
    assert values(text) == [(value, unit)]


@pytest.mark.parametrize("text", ["二〇三〇年工作綜述", "落實十四五規劃", "二零三零年"])
def test_read_numbers_reads_no_part_of_a_run_of_digit_words(text):
    assert values(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("下跌百分之五點二", [("5.2", "%", "exact", 1)]),
        ("增加二點五萬人次", [("25000", "人次", "exact", 0)]),
        ("凌晨三點二十分", [("3", "點", "exact", 0), ("20", "分", "exact", 0)]),
    ],
)
def test_read_numbers_reads_a_chinese_decimal_point_but_not_a_clock_time(text, expected):
    assert read(text) == expected


# --- 萬 and 億 ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("接報警情39.9萬餘起", ("399000", "起", "over", 0)),
        ("抓獲嫌疑人143萬余名", ("1430000", "名", "over", 0)),
        ("立案1.28万起", ("12800", "起", "exact", 0)),
        ("發生2萬2,807件", ("22807", "件", "exact", 0)),
        ("破獲 23萬6,409件", ("236409", "件", "exact", 0)),
        ("動員1億2,000萬人次", ("120000000", "人次", "exact", 0)),
        ("減少3千700多件", ("3700", "件", "over", 0)),
        ("勸離群眾二十多萬人次", ("200000", "人次", "over", 0)),
        ("排查流動人口1.2345萬人", ("12345", "人", "exact", 0)),
    ],
)
def test_read_numbers_multiplies_wan_and_yi_out_for_a_plain_unit(text, expected):
    assert read(text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("凍結資金2,000萬元", ("2000", "萬元", "exact", 0)),
        ("涉案金額1.93億元", ("1.93", "億元", "exact", 2)),
        ("財損新臺幣1億2,000萬元", ("12000", "萬元", "exact", 0)),
        ("涉案5億余元", ("5", "億元", "over", 0)),
        ("挽回损失1800余万元", ("1800", "萬元", "over", 0)),
        ("涉款3千萬元", ("3000", "萬元", "exact", 0)),
        ("罰款5千元", ("5000", "元", "exact", 0)),
        ("罰款七十二萬元", ("72", "萬元", "exact", 0)),
        ("罰款三萬五千元", ("35000", "元", "exact", 0)),
        ("損失超過4,000萬澳門元", ("4000", "萬澳門元", "over", 0)),
        ("涉及2.3億港元", ("2.3", "億港元", "exact", 1)),
    ],
)
def test_read_numbers_keeps_the_last_wan_or_yi_in_a_money_unit(text, expected):
    assert read(text) == [expected]


# --- Percentages ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("破案率98.66%", ("98.66", "%")),
        ("破案率98.66％", ("98.66", "%")),
        ("破案率98.66﹪", ("98.66", "%")),
        ("破案率為百分之38.5", ("38.5", "%")),
        ("滿意率達百分之九十", ("90", "%")),
        ("確保百分之百到位", ("100", "%")),
        ("發案率為3.5‰", ("3.5", "‰")),
        ("發案率為千分之三點五", ("3.5", "‰")),
    ],
)
def test_read_numbers_reads_every_way_of_writing_a_percentage(text, expected):
    assert values(text) == [expected]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("佔總數五成三", "53"),
        ("上升近兩成", "20"),
        ("下降3成", "30"),
        ("上升近一成七", "17"),
        ("下降3.5成", "35"),
        ("上升超過七成半", "75"),
    ],
)
def test_read_numbers_reads_cheng_as_tenths(text, value):
    assert values(text) == [(value, "%")]


def test_read_numbers_does_not_read_an_idiom_with_cheng():
    assert values("做法一成不變") == []


@pytest.mark.parametrize(
    ("text", "unit"), [("上升3.2個百分點", "個百分點"), ("上升3.2个百分点", "個百分點"), ("(-26百分點)", "百分點")]
)
def test_read_numbers_keeps_percentage_points_apart_from_percent(text, unit):
    assert [row[1] for row in read(text)] == [unit]


# --- Qualifiers -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("近900戶", "approx"),
        ("約900戶", "approx"),
        ("约900户", "approx"),
        ("大約900戶", "approx"),
        ("將近900戶", "approx"),
        ("接近900戶", "approx"),
        ("900戶左右", "approx"),
        ("900戶上下", "approx"),
        ("微升約 900戶", "approx"),
        ("約澳門幣900元", "approx"),
        ("900餘戶", "over"),
        ("900余户", "over"),
        ("900多戶", "over"),
        ("900戶以上", "over"),
        ("逾900戶", "over"),
        ("超900戶", "over"),
        ("超過900戶", "over"),
        ("超过900户", "over"),
        ("900戶", "exact"),
        ("最近900戶", "exact"),
        ("附近900戶", "exact"),
    ],
)
def test_read_numbers_reads_each_qualifier_before_or_after_the_number(text, qualifier):
    assert [row[2] for row in read(text)] == [qualifier]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("搗毀窩點近百個", ("100", "個", "approx")),
        ("上萬名群眾參與", ("10000", "名", "over")),
        ("挽回損失近百萬元", ("100", "萬元", "approx")),
        ("接待群眾超過千人", ("1000", "人", "over")),
        ("抓獲百余人", ("100", "人", "over")),
        ("破獲千餘起", ("1000", "起", "over")),
        ("過千人入住", ("1000", "人", "over")),
    ],
)
def test_read_numbers_reads_a_bare_round_numeral_after_a_qualifier(text, expected):
    assert [row[:3] for row in read(text)] == [expected]


@pytest.mark.parametrize("text", ["百姓安居", "千家萬戶", "晚上千人聚集", "萬無一失"])
def test_read_numbers_leaves_a_bare_round_numeral_without_a_qualifier(text):
    assert read(text) == []


def test_read_numbers_reads_guo_as_over_only_before_a_bare_round_numeral():
    assert read("經過3個月偵查") == [("3", "個月", "exact", 0)]


def test_read_numbers_reads_over_inside_a_span_of_months():
    assert read("經兩個多月偵查") == [("2", "個月", "over", 0)]


# --- Units --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("查獲槍枝 1,126枝", "枝"),
        ("查獲假鈔36疊", "疊"),
        ("收繳七十二疊", "疊"),
        ("罪案 10,549 宗", "宗"),
        ("執勤1,850架次", "架次"),
        ("檢查312家次", "家次"),
        ("查獲毒品3千克", "千克"),
        ("巡邏120公里", "公里"),
        ("整治12單元", "單元"),
        ("接入視頻1.2萬路", "路"),
    ],
)
def test_read_numbers_takes_whatever_counter_follows_as_the_unit(text, unit):
    assert [row[1] for row in read(text)] == [unit]


@pytest.mark.parametrize(("text", "unit"), [("完成12个", "個"), ("罚款12万元", "萬元"), ("查扣12辆", "輛")])
def test_read_numbers_writes_units_in_traditional_script(text, unit):
    assert [row[1] for row in read(text)] == [unit]


@pytest.mark.parametrize(
    "text",
    [
        "圓滿完成兩會安保",
        "始終奮戰一線",
        "三峽江灘",
        "評選十大新聞",
        "十二生肖",
        "八類案件",
        "開展3大行動",
        "排查5類隱患",
    ],
)
def test_read_numbers_needs_a_known_counter_after_a_small_chinese_numeral_or_a_word_that_never_counts(text):
    assert read(text) == []


@pytest.mark.parametrize("text", ["2030全年", "開展昆侖2030專項行動", "110接處警", "12345熱線受理"])
def test_read_numbers_needs_a_known_counter_after_a_year_or_a_hotline(text):
    assert read(text) == []


def test_read_numbers_reads_a_year_or_hotline_number_with_a_known_counter():
    assert values("全年共2030起，撥打110次") == [("2030", "起"), ("110", "次")]


@pytest.mark.parametrize(("text", "unit"), [("十一期間", None), ("舉辦三期", "期"), ("1318.0件次之", "件")])
def test_read_numbers_keeps_words_after_a_counter_out_of_it(text, unit):
    assert [row[1] for row in read(text)] == ([unit] if unit else [])


# --- Lists ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("分別為1,200、3,400起", [("1200", "起"), ("3400", "起")]),
        ("共12、15和20宗", [("12", "宗"), ("15", "宗"), ("20", "宗")]),
        ("分别为1.2、3.4亿元", [("1.2", "億元"), ("3.4", "億元")]),
        ("分別下降16.4、19.6個百分點", [("16.4", "個百分點"), ("19.6", "個百分點")]),
    ],
)
def test_read_numbers_gives_a_bare_number_of_a_list_the_unit_of_the_next(text, expected):
    assert values(text) == expected


def test_read_numbers_does_not_lend_a_unit_to_a_list_marker():
    assert values("2、30起案件") == [("30", "起")]


def test_read_numbers_reads_a_bare_number_after_a_percent_of_number_as_a_percentage():
    assert values("分別為百分之98.7及79.3") == [("98.7", "%"), ("79.3", "%")]


def test_reading_scope_of_a_shared_unit_covers_the_list():
    text = "分別為1,200、3,400起"
    first, second = read_numbers(text)
    assert text[first.start : first.end] == "1,200"
    assert text[slice(*first.scope)] == "1,200、3,400起"
    assert text[slice(*second.scope)] == "3,400起"


def test_reading_spans_qualifier_number_and_unit():
    text = "盜竊案微升約 5.03%"
    (reading,) = read_numbers(text)
    assert (text[reading.start : reading.end], text[reading.number_start : reading.unit_start], reading.numeral) == (
        "約 5.03%",
        "5.03",
        "5.03",
    )
    assert reading.is_arabic


# --- Places -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "places"), [("98.66", 2), ("98.60", 1), ("8E+4", 0), ("17918", 0)])
def test_decimal_places_are_the_written_places_without_trailing_zeros(value, places):
    assert decimal_places(Decimal(value)) == places


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("涉款約 3.5 億元", [("3.5", "億元", "approx")]),
        ("罰款 2,000 萬元", [("2000", "萬元", "exact")]),
        ("受影響居民共 3 萬 人", [("30000", "人", "exact")]),
    ],
)
def test_read_numbers_takes_a_multiplier_set_apart_by_a_space(text, expected):
    assert [(str(reading.value), reading.unit, reading.qualifier) for reading in read_numbers(text)] == expected
