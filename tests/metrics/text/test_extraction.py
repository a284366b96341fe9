"""The figure extractor (metrics/text/extraction.py) and its ``extract_figures`` command.

Rule by rule on short texts written for these tests (both scripts, invented numbers),
then whole on two small files in tests/metrics/text/texts/, then against the real 2021
report: every figure of fixtures/wanzhou_2021.json must be proposed.
"""

import csv
import io
import json
import time
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from hypothesis import assume, given
from hypothesis import strategies as st

from metrics.text.clauses import clause_states
from metrics.text.extraction import PROPOSAL_KEYS, Proposal, extract_figures
from metrics.text.numbers import HOTLINES, MAX_LIST
from metrics.text.units import same_unit

TEXTS = Path(__file__).parent / "texts"
SOURCE_NAME = "wanzhou-police-2021-work-report.zh-Hant.txt"


def stated(text: str) -> list[tuple[str, str, str, str | None]]:
    """(value, unit, qualifier, change) of each proposal for ``text``, value as a plain string.

    Every test text read through here (or ``quotes``) also checks that no proposal is refused by the clause check.
    """
    assert refused(text) == []
    return [
        (row["value"], row["unit"], row["qualifier"], row["change"])
        for row in map(Proposal.as_dict, extract_figures(text))
    ]


def quotes(text: str) -> list[str]:
    assert refused(text) == []
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
        ("上万名群众参与巡逻。", ("10000", "名", "over")),
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
    ("text", "expected"),
    [
        ("收繳各類槍支七十二支。", ("72", "支")),
        ("抓獲犯罪嫌疑人一百名。", ("100", "名")),
        ("走訪企業十九家。", ("19", "家")),
        ("將兩名犯罪嫌疑人緝拿歸案。", ("2", "名")),
        ("将两名犯罪嫌疑人抓获归案。", ("2", "名")),
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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("全年罪案 10,549 宗。", ("10549", "宗")),
        ("整體罪案數字為64 428宗。", ("64428", "宗")),
        ("出動警力14，724人次。", ("14724", "人次")),
        ("查獲槍枝 1,126枝。", ("1126", "枝")),
        ("查獲假鈔36疊。", ("36", "疊")),
        ("抓獲嫌疑人12名。", ("12", "名")),
    ],
)
def test_extract_figures_proposes_any_counter_as_written(text, expected):
    assert [row[:2] for row in stated(text)] == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("破案率為百分之38.5。", ("38.5", "%", "exact")),
        ("網上騙案佔約五成三。", ("53", "%", "approx")),
        ("財損新臺幣1億2,000萬元。", ("12000", "萬元", "exact")),
        ("抓獲嫌疑人143萬余名。", ("1430000", "名", "over")),
    ],
)
def test_extract_figures_reads_numbers_as_the_clause_check_does(text, expected):
    assert [row[:3] for row in stated(text)] == [expected]


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


@pytest.mark.parametrize(
    ("text", "change"),
    [
        ("詐騙案按年上升12.5%。", "up"),
        ("詐騙案較上年增加 12.5%。", "up"),
        ("詐騙案微升12.5%。", "up"),
        ("詐騙案略升12.5%。", "up"),
        ("詐騙案回升12.5%。", "up"),
        ("詐騙案較前年多12.5%。", "up"),
        ("錄得百分之12.5的升幅。", "up"),
        ("詐騙案下跌12.5%。", "down"),
        ("詐騙案微跌12.5%。", "down"),
        ("詐騙案微降12.5%。", "down"),
        ("詐騙案較上年減少 12.5%。", "down"),
        ("詐騙案較前年少12.5%。", "down"),
        ("損失金額錄12.5%跌幅。", "down"),
        ("跌幅更達12.5%。", "down"),
        ("網上騙案升12.5%。", "up"),
        ("網上騙案跌12.5%。", "down"),
        ("涉款多出12.5%。", "up"),
        ("晉升12.5%。", None),
    ],
)
def test_extract_figures_reads_change_words_before_and_after_the_number(text, change):
    assert [row[3] for row in stated(text)] == [change]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("罪案增加4 814宗(+6.1%)。", [("4814", "宗", "exact", "up"), ("6.1", "%", "exact", "up")]),
        (
            "錄得2,318宗，同比下降1.4% (-33宗)。",
            [("2318", "宗", "exact", None), ("1.4", "%", "exact", "down"), ("33", "宗", "exact", "down")],
        ),
        ("爆竊案有1 027宗（－12.6%）。", [("1027", "宗", "exact", None), ("12.6", "%", "exact", "down")]),
        ("增長率則是−13.38%。", [("13.38", "%", "exact", "down")]),
        ("刑事案件▲5.2%，治安案件▼3.1%。", [("5.2", "%", "exact", "up"), ("3.1", "%", "exact", "down")]),
    ],
)
def test_extract_figures_reads_a_sign_before_the_number_as_its_change(text, expected):
    assert stated(text) == expected


