"""Propose the figures a police work report or statistics bulletin states, from its plain text.

Pure functions: text in, ``Proposal`` rows out; no database, no request. An editor
reviews the proposals before anything becomes a ``Figure``.

The contract of ``extract_figures``:

- Input: the report as UTF-8 text, one paragraph a line (``paragraph`` is the 1-based
  line number), in Traditional or Simplified Chinese.
- A number is proposed only when a unit follows it: a counter word (起 件 人 人次 家次
  個 條 處 次 場 支 發 把 戶 噸 單元 個月 名 家 輛 …), money (元, 萬元, 億元) or a
  percentage (%, ％, ﹪ and 百分之… all give the unit ``%``). That one rule leaves out
  years (2021年, 2021全年, 二〇二一年, 民國110年), months (6月, 1至6月), days (15日/號),
  clock times and durations in hours or minutes, levels (二級), and names such as
  建黨100週年, 十九屆六中全會, 兩會, 五必進 and 三峽.
- Also left out: ordinals and ranks (第一, 第33個, 前3名); rate bases (每10萬人); the end
  of a range (3至5人); vague counts (數十起); limits and thresholds (500元以下,
  死亡3人以上事故); numbers inside quotation or title marks (“1、3、5”分鐘, “昆侖-2022”,
  《…》); list markers (一、 (一) 1.); a lone 一 before a counter, which is the indefinite
  article (一個團夥, 一支隊伍); slogans and idioms built on a counter (兩個維護, 八項規定,
  四處, 三番五次).
- Numbers: Arabic digits with decimals, thousands commas (18,161) or an inner 萬/千
  (2萬2,807, 3千700); Chinese numerals (七十二, 一百, 十九, 兩/两, 一千二百, 三萬五千).
  萬/億 multiply a plain unit out (8萬餘噸 → 80000 噸) but stay in a money unit
  (790萬元 → 790 萬元, 3.2亿元 → 3.2 億元).
- ``qualifier``: "approx" for 近/約/约/大約/將近 before or 左右/上下 after the number;
  "over" for 餘/余/多 (8萬餘噸, 兩個多月), 以上, 逾 or 超/超過; else "exact".
- ``change``: "up" or "down" when the number is the size of a change, i.e. a change word
  (同比上升, 增長/增长, 增加, 提高, 增幅 / 下降, 減少/减少, 降低, 降幅, 同比降 …) comes
  right before it, or before the first number of its series (分別下降8.37%、28.30%);
  "下降至/到" names the new level, not the change, so it gives None.
- ``unit`` is normalised to Traditional script (万元 → 萬元, 亿元 → 億元, 个 → 個, 条 → 條,
  处 → 處, 场 → 場, 发 → 發, 户 → 戶, 吨 → 噸, 单元 → 單元, 个月 → 個月, 辆 → 輛 …) so
  proposals from either script compare with the portal's units; 名 and 位, which count
  people, become 人. ``quote`` stays verbatim.
- ``quote`` is the shortest clause that states the number: a substring of the paragraph
  that does not cross clause punctuation (，。；：,;（）…, and 、 after a number), cut to the
  number with its subject: the noun after it (14場許可活動安全監管方案) or else the words
  before it (化解率達98.66%), less leading scope words such as 全年, 共, 累計, 其中 and dates.
  A bare number in a series keeps the clause from its first number (下降8.37%、28.30%).
- Work: each number costs about the same however long its paragraph (the checks on its left read
  ``LOOK_BEHIND`` characters; its clause is found by bisection), so reading a text takes time in
  proportion to its length. With ``limit``, reading stops as soon as ``limit + 1`` proposals are found.
"""

import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from metrics.choices import Qualifier, Unit
from metrics.formatting import plain_number

#: Keys of ``Proposal.as_dict``, in the order exports write them.
PROPOSAL_KEYS = ("paragraph", "quote", "value", "unit", "qualifier", "change")

