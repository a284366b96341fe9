"""The figure extractor (metrics/text/extraction.py) and its ``extract_figures`` command.

Rule by rule on short texts written for these tests (both scripts, invented numbers),
then whole on two small files in tests/metrics/text/texts/, then against the real 2021
report: every figure of fixtures/wanzhou_2021.json must be proposed.
"""

import csv
import io
import json
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from metrics.text import extraction
from metrics.text.extraction import PROPOSAL_KEYS, Proposal, chinese_number, extract_figures

TEXTS = Path(__file__).parent / "texts"
SOURCE_NAME = "wanzhou-police-2021-work-report.zh-Hant.txt"


def stated(text: str) -> list[tuple[str, str, str, str | None]]:
    """(value, unit, qualifier, change) of each proposal for ``text``, value as a plain string."""
    return [
        (row["value"], row["unit"], row["qualifier"], row["change"])
        for row in map(Proposal.as_dict, extract_figures(text))
    ]


def quotes(text: str) -> list[str]:
    return [proposal.quote for proposal in extract_figures(text)]


# --- Reading numbers -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("查處治安案件23起。", ("23", "起")),
        ("收繳非法煙花爆竹1275.5件。", ("1275.5", "件")),
        ("排查矛盾糾紛18,161起。", ("18161", "起")),
        ("接報警情1,234,567起。", ("1234567", "起")),
        ("全年處置警情１２３起。", ("123", "起")),
    ],
)
def test_extract_figures_reads_arabic_digits_decimals_and_thousands_commas(text, expected):
    assert stated(text) == [(*expected, "exact", None)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("搗毀窩點近百個。", ("100", "個", "approx")),
        ("走访群众近千人次。", ("1000", "人次", "approx")),
        ("約千人參加培訓。", ("1000", "人", "approx")),
        ("上万名群众参与巡逻。", ("10000", "人", "over")),
        ("逾千起案件辦結。", ("1000", "起", "over")),
        ("挽回損失近百萬元。", ("100", "萬元", "approx")),
        ("涉案金額近千万元。", ("1000", "萬元", "approx")),
        ("接待來訪群眾超過千人。", ("1000", "人", "over")),
        ("巡逻超过千次。", ("1000", "次", "over")),
    ],
)
def test_extract_figures_reads_a_bare_round_numeral_after_a_qualifying_word(text, expected):
    assert stated(text) == [(*expected, None)]


@pytest.mark.parametrize(
    "text",
    [
        "百姓安居樂業。",
        "走訪千家萬戶。",
        "数百人参加活动。",
        "近百年來首次。",
        "千方百計化解矛盾。",
        "最近百名群眾反映。",
        "晚上千人聚集。",
    ],
)
def test_extract_figures_leaves_a_bare_round_numeral_without_a_qualifying_word_or_unit(text):
    assert stated(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("以58個必巡點、31條必巡線為支撐，開展巡邏。", ["58個必巡點", "31條必巡線"]),
        ("以12个重点村为抓手，推进整治。", ["12个重点村"]),
    ],
)
def test_extract_figures_ends_a_quote_before_the_frame_of_yi_wei(text, expected):
    assert quotes(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("全般刑案發生數為2萬2,807件。", ("22807", "件", "exact")),
        ("動員警力87萬5,766人次。", ("875766", "人次", "exact")),
        ("竊盜案件減少了3千700多件。", ("3700", "件", "over")),
        ("查獲毒品3千克。", ("3", "千克", "exact")),
    ],
)
def test_extract_figures_reads_digits_with_an_inner_wan_or_qian(text, expected):
    assert [row[:3] for row in stated(text)] == [expected]


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("兩", 2),
        ("两", 2),
        ("十", 10),
        ("十九", 19),
        ("二十三", 23),
        ("七十二", 72),
        ("一百", 100),
        ("兩千", 2000),
        ("一千零五", 1005),
        ("一千二百", 1200),
        ("三萬五千", 35000),
        ("三千万", 30_000_000),
        ("一億二千萬", 120_000_000),
    ],
)
def test_chinese_number_reads_numerals(numeral, value):
    assert chinese_number(numeral) == value