def test_extract_figures_reads_an_approximation_inside_a_change():
    assert extract_figures("盜竊案微升約 5.03%。") == [
        Proposal(
            paragraph=1, quote="盜竊案微升約 5.03%", value=Decimal("5.03"), unit="%", qualifier="approx", change="up"
        )
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "整體罪案較二〇二九年(79 502宗)增加4 814宗(+6.1%)。",
            ["整體罪案較二〇二九年(79 502宗)", "增加4 814宗", "增加4 814宗(+6.1%)"],
        ),
        (
            "「侵犯財產罪」同比上升9.7% (+615宗)。",
            ["「侵犯財產罪」同比上升9.7%", "「侵犯財產罪」同比上升9.7% (+615宗)"],
        ),
    ],
)
def test_extract_figures_quotes_a_number_alone_in_brackets_with_the_clause_before(text, expected):
    assert quotes(text) == expected


# --- Lists and a lone 一 ------------------------------------------------------------------------------------------


def test_extract_figures_gives_each_number_of_a_list_the_shared_unit_and_the_whole_list_as_quote():
    proposals = extract_figures("刑事、治安案件分別破獲1,200、3,400起。")
    assert [(proposal.quote, proposal.value, proposal.unit) for proposal in proposals] == [
        ("刑事、治安案件分別破獲1,200、3,400起", Decimal(1200), "起"),
        ("刑事、治安案件分別破獲1,200、3,400起", Decimal(3400), "起"),
    ]


def test_extract_figures_reads_a_list_after_percent_of_as_percentages():
    proposals = extract_figures("群眾安全感、滿意度分別為百分之98.7及79.3。")
    assert [(proposal.quote, proposal.value, proposal.unit) for proposal in proposals] == [
        ("群眾安全感、滿意度分別為百分之98.7", Decimal("98.7"), "%"),
        ("群眾安全感、滿意度分別為百分之98.7及79.3", Decimal("79.3"), "%"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("殺人案同比增加了一宗。", [("1", "宗", "exact", "up")]),
        ("死亡人数同比减少了一人。", [("1", "人", "exact", "down")]),
        ("縱火案上升了一倍。", [("1", "倍", "exact", "up")]),
        ("涉槍治安案件一起，涉爆案件3起。", [("1", "起", "exact", None), ("3", "起", "exact", None)]),
        ("命案一起同比持平。", [("1", "起", "exact", None)]),
    ],
)
def test_extract_figures_counts_a_lone_yi_in_a_counting_clause(text, expected):
    assert stated(text) == expected


@pytest.mark.parametrize(
    "text",
    ["今年8月發生一宗殺人案。", "成功打掉一个跨境犯罪团伙。", "實現辦事最多跑一次。", "在一處倉庫查獲走私物品。"],
)
def test_extract_figures_still_reads_a_lone_yi_before_a_noun_as_the_indefinite_article(text):
    assert stated(text) == []


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


@pytest.mark.parametrize(
    "text",
    [
        "全市12345熱線受理求助下降。",
        "110接處警工作平穩。",
        "開展3·15宣傳活動。",
        "G42高速沿線巡邏。",
        "「天眼」第五期建設完成。",
        "考核排名全省第2位。",
        "黨的二十大勝利召開。",
        "評選十大平安新聞。",
        "十一期間全市平穩。",
        "開展「雷霆2030」專項行動。",
        "第10/2030號法律生效。",
        "堅持四個全面。",
        "成千上萬人參與。",
    ],
)
def test_extract_figures_leaves_out_codes_hotlines_ranks_and_names(text):
    assert extract_figures(text) == []