UP = "up"
DOWN = "down"


@dataclass(frozen=True)
class Proposal:
    """One number the text states: where (paragraph, verbatim quote) and what (value, unit, qualifier, change)."""

    paragraph: int
    quote: str
    value: Decimal
    unit: str
    qualifier: str
    change: str | None = None

    def as_dict(self) -> dict:
        """The proposal as a JSON-ready dict with exactly ``PROPOSAL_KEYS``; ``value`` is a plain decimal string."""
        return {
            "paragraph": self.paragraph,
            "quote": self.quote,
            "value": plain_number(self.value),
            "unit": self.unit,
            "qualifier": self.qualifier,
            "change": self.change,
        }


# --- Numbers ---------------------------------------------------------------------------------------------------

DIGITS = {
    char: value
    for value, chars in enumerate(("〇零", "一", "二兩两", "三", "四", "五", "六", "七", "八", "九"))
    for char in chars
}
SMALL_MULTIPLIERS = {"十": 10, "百": 100, "千": 1000}
WAN = 10_000
YI = 100_000_000
SCALES = {"萬": WAN, "万": WAN, "億": YI, "亿": YI}

ARABIC = r"\d{1,3}(?:,\d{3}(?!\d))+(?:\.\d+)?|\d+(?:\.\d+)?"
# A Chinese numeral must open with a digit word from 一 or with 十: a bare 百/千/萬 is nearly
# always part of a word or an idiom (百姓, 千家萬戶, 萬無一失), and 零 a slogan (零發案).
CHINESE = r"[一二三四五六七八九十兩两][〇零一二三四五六七八九十百千萬万億亿兩两]*"
# Digits may carry 萬 or 千 inside, as in 2萬2,807件 or 3千700多件.
ARABIC_MIXED = rf"(?:\d+[萬万](?=\d))?(?:\d千(?=\d))?(?:{ARABIC})"
# A bare 百/千/萬 is a round count only right after a word that qualifies it: 近百個, 約千人, 逾萬人, 超過千人, 上千起.
ROUND = r"(?:(?<=[近約约逾超上])|(?<=超[過过]))(?:[百千][萬万]?|[萬万])"
#: Before 上, these make it part of another word (晚上, 線上, 以上), not "as many as".
NOT_UP_TO = "晚早線线網网以馬马"
ROUND_VALUES = {"百": 100, "千": 1000, "萬": WAN, "万": WAN}
NUMBER = re.compile(rf"(?P<percent_of>百分之)?(?:(?P<arabic>{ARABIC_MIXED})|(?P<chinese>{CHINESE})|(?P<round>{ROUND}))")
INNER_SCALES = {"萬": WAN, "万": WAN, "千": 1000}
#: Digits written beyond this state no figure (a figure holds at most 16): an ID, a serial or a phone number run
#: together. Such a number is not proposed, which also keeps every value within ``Decimal``'s 28-digit arithmetic.
MAX_DIGITS = 16


def arabic_number(text: str) -> Decimal:
    """Value of digits as written, with thousands commas and inner 萬/千 (18,161; 2萬2,807 → 22807; 3千700)."""
    value = Decimal(0)
    for mark, scale in INNER_SCALES.items():
        high, found, low = text.partition(mark)
        if found:
            value += Decimal(high) * scale
            text = low
    return value + Decimal(text.replace(",", ""))


def _below_wan(text: str) -> int | None:
    """Value of a numeral below 10,000 (一千零五, 十九, 七十二); None when malformed (十四五)."""
    value, digit, last = 0, None, 10_000
    for char in text:
        if char in SMALL_MULTIPLIERS:
            multiplier = SMALL_MULTIPLIERS[char]
            if multiplier >= last or (digit is None and char != "十"):
                return None
            value += (1 if digit is None else digit) * multiplier
            digit, last = None, multiplier
        elif char not in DIGITS or (digit is not None and DIGITS[char]):
            return None
        else:
            digit = DIGITS[char] or None
    return value + (digit or 0)