@pytest.mark.parametrize("numeral", ["二〇二一", "一二", "十四五", "百", "五萬萬"])
def test_chinese_number_refuses_years_codes_and_malformed_runs(numeral):
    assert chinese_number(numeral) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("收繳各類槍支七十二支。", ("72", "支")),
        ("抓獲犯罪嫌疑人一百名。", ("100", "人")),
        ("走訪企業十九家。", ("19", "家")),
        ("將兩名犯罪嫌疑人緝拿歸案。", ("2", "人")),
        ("将两名犯罪嫌疑人抓获归案。", ("2", "人")),
        ("建成示範路口二十三個。", ("23", "個")),
        ("走訪群眾一千二百戶。", ("1200", "戶")),
    ],
)
def test_extract_figures_reads_chinese_numerals(text, expected):
    assert stated(text) == [(*expected, "exact", None)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("將8萬餘噸超標廢水直排長江。", ("80000", "噸", "over")),
        ("走訪各類特殊群體近9萬戶。", ("90000", "戶", "approx")),
        ("全年接報警情1.2萬起。", ("12000", "起", "exact")),
        ("檢查九小場所一萬二千家次。", ("12000", "家次", "exact")),
        ("勸離群眾二十多萬人次。", ("200000", "人次", "over")),
        ("排查流動人口1.5億人。", ("150000000", "人", "exact")),
    ],
)
def test_extract_figures_multiplies_wan_and_yi_out_for_plain_units(text, expected):
    assert stated(text) == [(*expected, None)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("累計凍結涉案資金790萬元。", ("790", "萬元", "exact")),
        ("涉案金額達5億余元。", ("5", "億元", "over")),
        ("涉案金额3.2亿元。", ("3.2", "億元", "exact")),
        ("返还群众被骗资金1800余万元。", ("1800", "萬元", "over")),
        ("罰款七十二萬元。", ("72", "萬元", "exact")),
        ("罰款三萬五千元。", ("35000", "元", "exact")),
        ("每人獎勵2000元。", ("2000", "元", "exact")),
    ],
)
def test_extract_figures_keeps_wan_and_yi_in_money_units(text, expected):
    assert stated(text) == [(*expected, None)]


@pytest.mark.parametrize("text", ["化解率98.66%。", "化解率98.66％。", "化解率98.66﹪。", "化解率达到百分之98.66。"])
def test_extract_figures_gives_every_percent_sign_the_unit_percent(text):
    assert stated(text) == [("98.66", "%", "exact", None)]


def test_extract_figures_reads_a_percentage_in_chinese_numerals():
    assert stated("群眾滿意率達百分之九十以上。") == [("90", "%", "over", None)]


# --- Qualifiers ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("走訪群眾近900戶。", "approx"),
        ("走訪群眾約900戶。", "approx"),
        ("走访群众约900户。", "approx"),
        ("走訪群眾大約900戶。", "approx"),
        ("走訪群眾將近900戶。", "approx"),
        ("走訪群眾900戶左右。", "approx"),
        ("走訪群眾900餘戶。", "over"),
        ("走访群众900余户。", "over"),
        ("走訪群眾900多戶。", "over"),
        ("走訪群眾900戶以上。", "over"),
        ("走訪群眾逾900戶。", "over"),
        ("走訪群眾超900戶。", "over"),
        ("走訪群眾超過900戶。", "over"),
        ("走訪群眾900戶。", "exact"),
    ],
)
def test_extract_figures_reads_each_qualifier_marker(text, qualifier):
    assert stated(text) == [("900", "戶", qualifier, None)]


def test_extract_figures_reads_over_inside_a_span_of_months():
    assert extract_figures("公安經兩個多月縝密偵查後，成功收網。") == [
        Proposal(paragraph=1, quote="兩個多月縝密偵查", value=Decimal(2), unit="個月", qualifier="over")
    ]