def test_extract_figures_leaves_out_a_span_of_months_after_shou_or_qian():
    assert stated("首9個月同比上升12%，前三個月下降5%。") == [("12", "%", "exact", "up"), ("5", "%", "exact", "down")]


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
        ("名", "名"),
        ("位", "位"),
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


@pytest.mark.parametrize(
    "text",
    [
        "刑事案件分別下降" + "、".join(["12.5%"] * 500) + "。",
        "分別為" + "、".join(["1,234"] * 500) + "起。",
        "甲、" * 500 + "2起。",
    ],
)
def test_extract_figures_keeps_quotes_short_in_a_run_that_never_ends(text):
    """A series, a list or a run of 、 longer than any a report writes (a table pressed into one line) gives
    quotes of a bounded length (a series of lists at most), so the work stays in proportion to the text."""
    assert max(len(quote) for quote in quotes(text)) <= 2 * MAX_LIST * len("、12.5%") + len("刑事案件分別下降")


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
        # A link after a number starts the next item, whose subject does not take the link.
        ("毒品2754件及詐欺2446件。", ["毒品2754件", "詐欺2446件"]),
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
    (5, "抓獲犯罪嫌疑人七十二名", "72", "名", "exact", None),
    (6, "倉庫查獲走私香煙近3萬條", "30000", "條", "approx", None),
    (6, "涉案金額1200餘萬元", "1200", "萬元", "over", None),
    (6, "兩名嫌疑人抓獲", "2", "名", "exact", None),
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
    (5, "抓获犯罪嫌疑人1,900余名", "1900", "名", "over", None),
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


#: Figures of the style texts as a reader labels them: (paragraph, value, unit, qualifier, change).
LABELLED = {
    "hk_review.zh-Hant.txt": [
        (2, "84316", "宗", "exact", None),
        (2, "79502", "宗", "exact", None),
        (2, "4814", "宗", "exact", "up"),
        (2, "6.1", "%", "exact", "up"),
        (2, "1118", "宗", "exact", None),
        (2, "137", "宗", "exact", None),
        (3, "9276", "宗", "exact", None),
        (3, "2.4", "%", "exact", "down"),
        (3, "58.3", "%", "exact", None),
        (3, "1.7", "個百分點", "exact", "up"),
        (3, "1.9", "%", "approx", "up"),
        (4, "36905", "宗", "exact", None),
        (4, "8.8", "%", "exact", "up"),
        (4, "51.2", "億元", "approx", None),
        (4, "47.9", "億元", "exact", None),
        (4, "3.3", "億元", "exact", "up"),
        (5, "71", "宗", "exact", None),
        (5, "19", "宗", "exact", "down"),
        (5, "1027", "宗", "exact", None),
        (5, "12.6", "%", "exact", "down"),
        (6, "32418", "人", "exact", None),
        (6, "1209", "人", "exact", None),
        (6, "3.7", "%", "exact", None),
        (7, "1860", "宗", "exact", None),
        (7, "3.6", "億元", "over", None),
        (7, "580", "公斤", "approx", None),
        (8, "70", "%", "approx", None),
        (8, "35", "%", "exact", "down"),
    ],
    "macau_statistics.zh-Hant.txt": [
        (2, "12604", "宗", "exact", None),
        (2, "735", "宗", "exact", "up"),
        (2, "6.2", "%", "exact", "up"),
        (3, "2318", "宗", "exact", None),
        (3, "1.4", "%", "exact", "down"),
        (3, "33", "宗", "exact", "down"),
        (3, "6950", "宗", "exact", None),
        (3, "9.7", "%", "exact", "up"),
        (3, "615", "宗", "exact", "up"),
        (4, "302", "宗", "exact", None),
        (4, "5800", "萬澳門元", "over", None),
        (4, "20", "%", "approx", "up"),
        (5, "58", "宗", "exact", None),
        (5, "11", "宗", "exact", "down"),
        (5, "1", "宗", "exact", "up"),
        (6, "2947", "人", "exact", None),
        (6, "86", "名", "exact", None),
        (6, "2", "名", "exact", None),
        (7, "14370", "名", "exact", None),
        (7, "820", "支", "exact", None),
    ],
    "taiwan_bulletin.zh-Hant.txt": [
        (2, "248315", "件", "exact", None),
        (2, "6402", "件", "exact", "down"),
        (2, "2.51", "%", "exact", "down"),
        (2, "231077", "件", "exact", None),
        (2, "93.06", "%", "exact", None),
        (2, "0.48", "個百分點", "exact", "up"),
        (3, "612", "件", "exact", None),
        (3, "99.84", "%", "exact", None),
        (3, "31506", "件", "exact", None),
        (3, "2214", "件", "exact", "down"),
        (4, "34871", "件", "exact", None),
        (4, "713600", "萬元", "exact", None),
        (4, "2.4", "億元", "approx", None),
        (5, "7315.6", "公斤", "exact", None),
        (5, "1908.2", "公斤", "exact", "up"),
        (5, "1126", "枝", "exact", None),
        (5, "24630", "顆", "exact", None),
        (6, "1863520", "人次", "exact", None),
        (6, "72044", "件", "exact", None),
        (7, "1061.25", "件", "exact", None),
        (7, "2.7", "%", "exact", "down"),
    ],
    "city_report.zh-Hans.txt": [
        (2, "463000", "起", "exact", None),
        (2, "5.2", "%", "exact", "down"),
        (2, "12800", "起", "exact", None),
        (2, "11.6", "%", "exact", "down"),
        (2, "6843", "起", "exact", None),
        (2, "5217", "名", "exact", None),
        (3, "23.5", "%", "exact", "down"),
        (3, "16.4", "%", "exact", "down"),
        (3, "19.6", "%", "exact", "down"),
        (4, "1356", "起", "exact", None),
        (4, "2.7", "億元", "exact", None),
        (4, "4380", "萬元", "over", None),
        (4, "1200", "起", "exact", "down"),
        (5, "9862", "起", "exact", None),
        (5, "3104", "人", "exact", None),
        (5, "640", "把", "exact", None),
        (5, "12", "支", "exact", None),
        (6, "16000", "處", "exact", None),
        (6, "98.7", "%", "exact", None),
        (6, "97.4", "%", "exact", None),
        (7, "1", "人", "exact", "down"),
        (7, "30", "%", "approx", "up"),
        (8, "312", "個", "exact", None),
        (8, "87.5", "%", "exact", None),
        (8, "9.3", "%", "exact", "down"),
    ],
}