def _scaled(text: str, mark: str, scale: int, below: Callable[[str], int | None]) -> int | None:
    """Value of ``text`` split at its multiplier ``mark`` (萬 or 億), each side read by ``below``."""
    high, found, low = text.partition(mark)
    if not found:
        return below(text)
    high_value = below(high) if high else None
    low_value = below(low) if low else 0
    if not high_value or low_value is None:
        return None
    return high_value * scale + low_value


def _below_yi(text: str) -> int | None:
    """Value of a numeral below 100,000,000 (三萬五千 → 35000); None when malformed."""
    return _scaled(text, "萬", WAN, _below_wan)


def chinese_number(text: str) -> int | None:
    """Value of a Chinese numeral (兩 → 2, 一千二百 → 1200, 三萬五千 → 35000); None when it is no count.

    A run of digit words without 十/百/千/萬/億 (二〇二一, 一二) spells a year or a code, so it gives None.
    """
    text = text.replace("万", "萬").replace("亿", "億")
    if not any(char in SMALL_MULTIPLIERS or char in "萬億" for char in text):
        return DIGITS[text] if len(text) == 1 else None
    return _scaled(text, "億", YI, _below_yi)


# --- Units -----------------------------------------------------------------------------------------------------

#: Counter words after a number, longest first so 人次 wins over 人 and 個月 over 個.
#: Time units (年 月 日 號 時 點 分鐘 小時 天) are absent on purpose: those numbers are dates,
#: clock times or durations in a mechanism's name, not counts of work.
COUNTERS = sorted(
    """
    個百分點 个百分点 百分點 百分点 平方米
    人次 家次 戶次 户次 輛次 辆次 車次 车次 架次 場次 场次 班次 批次 單元 单元 公里 千米 公斤 千克 公頃 公顷
    起 件 人 名 位 個 个 條 条 處 处 次 場 场 支 發 发 把 戶 户 噸 吨 家 輛 辆 艘 架 臺 台 部 套 枚 顆 颗
    塊 块 張 张 份 封 篇 頭 头 隻 只 組 组 批 宗 例 筆 笔 間 间 棟 栋 座 所 項 项 種 种 倍 克 米 畝 亩
    """.split(),
    key=len,
    reverse=True,
)
PERCENT_SIGNS = {"%": Unit.PERCENT, "％": Unit.PERCENT, "﹪": Unit.PERCENT, "‰": "‰"}
MONEY = "元"
MONTHS = re.compile(r"[個个](?P<over>[多餘余])?月")
#: 名 and 位 count people, which the portal records in 人 (兩名犯罪嫌疑人 → 2 人).
PEOPLE_COUNTERS = {"名": Unit.REN, "位": Unit.REN}
TO_TRADITIONAL = str.maketrans(
    "个条处场发户吨单辆万亿项张头只组笔间栋层颗块点种车亩顷", "個條處場發戶噸單輛萬億項張頭隻組筆間棟層顆塊點種車畝頃"
)

# --- Context -----------------------------------------------------------------------------------------------------

OVER_MARKS = "餘余多"
PREFIXES = {
    "大約": Qualifier.APPROX,
    "大约": Qualifier.APPROX,
    "將近": Qualifier.APPROX,
    "将近": Qualifier.APPROX,
    "約": Qualifier.APPROX,
    "约": Qualifier.APPROX,
    "近": Qualifier.APPROX,
    "超過": Qualifier.OVER,
    "超过": Qualifier.OVER,
    "超": Qualifier.OVER,
    "逾": Qualifier.OVER,
}
#: Before 近, these make 最近/附近/鄰近 "recent"/"nearby", which say nothing about the number.
RECENT_OR_NEARBY = "最附鄰邻"
SUFFIXES = {"以上": Qualifier.OVER, "左右": Qualifier.APPROX, "上下": Qualifier.APPROX}