def test_extract_figures_does_not_read_recent_or_nearby_as_approx():
    assert stated("附近3個村共排查隱患12處。") == [("3", "個", "exact", None), ("12", "處", "exact", None)]


# --- Changes -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "change"),
    [
        ("刑事案件同比上升12.5%。", "up"),
        ("刑事案件同比下降12.5%。", "down"),
        ("刑事案件增長12.5%。", "up"),
        ("刑事案件增长12.5%。", "up"),
        ("刑事案件上升12.5%。", "up"),
        ("刑事案件下降12.5%。", "down"),
        ("刑事案件降幅達12.5%。", "down"),
        ("刑事案件增幅為12.5%。", "up"),
        ("刑事案件減少12.5%。", "down"),
        ("刑事案件减少了12.5%。", "down"),
        ("刑事案件同比增12.5%。", "up"),
        ("刑事案件同比降12.5%。", "down"),
        ("破案率提高12.5%。", "up"),
        ("刑事案件佔比12.5%。", None),
    ],
)
def test_extract_figures_reads_each_change_marker(text, change):
    assert stated(text) == [("12.5", "%", "exact", change)]


def test_extract_figures_reads_a_new_level_as_no_change():
    assert stated("交通事故死亡人數下降至48人，破案率提升到95%。") == [
        ("48", "人", "exact", None),
        ("95", "%", "exact", None),
    ]


def test_extract_figures_gives_a_series_the_change_and_clause_of_its_first_number():
    proposals = extract_figures("全市刑事、治安案件同比分別下降8.37%、28.30%，破案率達90%。")
    assert [(proposal.quote, proposal.change) for proposal in proposals] == [
        ("刑事、治安案件同比分別下降8.37%", "down"),
        ("刑事、治安案件同比分別下降8.37%、28.30%", "down"),
        ("破案率達90%", None),
    ]


def test_extract_figures_links_a_series_joined_by_and():
    proposals = extract_figures("事故起數、死亡人數和受傷人數分別下降4.4%、9.8%和5.6%。")
    assert [(proposal.quote, proposal.change) for proposal in proposals] == [
        ("事故起數、死亡人數和受傷人數分別下降4.4%", "down"),
        ("事故起數、死亡人數和受傷人數分別下降4.4%、9.8%", "down"),
        ("事故起數、死亡人數和受傷人數分別下降4.4%、9.8%和5.6%", "down"),
    ]


def test_extract_figures_marks_only_the_number_right_after_the_change_word():
    assert stated("立刑事案件1,236起，同比減少130起，下降9.5%。") == [
        ("1236", "起", "exact", None),
        ("130", "起", "exact", "down"),
        ("9.5", "%", "exact", "down"),
    ]


# --- What is left out ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2021年，全區社會治安大局平穩。",
        "2021全年，社會治安大局平穩。",
        "二〇二一年，社會治安大局平穩。",
        "民國110年，社會治安大局平穩。",
        "6月，民警發現線索。",
        "六月，民警發現線索。",
        "1至6月，社會治安大局平穩。",
        "1-6月，社会治安大局平稳。",
        "3月15日，民警發現線索。",
        "3月15号，民警发现线索。",
        "當晚8時30分，民警到達現場。",
        "凌晨2點，民警到達現場。",
        "實現報警後5分鐘內到場。",
        "全天24小時巡邏。",
    ],
)
def test_extract_figures_leaves_out_dates_and_times(text):
    assert extract_figures(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "築牢第一道防線。",
        "建成全市第33個示範點。",
        "首個智慧小區建成。",
        "考核排名全市前3名。",
        "每10萬人刑事案件發案率持續下降。",
        "每萬人發案率持續下降。",
    ],
)
def test_extract_figures_leaves_out_ordinals_ranks_and_rate_bases(text):
    assert extract_figures(text) == []