def score(proposals: list[Proposal], labels: list[tuple]) -> int:
    """How many proposals state a labelled figure (paragraph, value, unit, qualifier and change); each label once."""
    unused, right = list(labels), 0
    for proposal in proposals:
        for label in unused:
            paragraph, value, unit, qualifier, change = label
            if (proposal.paragraph, proposal.value, proposal.qualifier, proposal.change) == (
                paragraph,
                Decimal(value),
                qualifier,
                change,
            ) and same_unit(proposal.unit, unit):
                unused.remove(label)
                right += 1
                break
    return right


@pytest.mark.parametrize("name", sorted(LABELLED))
def test_extract_figures_finds_every_labelled_figure_of_a_style_and_nothing_else(name):
    proposals = extract_figures((TEXTS / name).read_text("utf-8"))
    right, labels = score(proposals, LABELLED[name]), LABELLED[name]
    print(f"\n{name}: recall {right / len(labels):.1%}, precision {right / len(proposals):.1%}")
    assert (right, len(proposals)) == (len(labels), len(labels))


def test_extract_figures_recall_and_precision_over_every_labelled_text(source_text_2021, fixture_figures):
    """Printed for the record (pytest -s): over the style texts, the two whole texts and the 2021 report."""
    right = proposed = labelled = 0
    whole = {"work_report.zh-Hant.txt": WORK_REPORT_HANT, "bulletin.zh-Hans.txt": BULLETIN_HANS}
    labels_by_name = LABELLED | {name: [row[:1] + row[2:] for row in rows] for name, rows in whole.items()}
    for name, labels in labels_by_name.items():
        proposals = extract_figures((TEXTS / name).read_text("utf-8"))
        right, proposed, labelled = right + score(proposals, labels), proposed + len(proposals), labelled + len(labels)
    proposals_2021 = extract_figures(source_text_2021)
    labels_2021 = [
        (figure["source_paragraph"], figure["value"], figure["unit"], figure["qualifier"], None)
        for figure in fixture_figures
    ]
    right_2021 = score([replace(proposal, change=None) for proposal in proposals_2021], labels_2021)
    print(
        f"\ntest texts: recall {right / labelled:.1%}, precision {right / proposed:.1%} ({labelled} figures)"
        f"\n2021 report: recall {right_2021 / len(labels_2021):.1%}, precision {right_2021 / len(proposals_2021):.1%}"
    )
    assert right == proposed == labelled
    assert right_2021 == len(proposals_2021) == len(labels_2021)