CHANGE = re.compile(
    r"(?:(?P<up>上升|增長|增长|增加|提高|提升|上漲|上涨|增幅|升幅|漲幅|涨幅|(?:同比|環比|环比)[增升])"
    r"|(?P<down>下降|減少|减少|降低|下跌|回落|降幅|減幅|减幅|(?:同比|環比|环比)[減减降]))"
    r"(?:了|幅度)?(?:達|达|為|为)?\s*$"
)

#: A counter then these words names a slogan, not a count (兩個維護, 四個意識, 八項規定, 五條禁令).
SLOGAN_AFTER = re.compile(r"[個个](?:意識|意识|自信|維護|维护|確立|确立|代表|務必|务必)|[項项](?:規定|规定)|[條条]禁令")
#: Idioms whose numeral sits before a counter: 四處 "everywhere", 三番五次 "again and again".
IDIOMS = re.compile(r"四[處处]|三番五次|五次三番")

#: 近三個月來, 6個月內: a span of months that frames the time of other figures.
MONTHS_FRAME_AFTER = re.compile(r"來|来|以來|以来|內|内|裡|里|中")
#: Quotation and title marks, opening to closing; a number between them belongs to a name (“1、3、5”分鐘, 《…》).
QUOTE_MARKS = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", "〈": "〉", '"': '"'}
OPENING_MARKS = re.compile("[" + "".join(QUOTE_MARKS) + "]")
#: Clause punctuation. A comma between digits (18,161) is a thousands separator, not a break.
CLAUSE_BREAK = re.compile(r"[，。；、：！？;:!?（）()【】\[\]]|…+|——|,(?!\d{3}(?!\d))|(?<!\d),")
#: How many characters before a number the checks on its left read (第, 每, 數, a range's 至, a change word such
#: as 同比下降了): more than the longest of them, so a number costs the same however long its paragraph.
LOOK_BEHIND = 16
RANGE_BEFORE = re.compile(r"(?:\d|[〇零一二三四五六七八九十百千萬万])\s*[至到\-~～－—]+\s*$")

#: Words at the start of a clause that set the scope or time, not the subject: 全年共排查… → 排查….
LEADING_FILLER = re.compile(
    r"[（(]?[一二三四五六七八九十\d]{1,3}[）)、.．](?!\d)|[一二三四五六七八九十]是"
    r"|(?:\d{4}|[〇零一二三四五六七八九]{4})年(?:度|底|初|末|內|内|以來|以来)?"
    r"|(?:\d{1,2}|[一二三四五六七八九十]{1,3})(?:月?\s*[至到\-~～－—]\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3}))?月(?:份|底|初|末)?"
    r"|\d{1,2}[日號号]"
    r"|全年度|全年|年內|年内|今年以來|今年以来|去年|今年|上年|本年|當年|当年|上半年|下半年|目前|同期|期間|期间|截至|至今|以來|以来"
    r"|累計|累计|共計|共计|合計|合计|總計|总计|總共|总共|共(?![青享同建治產产])|其中|先後|先后|分別|分别|此外|另外|同時|同时"
    r"|全區|全区|全市|全縣|全县|全省|全局|全國|全国|全面|落實|落实|依法|並且|并且|並|并|還|还|又|均|已|\s"
)
#: A clause ends its subject here: 許可活動安全監管方案以及… → 許可活動安全監管方案; and in 以…為支撐
#: (以581個必巡點、31條必巡線為支撐) the 為 phrase says what the counted things serve as, not what they are.
TAIL_END = re.compile(r"以及|等|(?:作)?[為为](?:支撐|支撑|依託|依托|抓手|重點|重点|核心|基礎|基础|主線|主线|載體|载体)")
#: What joins the numbers of a series: 24.4%、19.8%、24.7%和25.6%.
SERIES_LINKS = ("、", "和", "及", "與", "与")
#: 以上 straight before a noun or verb makes the number a category's threshold, not a figure: 死亡3人以上事故.
THRESHOLD = re.compile(r"以上(?![的，。；、：,;:!?！？（）()\s]|$)")
#: A number then these is a limit (罰款500元以下, 控制在5%以內), not a count of work.
LIMIT_AFTER = re.compile(r"以下|以內|以内")
#: Before a numeral these make it vague (數十起 "dozens", 幾百人 "some hundreds").
VAGUE_BEFORE = ("數", "数", "幾", "几")
#: After a number, these start a comment on it rather than the thing counted, so the words before it are the subject
#: (從41%上升至64.6%: 41% is what rose, not a count of 上升).
COMMENT_AFTER = re.compile(
    r"的|同比|環比|环比|較|较|比|歸案|归案|之|上升|下降|增長|增长|增加|減少|减少|提高|提升|降低|回落"
    r"|最高|最低|最多|最少|次之|居次|居首"
)