@pytest.mark.parametrize(
    ("text", "quote"),
    [
        ("一、全年破獲刑事案件12起。", "破獲刑事案件12起"),
        ("（一）全年破獲刑事案件12起。", "破獲刑事案件12起"),
        ("(1)全年破獲刑事案件12起。", "破獲刑事案件12起"),
        ("1.全年破獲刑事案件12起。", "破獲刑事案件12起"),
        ("2、全年破獲刑事案件12起。", "破獲刑事案件12起"),
        ("一是全年破獲刑事案件12起。", "破獲刑事案件12起"),
    ],
)
def test_extract_figures_leaves_out_list_markers(text, quote):
    assert [(proposal.quote, proposal.value) for proposal in extract_figures(text)] == [(quote, Decimal(12))]


@pytest.mark.parametrize(
    "text",
    [
        "以建黨100週年大慶安保維穩工作為主線。",
        "做好建党100周年安保工作。",
        "建黨100年大慶安保順利完成。",
        "學習貫徹十九屆六中全會精神。",
        "圓滿完成全國兩會安保。",
        "圆满完成全国两会安保。",
        "全面落實“1、3、5”分鐘快速應急處置機制。",
        "深入推進“百萬警進千萬家”活動。",
        "學習《2021年度工作要點》。",
        "開展“昆侖-2022”專項行動。",
        "开展昆仑2022专项行动。",
        "全面落實“五必進、全覆蓋”各項措施。",
        "落實五必進措施。",
        "保障三峽江灘音樂季順利舉辦。",
        "確保了萬無一失。",
        "一年來，區公安局堅持安全穩定這一主基調。",
        "始終奮戰在維穩安保一線。",
        "進一步壓實安全監管主體責任。",
        "成功摧毀一個犯罪團夥。",
        "用一支鋼鐵隊伍全力護航。",
        "發現一紡織印染企業違法排污。",
        "全縣未發生一起重大案事件。",
        "啟動二級響應模式。",
        "堅決做到兩個維護，增強四個意識。",
        "嚴格落實中央八項規定精神。",
        "民警四處奔走，三番五次上門調解。",
        "實現轄區零發案。",
        "涉案人數在3至5人之間。",
        "嚴防一次死亡3人以上事故。",
        "對違法行為處500元以下罰款。",
        "發案率控制在5%以內。",
        "查處違法行為數十起。",
        "勸離群眾幾百人。",
    ],
)
def test_extract_figures_leaves_out_names_idioms_and_indefinite_articles(text):
    assert extract_figures(text) == []


def test_extract_figures_leaves_out_a_span_of_months_that_frames_the_time():
    assert stated("近三個月來破獲案件12起，最近3個月新增探頭300個。") == [
        ("12", "起", "exact", None),
        ("300", "個", "exact", None),
    ]


# --- Units, paragraphs and quotes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "unit"),
    [
        ("个", "個"),
        ("条", "條"),
        ("处", "處"),
        ("场", "場"),
        ("发", "發"),
        ("户", "戶"),
        ("吨", "噸"),
        ("单元", "單元"),
        ("辆", "輛"),
        ("个月", "個月"),
        ("家次", "家次"),
        ("人次", "人次"),
        ("个百分点", "個百分點"),
        ("名", "人"),
        ("位", "人"),
    ],
)
def test_extract_figures_normalises_units_to_traditional(written, unit):
    assert [proposal.unit for proposal in extract_figures(f"完成任务12{written}。")] == [unit]


def test_extract_figures_gives_the_same_figures_in_both_scripts():
    traditional = (
        "全年查獲毒品12.5公斤、車輛三十輛，凍結資金790萬元，涉案5億餘元，"
        "走訪群眾近9萬戶，化解率98.66%，同比下降3.5個百分點，偵查兩個多月。"
    )
    simplified = (
        "全年查获毒品12.5公斤、车辆三十辆，冻结资金790万元，涉案5亿余元，"
        "走访群众近9万户，化解率98.66%，同比下降3.5个百分点，侦查两个多月。"
    )
    assert (
        stated(simplified)
        == stated(traditional)
        == [
            ("12.5", "公斤", "exact", None),
            ("30", "輛", "exact", None),
            ("790", "萬元", "exact", None),
            ("5", "億元", "over", None),
            ("90000", "戶", "approx", None),
            ("98.66", "%", "exact", None),
            ("3.5", "個百分點", "exact", "down"),
            ("2", "個月", "over", None),
        ]
    )