# --- Every proposal is stated by its quote --------------------------------------------------------------------------


def refused(text: str) -> list[Proposal]:
    """The proposals whose own quote does not state them as the clause check reads it (Figure.clean would refuse)."""
    return [
        proposal
        for proposal in extract_figures(text)
        if not clause_states(proposal.quote, value=proposal.value, unit=proposal.unit, qualifier=proposal.qualifier)
    ]


@pytest.mark.parametrize("name", sorted(path.name for path in TEXTS.glob("*.txt")))
def test_extract_figures_every_proposal_of_a_test_text_passes_the_clause_check(name):
    assert refused((TEXTS / name).read_text("utf-8")) == []


def test_extract_figures_every_proposal_of_the_2021_text_passes_the_clause_check(source_text_2021):
    assert refused(source_text_2021) == []


#: Characters the rules react to, so random text reaches every branch.
ALPHABET = (
    "0123456789.,，、。；：“”（）()+-\n \u2009一二兩两三十百千萬万億亿〇零點成"
    "第每最附近約余餘多以上下左右元起人名個个月年%﹪宗枝同比下降增長加了至及和案件破獲…"
)


@given(st.text(alphabet=ALPHABET, max_size=80))
def test_extract_figures_never_fails_and_every_proposal_passes_the_clause_check(text):
    lines = text.split("\n")
    for proposal in extract_figures(text):
        line = lines[proposal.paragraph - 1]
        assert proposal.quote and proposal.quote in line
        assert proposal.value >= 0
        assert proposal.qualifier in {"exact", "approx", "over"}
        assert proposal.change in {None, "up", "down"}
        assert "E" not in proposal.as_dict()["value"]
    assert refused(text) == []


#: Counters every numeral takes, and counters a report may use that no list here names.
KNOWN_COUNTERS = ("起", "件", "宗", "名", "人次", "個", "艘", "公斤")
NEW_COUNTERS = ("枝", "疊", "樽", "罐")
SUBJECTS = ("破獲刑事案件", "全般刑案發生 ", "罪案 ", "查处治安案件", "截獲走私")
#: (written before the number, between number and counter, after the counter, qualifier)
QUALIFIERS = (
    ("", "", "", "exact"),
    ("近", "", "", "approx"),
    ("約", "", "", "approx"),
    ("逾", "", "", "over"),
    ("", "餘", "", "over"),
    ("", "", "左右", "approx"),
    ("", "", "以上", "over"),
)
ENDINGS = ("。", "，同比上升5%。", "；全年平穩。")


def chinese(number: int) -> str:
    """``number`` (1–9999) as a Chinese numeral: 1005 → 一千零五, 15 → 十五."""
    text, zero = "", False
    for power, mark in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = number // power % 10
        if digit:
            text += ("零" if zero else "") + "〇一二三四五六七八九"[digit] + mark
            zero = False
        elif text:
            zero = True
    return text.replace("一十", "十", 1) if text.startswith("一十") else text