@dataclass(frozen=True)
class _Token:
    """A number with its unit as found in one line: [start, end) of its text, and what it states."""

    start: int
    end: int
    value: Decimal | None  # None for an indefinite 一 (一個): no figure, but it ends the clause before it
    unit: str
    qualifier: str


def _match_unit(line: str, pos: int) -> tuple[str, int, bool] | None:
    """The unit starting at ``pos`` as (unit as written, end, says "over"), or None."""
    if match := MONTHS.match(line, pos):
        return "個月", match.end(), bool(match["over"])
    for unit in COUNTERS:
        if line.startswith(unit, pos):
            return unit, pos + len(unit), False
    if pos < len(line) and line[pos] in PERCENT_SIGNS:
        return PERCENT_SIGNS[line[pos]], pos + 1, False
    if line.startswith(MONEY, pos):
        return MONEY, pos + 1, False
    return None


def _read_token(line: str, match: re.Match) -> _Token | None:
    """The number at ``match`` with its unit and qualifier, or None when no unit follows (a date, a name, a level)."""
    start, pos = match.start(), match.end()
    qualifier = Qualifier.EXACT
    if match["arabic"]:
        if sum(char.isdigit() for char in match["arabic"]) > MAX_DIGITS:
            return None
        value = arabic_number(match["arabic"])
        scale_mark = ""
    elif match["round"]:
        before = line[max(start - 2, 0) : start]
        if before[-1:] == "上" and before[:1] in NOT_UP_TO or before[-1:] == "近" and before[:1] in RECENT_OR_NEARBY:
            # 晚上千人, 最近百名: the word before is no qualifier, so the bare 百/千 counts nothing.
            return None
        value = Decimal(math.prod(ROUND_VALUES[char] for char in match["round"]))
        scale_mark = match["round"][-1] if match["round"][-1] in SCALES else ""
        if before[-1:] == "上":
            # 上千人: as many as a thousand and more.
            qualifier, start = Qualifier.OVER, start - 1
    else:
        number = chinese_number(match["chinese"])
        if number is None:
            return None
        value = Decimal(number)
        scale_mark = match["chinese"][-1] if match["chinese"][-1] in SCALES else ""

    if match["percent_of"]:
        unit = Unit.PERCENT
    else:
        if pos < len(line) and line[pos] in OVER_MARKS:
            qualifier, pos = Qualifier.OVER, pos + 1
        if not scale_mark and pos < len(line) and line[pos] in SCALES:
            # 8萬餘噸, 二十多萬人: the multiplier after the digits (or after 多).
            scale_mark, pos = line[pos], pos + 1
            value *= SCALES[scale_mark]
            if pos < len(line) and line[pos] in OVER_MARKS:
                qualifier, pos = Qualifier.OVER, pos + 1
        unit_match = _match_unit(line, pos)
        if unit_match is None:
            return None
        unit, pos, over_inside = unit_match
        if over_inside:
            qualifier = Qualifier.OVER
        if unit == MONEY and scale_mark:
            # Money keeps the report's multiplier in its unit: 790萬元 is 790 萬元, not 7900000 元.
            value /= SCALES[scale_mark]
            unit = scale_mark + MONEY

    for suffix, suffix_qualifier in SUFFIXES.items():
        if line.startswith(suffix, pos):
            qualifier, pos = suffix_qualifier, pos + len(suffix)
            break
    for prefix, prefix_qualifier in PREFIXES.items():
        if start >= len(prefix) and line.startswith(prefix, start - len(prefix)):
            if prefix == "近" and start >= 2 and line[start - 2] in RECENT_OR_NEARBY:
                continue
            start -= len(prefix)
            if qualifier == Qualifier.EXACT:
                qualifier = prefix_qualifier
            break
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    unit = PEOPLE_COUNTERS.get(unit, unit)
    return _Token(start, pos, value, str(unit).translate(TO_TRADITIONAL), str(qualifier))