def test_extract_figures_numbers_paragraphs_by_line_counting_blank_lines():
    text = "\ufeff工作綜述\r\n破獲案件12起。\r\n\r\n抓獲嫌疑人7人，查處案件3起。\r\n"
    assert [(proposal.paragraph, proposal.quote) for proposal in extract_figures(text)] == [
        (2, "破獲案件12起"),
        (4, "抓獲嫌疑人7人"),
        (4, "查處案件3起"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The noun after the number is what it counts; 以及 starts another item.
        ("先後制定世界大河歌會等14場許可活動安全監管方案以及其他方案。", ["14場許可活動安全監管方案"]),
        ("全區142個老舊小區得到治理。", ["142個老舊小區得到治理"]),
        # Nothing after the number: the words before it, less scope words and dates.
        (
            "全年共排查矛盾糾紛18161起，化解17918起，化解率98.66%。",
            ["排查矛盾糾紛18161起", "化解17918起", "化解率98.66%"],
        ),
        ("2021年，累計凍結涉案資金790萬元。", ["凍結涉案資金790萬元"]),
        ("2022年1-11月全市刑事案件立案1.2萬起。", ["刑事案件立案1.2萬起"]),
        ("其中一般類化解率99.12﹪；關注類化解率90.98%。", ["一般類化解率99.12﹪", "關注類化解率90.98%"]),
        ("全年出動警力 7006人次。", ["出動警力 7006人次"]),
        # A neighbouring number is the subject; an indefinite 一個 ends the clause before it.
        ("物業建設智慧安防小區257個1782單元。", ["物業建設智慧安防小區257個", "257個1782單元"]),
        # A 、 between words without a number joins modifiers of one subject; one after a number ends a clause.
        ("回訪關注類、重點類矛盾糾紛1087次。", ["回訪關注類、重點類矛盾糾紛1087次"]),
        ("走訪重點部位1631個、經營困難企業168家。", ["走訪重點部位1631個", "經營困難企業168家"]),
        ("辦理證件15.9萬餘件……在寒冬時節。", ["辦理證件15.9萬餘件"]),
        ("成功摧毀一個涉案金額達5億余元的犯罪團夥。", ["涉案金額達5億余元"]),
        ("發生一次死亡10人以上道路交通事故4起。", ["死亡10人以上道路交通事故4起"]),
        # A comment after the number is not its subject.
        ("破獲刑事案件1200起同比上升5%。", ["破獲刑事案件1200起", "同比上升5%"]),
        ("今年1月至7月刑事案件破獲數為2萬3188件。", ["刑事案件破獲數為2萬3188件"]),
        ("去年偵破拐賣兒童積案89起。", ["偵破拐賣兒童積案89起"]),
        # A change or a comparison after the number: the words before it are its subject.
        ("破案率從41%上升至64.6%。", ["破案率從41%", "上升至64.6%"]),
        ("發生率以甲區每10萬人1550.2件最高。", ["發生率以甲區每10萬人1550.2件"]),
        # Scope words alone are kept rather than leave the number bare.
        ("全年共29件。", ["全年共29件"]),
    ],
)
def test_extract_figures_quotes_the_shortest_clause(text, expected):
    assert quotes(text) == expected


# --- Whole texts ---------------------------------------------------------------------------------------------