@st.composite
def written_figures(draw) -> tuple[str, Decimal, str, str]:
    """A clause stating one count in one of the ways reports write numbers, with what it states."""
    style = draw(st.sampled_from(["digits", "comma", "space", "wan", "chinese"]))
    high = 9999 if style == "chinese" else 99_999_999
    value = draw(st.integers(min_value=10_000 if style == "wan" else 1, max_value=high))
    written = {
        "digits": str(value),
        "comma": f"{value:,}",
        "space": f"{value:,}".replace(",", " "),
        "wan": f"{value // 10_000}萬{value % 10_000:,}" if value % 10_000 else f"{value // 10_000}萬",
        "chinese": chinese(value),
    }[style]
    counters = KNOWN_COUNTERS if style == "chinese" else KNOWN_COUNTERS + NEW_COUNTERS
    counter = draw(st.sampled_from(counters))
    # Bare years and hotline numbers take only a known counter (2030全年, 110接處警): not a new one here.
    assume(not (written == str(value) and counter in NEW_COUNTERS and (1900 <= value <= 2100 or written in HOTLINES)))
    before, between, after, qualifier = draw(st.sampled_from(QUALIFIERS))
    spaces = draw(st.sampled_from(["", " "]))
    text = (draw(st.sampled_from(SUBJECTS)) + before + written + between + spaces + counter + after) + draw(
        st.sampled_from(ENDINGS)
    )
    return text, Decimal(value), counter, qualifier


@given(written_figures())
def test_extract_figures_proposes_a_count_however_it_is_written(figure):
    text, value, unit, qualifier = figure
    proposals = extract_figures(text)
    assert (value, unit, qualifier) in [(proposal.value, proposal.unit, proposal.qualifier) for proposal in proposals]
    assert refused(text) == []


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


def seconds_of(call) -> float:
    """The shortest of two runs of ``call()``: a ratio of two such times holds on a loaded machine."""
    times = []
    for _ in range(2):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return min(times)


@pytest.mark.parametrize(
    "text", ["1%\n" * 20_000, "排查1起，" * 2_000, "1起" * 5_000], ids=["lines", "clauses", "one_clause"]
)
def test_extract_figures_with_a_limit_returns_one_figure_past_it(text):
    limited = extract_figures(text, limit=500)
    assert len(limited) == 501
    assert limited[:500] == extract_figures(text)[:500]


def test_extract_figures_with_a_limit_reads_no_paragraph_past_it():
    text = "1%\n" * 20_000
    assert seconds_of(lambda: extract_figures(text, limit=500)) * 10 < seconds_of(lambda: extract_figures(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("共1234567890123456789012345678901起", []),
        ("共12345678901234567起", []),
        ("共1234567890123456起", [("1234567890123456", "起", "exact", None)]),
        ("共1,234,567,890,123,456人", [("1234567890123456", "人", "exact", None)]),
        ("約9,999億9,999萬9,999元", [("999999999999", "元", "approx", None)]),
    ],
)
def test_extract_figures_leaves_out_numbers_with_more_digits_than_a_figure_holds(text, expected):
    assert stated(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "“" * 40_000,  # unclosed quotation marks: each was searched to the end of the line (24 s)
        "一個" * 20_000,  # indefinite articles, no figure but each ends a clause: found from the line's start (minutes)
        "1起" * 10_000,  # figures in one clause: each searched the line from its start for its clause (minutes)
    ],
    ids=["unclosed_quotes", "articles", "one_clause"],
)
def test_extract_figures_reads_a_long_line_in_time_proportional_to_its_length(text):
    """Ten times the text takes about ten times as long, well under the hundred times of rescanning the line."""
    tenth = text[: len(text) // 10]
    assert seconds_of(lambda: extract_figures(text)) < 60 * seconds_of(lambda: extract_figures(tenth))


# --- The 2021 report against its fixture ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fixture_figures() -> list[dict]:
    """The fields of every metrics.figure in fixtures/wanzhou_2021.json, read as plain JSON (no database)."""
    rows = json.loads((Path(settings.BASE_DIR) / "fixtures" / "wanzhou_2021.json").read_text(encoding="utf-8"))
    return [row["fields"] for row in rows if row["model"] == "metrics.figure"]


def match_fixture(proposals: list[Proposal], figures: list[dict]) -> dict[str, Proposal]:
    """Each fixture figure's code → the proposal stating it (same paragraph, value, unit, qualifier and
    quote), each proposal used at most once; unmatched codes are absent. The fixture stores 人 where the
    text writes 名 (兩名犯罪嫌疑人): one unit to ``same_unit``, so the fixture keeps its units."""
    unused = list(proposals)
    matched = {}
    for figure in figures:
        for proposal in unused:
            quote, source_quote = proposal.quote, figure["source_quote"]
            if (
                proposal.paragraph == figure["source_paragraph"]
                and proposal.value == Decimal(figure["value"])
                and same_unit(proposal.unit, figure["unit"])
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