def _quoted_spans(line: str) -> list[tuple[int, int]]:
    """Each name in quotation or title marks: from an opening mark to the first closing mark after it, in order.

    A mark with no closing mark after it stops the search for its kind, so a line of unclosed marks
    costs time in proportion to its length, not its square (as a pattern like “[^”]*” would).
    """
    spans: list[tuple[int, int]] = []
    unclosed: set[str] = set()
    for match in OPENING_MARKS.finditer(line):
        opening, start = match.group(), match.start()
        if (spans and start < spans[-1][1]) or opening in unclosed:
            continue
        end = line.find(QUOTE_MARKS[opening], start + 1)
        if end == -1:
            unclosed.add(opening)
        else:
            spans.append((start, end + 1))
    return spans


def _masked_spans(line: str) -> tuple[list[int], list[int]]:
    """Starts and ends of the quoted names and idioms in ``line``, overlaps merged, in order."""
    spans = sorted([*_quoted_spans(line), *(match.span() for match in IDIOMS.finditer(line))])
    starts: list[int] = []
    ends: list[int] = []
    for low, high in spans:
        if ends and low < ends[-1]:
            ends[-1] = max(ends[-1], high)
        else:
            starts.append(low)
            ends.append(high)
    return starts, ends


def _is_masked(masked: tuple[list[int], list[int]], position: int) -> bool:
    starts, ends = masked
    index = bisect_right(starts, position) - 1
    return index >= 0 and position < ends[index]


def _is_excluded(line: str, match: re.Match, token: _Token, masked: tuple[list[int], list[int]]) -> bool:
    """Whether the number is an ordinal, rank, rate base, range end, code, slogan, or inside a quoted name or idiom."""
    before = line[max(match.start() - LOOK_BEHIND, 0) : match.start()]
    if _is_masked(masked, match.start()):
        return True
    if before.endswith(("第", "每")) or RANGE_BEFORE.search(before):
        return True
    if match["chinese"] and before.endswith(VAGUE_BEFORE):
        return True
    if LIMIT_AFTER.match(line, token.end):
        return True
    if before.endswith("前") and line.startswith(("名", "位"), match.end()):
        return True
    if THRESHOLD.match(line, token.end - len("以上")):
        return True
    if token.unit == "個月" and (before.endswith("最近") or MONTHS_FRAME_AFTER.match(line, token.end)):
        return True
    if match["arabic"] and before[-1:].isascii() and before[-1:].isalpha():
        return True
    return bool(SLOGAN_AFTER.match(line, match.end()))