WORK_REPORT_HANT = [
    (3, "制定大型活動安保方案26場", "26", "場", "exact", None),
    (3, "出動警力1,850人次", "1850", "人次", "exact", None),
    (3, "檢查娛樂場所312家次", "312", "家次", "exact", None),
    (4, "啟動一級響應3次", "3", "次", "exact", None),
    (5, "立刑事案件1,236起", "1236", "起", "exact", None),
    (5, "同比下降8.5%", "8.5", "%", "exact", "down"),
    (5, "破案率同比提高3.2個百分點", "3.2", "個百分點", "exact", "up"),
    (5, "抓獲犯罪嫌疑人七十二名", "72", "人", "exact", None),
    (6, "倉庫查獲走私香煙近3萬條", "30000", "條", "approx", None),
    (6, "涉案金額1200餘萬元", "1200", "萬元", "over", None),
    (6, "兩名嫌疑人抓獲", "2", "人", "exact", None),
    (7, "走訪群眾約4.6萬戶", "46000", "戶", "approx", None),
    (7, "化解矛盾糾紛2,318起", "2318", "起", "exact", None),
    (7, "化解率達97.4%", "97.4", "%", "exact", None),
    (7, "重大糾紛化解率90﹪", "90", "%", "exact", None),
    (8, "收繳槍支十九支", "19", "支", "exact", None),
    (8, "子彈一百發", "100", "發", "exact", None),
    (8, "打掉涉槍團夥兩個", "2", "個", "exact", None),
    (8, "三個多月偵辦", "3", "個月", "over", None),
    (8, "凍結資金3.5億元", "3.5", "億元", "exact", None),
]

BULLETIN_HANS = [
    (3, "接报各类警情12.6万起", "126000", "起", "exact", None),
    (3, "同比减少4,120起", "4120", "起", "exact", "down"),
    (3, "下降3.2%", "3.2", "%", "exact", "down"),
    (5, "立刑事案件5,480起", "5480", "起", "exact", None),
    (5, "破获2,310起", "2310", "起", "exact", None),
    (5, "抓获犯罪嫌疑人1,900余名", "1900", "人", "over", None),
    (5, "电信网络诈骗案件降幅达21.5%", "21.5", "%", "exact", "down"),
    (6, "查处治安案件8,300起", "8300", "起", "exact", None),
    (6, "行政拘留2,150人", "2150", "人", "exact", None),
    (6, "罚没款约860万元", "860", "萬元", "approx", None),
    (6, "收缴管制刀具三百五十把", "350", "把", "exact", None),
    (8, "道路交通事故死亡人数下降至48人", "48", "人", "exact", None),
    (8, "查处酒驾醉驾1,536起", "1536", "起", "exact", None),
    (8, "增长12%", "12", "%", "exact", "up"),
    (8, "清理隐患路段两百处", "200", "處", "exact", None),
    (8, "建成示范路口二十三个", "23", "個", "exact", None),
    (9, "侦破案件一千二百起", "1200", "起", "exact", None),
    (9, "捣毁窝点46个", "46", "個", "exact", None),
]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("work_report.zh-Hant.txt", WORK_REPORT_HANT), ("bulletin.zh-Hans.txt", BULLETIN_HANS)],
)
def test_extract_figures_proposes_exactly_the_figures_of_a_whole_text(name, expected):
    proposals = [tuple(proposal.as_dict().values()) for proposal in extract_figures((TEXTS / name).read_text("utf-8"))]
    assert proposals == expected


@pytest.mark.parametrize("name", ["work_report.zh-Hant.txt", "bulletin.zh-Hans.txt"])
def test_extract_figures_quotes_are_verbatim_in_their_paragraph(name):
    lines = (TEXTS / name).read_text("utf-8").split("\n")
    for proposal in extract_figures("\n".join(lines)):
        assert proposal.quote in lines[proposal.paragraph - 1], proposal


#: Characters the rules react to, so random text reaches every branch.
ALPHABET = (
    "0123456789.,，、。；：“”（）()\n 一二兩两三十百千萬万億亿〇零"
    "第每近約余餘多以上下左右元起人名個个月年%﹪同比下降增長至案件破獲…"
)