class _Line:
    """One paragraph with its clause breaks and its numbers, each found once, for the quotes of all its numbers."""

    def __init__(self, text: str, tokens: list[_Token]):
        self.text = text
        self.tokens = tokens
        self.token_starts = [token.start for token in tokens]
        breaks = list(CLAUSE_BREAK.finditer(text))
        self.break_starts = [match.start() for match in breaks]
        self.break_ends = [match.end() for match in breaks]
        self.break_texts = [match.group() for match in breaks]

    def breaks_before(self, position: int) -> Iterator[tuple[int, str]]:
        """(end, text) of each clause break that ends by ``position``, nearest first."""
        text = self.text
        count = bisect_right(self.break_ends, position)
        if (
            position
            and text[position - 1] == ","
            and not (count and self.break_ends[count - 1] == position)
            and CLAUSE_BREAK.match(text, position - 1, position)
        ):
            # A comma right before the number ends the clause even where it reads as a thousands comma
            # in the whole line (2021,161起): the clause is what precedes the number.
            yield position, ","
        for index in range(count - 1, -1, -1):
            yield self.break_ends[index], self.break_texts[index]

    def next_break(self, position: int) -> int:
        """Where the first clause break at or after ``position`` starts; the line's length when there is none."""
        index = bisect_left(self.break_starts, position)
        return self.break_starts[index] if index < len(self.break_starts) else len(self.text)

    def has_number_in(self, start: int, end: int) -> bool:
        """Whether one of the line's numbers starts in [start, end)."""
        index = bisect_left(self.token_starts, start)
        return index < len(self.token_starts) and self.token_starts[index] < end


def _clause_bounds(parsed: _Line, token: _Token) -> tuple[int, int]:
    """[start, end) of the clause holding ``token``: between the nearest clause breaks.

    A 、 joining words without a number does not end the clause: 回訪關注類、重點類矛盾糾紛1087次 is one
    subject with two modifiers, where 下降8.37%、28.30% and 1631個、經營困難企業168家 are two clauses.
    """
    breaks = parsed.breaks_before(token.start)
    nearest = next(breaks, None)
    clause_start = nearest[0] if nearest else 0
    while nearest is not None:
        previous = next(breaks, None)
        piece_start = previous[0] if previous else 0
        if nearest[1] != "、" or parsed.has_number_in(piece_start, clause_start):
            break
        clause_start, nearest = piece_start, previous
    return clause_start, parsed.next_break(token.end)


def _strip_leading(line: str, start: int, end: int) -> int:
    """``start`` moved past the scope words and dates that open ``line[start:end]``."""
    while start < end and (match := LEADING_FILLER.match(line, start, end)):
        start = match.end()
    return start


def _quote_bounds(parsed: _Line, index: int) -> tuple[int, int]:
    """[start, end) of the shortest clause stating ``parsed.tokens[index]``: the number with its subject."""
    line, tokens = parsed.text, parsed.tokens
    token = tokens[index]
    clause_start, clause_end = _clause_bounds(parsed, token)
    previous = tokens[index - 1] if index and tokens[index - 1].end > clause_start else None
    following = tokens[index + 1] if index + 1 < len(tokens) and tokens[index + 1].start < clause_end else None
    head_start = previous.end if previous else clause_start
    tail_end = following.start if following else clause_end
    if cut := TAIL_END.search(line, token.end, tail_end):
        tail_end = cut.start()
    if line[token.end : tail_end] in SERIES_LINKS:
        tail_end = token.end
    if tail_end - token.end > 1 and line[tail_end - 1] in "後后":
        # 經兩個多月縝密偵查後: the trailing "after" belongs to the next clause's time, not to the count.
        tail_end -= 1
    tail = line[token.end : tail_end].rstrip()
    if tail and not COMMENT_AFTER.match(tail):
        # The number counts the noun that follows it: 14場許可活動安全監管方案.
        return token.start, token.end + len(tail)
    subject_start = _strip_leading(line, head_start, token.start)
    if subject_start < token.start:
        return subject_start, token.end
    # Nothing but scope words before the number: keep the neighbouring number (257個1782單元)
    # or the scope words (共29件) so the quote still says what is counted.
    if previous and previous.end == token.start and previous.value is not None:
        return previous.start, token.end
    return head_start, token.end