@given(st.text(alphabet=ALPHABET, max_size=80))
def test_extract_figures_never_fails_and_always_quotes_its_paragraph(text):
    lines = text.split("\n")
    for proposal in extract_figures(text):
        line = lines[proposal.paragraph - 1]
        assert proposal.quote and proposal.quote in line
        assert proposal.value >= 0
        assert proposal.qualifier in {"exact", "approx", "over"}
        assert proposal.change in {None, "up", "down"}
        assert "E" not in proposal.as_dict()["value"]


@given(st.text(alphabet=ALPHABET, max_size=80), st.integers(min_value=0, max_value=6))
def test_extract_figures_with_a_limit_reads_one_past_it_and_the_rest_as_without(text, limit):
    every = extract_figures(text)
    limited = extract_figures(text, limit=limit)
    assert limited[:limit] == every[:limit]
    assert len(limited) == min(len(every), limit + 1)


def test_proposal_as_dict_has_exact_keys_and_plain_decimal_value():
    proposal = Proposal(
        paragraph=11, quote="將8萬餘噸超標廢水直排長江", value=Decimal("8E+4"), unit="噸", qualifier="over"
    )
    assert proposal.as_dict() == {
        "paragraph": 11,
        "quote": "將8萬餘噸超標廢水直排長江",
        "value": "80000",
        "unit": "噸",
        "qualifier": "over",
        "change": None,
    }
    assert tuple(proposal.as_dict()) == PROPOSAL_KEYS


# --- Bounded work ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["1%\n" * 100_000, "排查1起，" * 25_000, "1起" * 100_000], ids=["lines", "clauses", "one_clause"]
)
def test_extract_figures_with_a_limit_stops_reading_one_figure_past_it(text, monkeypatch):
    numbers_read = []
    read_token = extraction._read_token
    monkeypatch.setattr(extraction, "_read_token", lambda *args: numbers_read.append(1) or read_token(*args))
    limited = extract_figures(text, limit=500)
    assert len(limited) == 501 and len(numbers_read) == 501
    assert limited[:500] == extract_figures(text[: len(text) // 50])[:500]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("共1234567890123456789012345678901起", []),
        ("共12345678901234567起", []),
        ("共1234567890123456起", [("1234567890123456", "起", "exact", None)]),
        ("共1,234,567,890,123,456人", [("1234567890123456", "人", "exact", None)]),
        ("約9999999999999萬999億元", [("99999999999990999", "億元", "approx", None)]),
    ],
)
def test_extract_figures_leaves_out_numbers_with_more_digits_than_a_figure_holds(text, expected):
    assert stated(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "“" * 200_000,  # unclosed quotation marks: each was searched to the end of the line (24 s)
        "一個" * 50_000,  # indefinite articles, no figure but each ends a clause: found from the line's start (minutes)
        "1起" * 20_000,  # figures in one clause: each searched the line from its start for its clause (minutes)
    ],
    ids=["unclosed_quotes", "articles", "one_clause"],
)
def test_extract_figures_reads_a_long_line_in_time_proportional_to_its_length(text):
    started = time.perf_counter()
    extract_figures(text)
    assert time.perf_counter() - started < 5


# --- The 2021 report against its fixture ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fixture_figures() -> list[dict]:
    """The fields of every metrics.figure in fixtures/wanzhou_2021.json, read as plain JSON (no database)."""
    rows = json.loads((Path(settings.BASE_DIR) / "fixtures" / "wanzhou_2021.json").read_text(encoding="utf-8"))
    return [row["fields"] for row in rows if row["model"] == "metrics.figure"]


def match_fixture(proposals: list[Proposal], figures: list[dict]) -> dict[str, Proposal]:
    """Each fixture figure's code → the proposal stating it (same paragraph, value, unit, qualifier and
    quote), each proposal used at most once; unmatched codes are absent."""
    unused = list(proposals)
    matched = {}
    for figure in figures:
        for proposal in unused:
            quote, source_quote = proposal.quote, figure["source_quote"]
            if (
                proposal.paragraph == figure["source_paragraph"]
                and proposal.value == Decimal(figure["value"])
                and proposal.unit == figure["unit"]
                and proposal.qualifier == figure["qualifier"]
                and quote == source_quote
            ):
                matched[figure["code"]] = proposal
                unused.remove(proposal)
                break
    return matched