def _change(line: str, token: _Token) -> str | None:
    """The direction of the change the number measures, when a change word comes right before it, else None."""
    match = CHANGE.search(line, max(token.start - LOOK_BEHIND, 0), token.start)
    if match is None:
        return None
    return UP if match["up"] else DOWN


def _tokens(line: str, max_values: int | None = None) -> list[_Token]:
    """Every number-with-unit in ``line`` in order, excluded ones dropped, indefinite 一 kept with value None.

    With ``max_values``, stops after the number that makes ``max_values`` with a value.
    """
    masked = _masked_spans(line)
    tokens: list[_Token] = []
    values = 0
    consumed = 0
    for match in NUMBER.finditer(line):
        if match.start() < consumed:
            continue
        token = _read_token(line, match)
        if token is None:
            continue
        consumed = token.end
        if _is_excluded(line, match, token, masked):
            continue
        if match["chinese"] == "一" and token.qualifier == Qualifier.EXACT and not match["percent_of"]:
            # 一個團夥, 一支隊伍: the indefinite article, not a count of one.
            token = _Token(token.start, token.end, None, token.unit, token.qualifier)
        tokens.append(token)
        values += token.value is not None
        if values == max_values:
            break
    return tokens


def _continues_series(line: str, tokens: list[_Token], index: int, bounds: tuple[int, int]) -> bool:
    """Whether ``tokens[index]`` stands bare, right after the number before it and a link (下降8.37%、28.30%)."""
    token = tokens[index]
    if not index or tokens[index - 1].value is None:
        return False
    previous = tokens[index - 1]
    return line[previous.end : token.start] in SERIES_LINKS and bounds in (
        (token.start, token.end),
        (previous.end, token.end),
    )


def _line_proposals(paragraph: int, line: str, limit: int | None = None) -> list[Proposal]:
    """The proposals of one line; with ``limit``, at most ``limit + 1`` of them, the first ``limit`` as without it.

    The number after the last one wanted is read too, since a quote ends where the next number starts.
    """
    tokens = _tokens(line, None if limit is None else limit + 1)
    parsed = _Line(line, tokens)
    proposals = []
    starts: list[int] = []
    changes: list[str | None] = []
    for index, token in enumerate(tokens):
        start, end = _quote_bounds(parsed, index)
        change = _change(line, token)
        if _continues_series(line, tokens, index, (start, end)):
            # A bare number in a series shares the clause and the change of the first: 同比分別下降8.37%、28.30%.
            start, change = starts[index - 1], change or changes[index - 1]
        starts.append(start)
        changes.append(change)
        if token.value is not None:
            proposals.append(
                Proposal(
                    paragraph=paragraph,
                    quote=line[start:end].strip(),
                    value=token.value,
                    unit=token.unit,
                    qualifier=token.qualifier,
                    change=change,
                )
            )
    return proposals


def paragraphs(text: str) -> Iterator[str]:
    """The lines of ``text`` as the extractor numbers them: split at line feeds only, a carriage return dropped.

    One at a time, so a text of many short lines is never held twice.
    """
    text = text.removeprefix("\ufeff").removesuffix("\n")
    start = 0
    while (end := text.find("\n", start)) != -1:
        yield text[start:end].rstrip("\r")
        start = end + 1
    yield text[start:].rstrip("\r")


def extract_figures(text: str, *, limit: int | None = None) -> list[Proposal]:
    """Every figure ``text`` states, in reading order, under the rules in this module's docstring.

    With ``limit``, reading stops once ``limit + 1`` proposals are found and those are returned: more than
    ``limit`` means the text states too many, told without reading the rest. The first ``limit`` are the
    same as without it.
    """
    proposals: list[Proposal] = []
    for paragraph, line in enumerate(paragraphs(text), start=1):
        room = None if limit is None else limit - len(proposals)
        proposals.extend(_line_proposals(paragraph, line, room))
        if limit is not None and len(proposals) > limit:
            break
    return proposals