def test_extract_figures_proposes_every_figure_of_the_2021_fixture(source_text_2021, fixture_figures):
    proposals = extract_figures(source_text_2021)
    matched = match_fixture(proposals, fixture_figures)
    recall = len(matched) / len(fixture_figures)
    precision = len(matched) / len(proposals)
    print(f"\n2021 report: recall {recall:.1%}, precision {precision:.1%} (quotes equal to the fixture's clauses)")
    for proposal in proposals:
        if proposal not in matched.values():
            print("  not a fixture figure:", proposal.as_dict())
    missing = [(figure["code"], figure["source_quote"]) for figure in fixture_figures if figure["code"] not in matched]
    assert missing == []
    assert recall == 1
    assert precision == 1


def test_extract_figures_2021_quotes_are_verbatim_in_their_paragraph(source_text_2021):
    lines = source_text_2021.removesuffix("\n").split("\n")
    for proposal in extract_figures(source_text_2021):
        assert lines[proposal.paragraph - 1].count(proposal.quote) >= 1, proposal


# --- The command -----------------------------------------------------------------------------------------------

COMMAND_TEXT = "工作綜述\n全年凍結涉案資金790萬元，將8萬餘噸廢水截留，刑事案件同比下降12.5%。\n"


@pytest.fixture
def report_file(tmp_path) -> Path:
    path = tmp_path / "report.txt"
    path.write_text(COMMAND_TEXT, encoding="utf-8")
    return path


def run_command(*args, **options) -> str:
    out = io.StringIO()
    call_command("extract_figures", *args, stdout=out, **options)
    return out.getvalue()


EXPECTED_ROWS = [
    {
        "paragraph": 2,
        "quote": "凍結涉案資金790萬元",
        "value": "790",
        "unit": "萬元",
        "qualifier": "exact",
        "change": None,
    },
    {"paragraph": 2, "quote": "8萬餘噸廢水截留", "value": "80000", "unit": "噸", "qualifier": "over", "change": None},
    {
        "paragraph": 2,
        "quote": "刑事案件同比下降12.5%",
        "value": "12.5",
        "unit": "%",
        "qualifier": "exact",
        "change": "down",
    },
]


def test_extract_figures_command_prints_json_by_default(report_file):
    output = run_command(str(report_file))
    assert json.loads(output) == EXPECTED_ROWS
    assert "凍結涉案資金" in output  # ensure_ascii=False: the Chinese is readable as written
    assert output.startswith("[\n  {")  # indented


def test_extract_figures_command_prints_csv_with_the_same_keys(report_file):
    output = run_command(str(report_file), format="csv")
    assert output.splitlines()[0] == ",".join(PROPOSAL_KEYS)
    rows = list(csv.DictReader(io.StringIO(output)))
    assert rows == [{**row, "paragraph": str(row["paragraph"]), "change": row["change"] or ""} for row in EXPECTED_ROWS]


def test_extract_figures_command_prints_an_empty_list_for_a_text_without_figures(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("2021年，全區社會治安大局平穩。\n", encoding="utf-8")
    assert json.loads(run_command(str(path))) == []


def test_extract_figures_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run_command(str(tmp_path / "absent.txt"))


def test_extract_figures_command_refuses_a_directory(tmp_path):
    with pytest.raises(CommandError, match="is a directory"):
        run_command(str(tmp_path))


def test_extract_figures_command_refuses_text_that_is_not_utf8(tmp_path):
    path = tmp_path / "big5.txt"
    path.write_bytes("破獲案件12起".encode("big5"))
    with pytest.raises(CommandError, match="not UTF-8"):
        run_command(str(path))
