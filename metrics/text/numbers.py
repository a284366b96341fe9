"""The one reader of numbers in a report's wording: the extractor and the clause check both read with it.

``read_numbers(text)`` finds every number written with a unit after it and reads it as a figure
stores it: value, unit, qualifier and the decimal places it is written with. It does not judge
whether a number is a figure of the report's work (a date, an ordinal or a name also has a unit);
``extraction`` decides that.

- Digits: ASCII and full-width, with a decimal point (. or ．). Thousands separators ``,`` ``，``, a
  space, a thin or a no-break space, only between groups of exactly three digits and the same one
  throughout (14,724; 64 428; 1,234,567).
- Chinese numerals: 七十二, 一百, 兩千三百, 一千零五, 三萬五千, 卅九, with 點 decimals (五點二). A run of digit
  words without 十/百/千/萬/億 (二〇二一, 一二) spells a year or a code and is not read.
- 萬/億 (万/亿) and 千 inside or after digits: 2萬2,807 → 22807; 1億2,000萬; 3千700; 8萬餘. A money unit
  keeps the 萬/億 written last (790萬元 → 790 萬元; 1億2,000萬元 → 12000 萬元; 5億余元 → 5 億元);
  every other unit has it multiplied out (8萬餘噸 → 80000 噸; 1.2萬起 → 12000 起).
- A bare 百/千/萬 counts only after a qualifier or before 餘/余/多: 近百個, 約千人, 逾萬人, 超過千人, 上千起,
  過萬人, 百餘人 (not 百姓, 晚上千人).
- Percentages: %, ％, ﹪, 百分之… (百分之38.5, 百分之九十, 百分之百) and 成 as tenths (五成三 → 53, 兩成 → 20,
  七成半 → 75) all give the unit ``%``; ‰ and 千分之… give ``‰``; 個百分點 and 百分點 (percentage points)
  are units apart.
- The unit is the counter after the number, spaces allowed (罪案 10,549 宗), written in Traditional script
  (个 → 個, 万元 → 萬元; ``units.written_unit``). It may be several characters: 人次 and any counter + 次,
  公斤, 平方米, 個月 (兩個多月 is over), 萬港元. After Arabic digits any Chinese character is a counter unless
  it is a word that never counts (的, 至, 大, 屆, 級, 國 …), so a counter never met before is still a unit;
  the same holds for Chinese numerals of 20 and more. A smaller Chinese numeral (一 … 十九, 兩) needs a known
  counter, because such numerals begin ordinary words (兩會, 一線, 三峽, 十大). Years (1900–2100) and
  hotline numbers (110, 12345) written as bare digits also need a known counter (2021全年, 110接處警).
- Qualifier ``approx``: 近, 約/约, 大約, 將近, 接近 before the number (a currency word such as 澳門幣 and
  spaces may stand between), 左右 or 上下 after the unit. ``over``: 逾, 超, 超過 before; 餘/余/多 after the
  digits, after 萬/億 or inside 個多月; 以上 after the unit. 最近 and 附近 are not approx.
- Lists: a bare number joined by 、/和/及/與 to the next one takes its unit (分別為1,200、3,400起 → both 起)
  and its 萬/億 when it has none; a bare number after a 百分之 number is a percentage (百分之98.7及79.3), as
  one after a 千分之 number is per mille.
  Such a number is only stated by a clause holding the whole list (``Reading.scope``).
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from common.languages import to_traditional
from metrics.choices import Qualifier
from metrics.text.units import KIND_MONEY, PER_MILLE, PERCENT, PERCENT_SIGNS, unit_kind, written_unit

EXACT, APPROX, OVER = str(Qualifier.EXACT), str(Qualifier.APPROX), str(Qualifier.OVER)

DIGIT = "0-9０-９"
DIGITS_RUN = re.compile(rf"[{DIGIT}]+")
THREE_DIGITS = re.compile(rf"[{DIGIT}]{{3}}(?![{DIGIT}])")
FRACTION = re.compile(rf"[.．]([{DIGIT}]+)")
THOUSANDS_SEPARATORS = (",", "，", " ", "\u2009", "\u202f", "\u00a0")
#: Spaces a report may set between a qualifier, a number and its unit.
SPACES = " \t\u2009\u202f\u00a0\u3000"
MAX_SPACES = 2
#: The multipliers that may stand apart from their digits (3.5 億元), as a unit may.
SPACED_MULTIPLIERS = "萬万億亿"

CHINESE_DIGITS = {
    char: value
    for value, chars in enumerate(("〇零", "一", "二兩两", "三", "四", "五", "六", "七", "八", "九"))
    for char in chars
}
SMALL_MULTIPLIERS = {"十": 10, "百": 100, "千": 1000}
WAN = 10_000
YI = 100_000_000
# A Chinese numeral opens with a digit word from 一 or with 十: a bare 百/千/萬 is nearly always part of a
# word or an idiom (百姓, 千家萬戶, 萬無一失), and 零 a slogan (零發案).
CHINESE = re.compile(r"[一二三四五六七八九十兩两廿卅][〇零一二三四五六七八九十百千萬万億亿兩两]*")
#: 廿 and 卅, as Hong Kong papers write 20 and 30 (卅九名).
TENS = {"廿": "二十", "卅": "三十"}
#: 五點二 is 5.2; 三點二十分 is a clock time, not 3.2.
CHINESE_FRACTION = re.compile(r"[點点]([〇零一二三四五六七八九]+)(?![十百千分刻鐘钟])")
ROUND = re.compile(r"[百千][萬万]?|[萬万]")
ROUND_VALUES = {"百": 100, "千": 1000}
#: Words that write a share before its number, and the unit they give: 百分之38.5 is 38.5%, 千分之三 is 3‰.
SHARE_OF = {"百分之": PERCENT, "千分之": PER_MILLE}

#: Powers of ten of each multiplier; 萬 and 億 are kept by a money unit, 千 and 百 never are.
MULTIPLIERS = {"萬": 4, "万": 4, "億": 8, "亿": 8, "千": 3, "百": 2}
KEPT_BY_MONEY = "萬万億亿"
#: Multipliers that may stand between two runs of digits: 2萬2,807, 1億2,000萬, 3千700.
INNER_MULTIPLIERS = "萬万億亿千"
OVER_MARKS = "餘余多"

#: Before the number, longest first.
PREFIXES = (
    ("大約", APPROX),
    ("大约", APPROX),
    ("將近", APPROX),
    ("将近", APPROX),
    ("接近", APPROX),
    ("超過", OVER),
    ("超过", OVER),
    ("約", APPROX),
    ("约", APPROX),
    ("近", APPROX),
    ("逾", OVER),
    ("超", OVER),
    ("上", OVER),
    ("過", OVER),
    ("过", OVER),
)
#: Before 近 these make 最近/附近/鄰近 "recent"/"nearby", which say nothing about the number.
RECENT_OR_NEARBY = "最附鄰邻"
#: 上 and 過 qualify only a bare 百/千/萬 (上千起, 過萬人): before digits they belong to other words (經過3個月).
ROUND_ONLY = ("上", "過", "过")
#: Before 上 these make it part of another word (晚上, 線上, 以上), not "as many as".
NOT_UP_TO = "晚早線线網网以馬马"
#: A currency named before the number, between its qualifier and its digits: 約澳門幣3,000萬元.
CURRENCIES_BEFORE = ("港幣", "港币", "澳門幣", "澳门币", "新臺幣", "新台幣", "新台币", "人民幣", "人民币")
#: The characters the words above end with: before any other, no word need be tried (a number has many).
PREFIX_ENDS = frozenset(word[-1] for word, _qualifier in PREFIXES)
CURRENCY_ENDS = frozenset(currency[-1] for currency in CURRENCIES_BEFORE)
SUFFIXES = (("以上", OVER), ("左右", APPROX), ("上下", APPROX))

POINTS = re.compile(r"個百分點|个百分点|百分點|百分点")
MONEY = re.compile(r"(?:港|澳門|澳门|澳|美|歐|欧|英)?元|(?:港|澳門|澳门|新臺|新台|人民)[幣币]|美金")
#: A span counted with 個: 兩個月, 兩個多月 (over), 三個小時, 五個工作日.
SPAN = re.compile(r"[個个](?P<over>[多餘余])?(?P<span>月|小時|小时|星期|工作日)")
#: Units of more than one character that do not start with 個; longest first.
LONG_UNITS = re.compile(
    "|".join(
        sorted(
            """平方公里 平方千米 平方米 公里 千米 公斤 千克 公噸 公吨 公頃 公顷 毫克
            小時 小时 分鐘 分钟 工作日 週年 周年 季度 單元 单元""".split(),
            key=len,
            reverse=True,
        )
    )
)
#: Counter words every numeral may take (in Traditional script; a Simplified one is converted first).
KNOWN_COUNTERS = frozenset(
    "起件宗人名位個條處次場支發把戶噸家輛艘架臺台部套枚顆塊張份封篇頭隻只組批例筆間棟座所項種倍克米畝"
    "輪期串盒瓶包箱袋根桶斤罐粒片株副對雙趟遍回股夥伙群幅道門單站尾匹卷冊捆盤節堂樁歲"
)
#: Calendar and clock words: read as units so that dates stay whole; extraction leaves them out.
TIME_COUNTERS = frozenset("年月日號時點分秒天週旬")
#: Words that follow a number without counting anything: grammar, comparisons, levels, places, adjectives.
NOT_COUNTERS = frozenset(
    "的之至到和及與或以上下內中外後前等比較了是為在再又也都均就即並且而但由從向於被將給讓使跟同各每共"
    "者其這那該此本全總餘多萬億千百十〇零一二三四五六七八九兩第大小強佳優新老好高低級屆類型代版度國省市縣"
    "區鎮鄉村街樓層室巷弄專增減降升漲跌提破立抓查計達約近逾超環按平來線字步"
)
#: Bare digits that name something rather than count: emergency and service hotlines.
HOTLINES = frozenset({"110", "119", "120", "122", "999", "12110", "12315", "12345", "12348", "12389", "96110"})
#: What joins the numbers of a list: 1,200、3,400起; 百分之98.7及79.3.
LIST_LINKS = frozenset("、和及與与")
#: The most numbers one shared unit reaches: a longer run is a table pressed into a line, not a list a
#: clause states, and a quote holding all of it would make the work grow with the square of its length.
MAX_LIST = 12
#: Where a clause starts: a number right after one of these opens its clause (a list marker, 2、…).
CLAUSE_STARTS = frozenset("，。；：、,;:!?！？（）()【】[]“”「」\n")


@dataclass(frozen=True, slots=True)
class Reading:
    """One number a text states, with where it is written and what it states.

    ``start``–``end`` is its text: qualifier word, number (百分之 included), unit and any qualifier after the
    unit. ``number_start`` is where the number itself starts and ``unit_start`` where its own unit starts
    (its number's end when it shares a list's unit). ``scope`` is the least a clause must hold to state it:
    (start, end), wider for a number that shares a unit with its list. ``numeral`` is the number as written
    without qualifiers or unit ("1,234", "七十二", "一", "百分之38.5").
    """

    start: int
    end: int
    number_start: int
    unit_start: int
    value: Decimal
    unit: str
    qualifier: str
    decimals: int
    numeral: str
    scope: tuple[int, int]

    @property
    def is_arabic(self) -> bool:
        """Whether the number is written in digits (1,234) rather than a Chinese numeral (七十二)."""
        return bool(DIGITS_RUN.match(self.numeral[3:] if self.numeral[:3] in SHARE_OF else self.numeral))


@dataclass(slots=True)
class _Number:
    """A number as found before its unit is known: the parts it is built from."""

    start: int  # its qualifier word, else number_start
    number_start: int
    end: int  # after the number, its 萬/億 and its 餘/多
    whole: Decimal  # the parts before the last run of digits, multiplied out (the 1億 of 1億2,000萬)
    last: Decimal  # the last run of digits, as written
    places: int  # decimal places of ``last``
    shift: int  # the power of ten written after ``last`` (萬 → 4)
    kept: int  # the power of ten a money unit keeps: a trailing 萬/億, else 0
    mark: str  # that trailing 萬/億 as written, else ""
    qualifier: str
    share_unit: str  # the unit of a 百分之/千分之 before the number, else ""
    arabic: bool
    open: bool  # may take a counter never met before
    unit: str | None = None
    unit_start: int = 0
    stop: int = 0  # the end of its reading: after the unit and any qualifier after it
    tenths: Decimal | None = None  # the digit after 成 (五成三 → 3), 0 for a bare 成
    scope: tuple[int, int] = (0, 0)  # see ``Reading.scope``
    list_size: int = 1  # how many numbers share its unit, counting from the one that writes it

    def reading(self, text: str) -> Reading:
        whole_value = self.last.scaleb(self.shift) + self.whole if self.whole else self.last.scaleb(self.shift)
        if self.tenths is not None:
            value, decimals = whole_value * 10 + self.tenths, max(self.places - 1, 0)
        elif self.kept and unit_kind(self.unit) == KIND_MONEY:
            value, decimals = whole_value.scaleb(-self.kept), max(self.places - self.shift + self.kept, 0)
        else:
            value, decimals = whole_value, max(self.places - self.shift, 0)
        value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
        numeral = text[self.number_start : self.unit_start].rstrip(SPACES)
        return Reading(
            start=self.start,
            end=self.stop,
            number_start=self.number_start,
            unit_start=self.unit_start,
            value=value,
            unit=self.unit,
            qualifier=self.qualifier,
            decimals=decimals,
            numeral=numeral,
            scope=self.scope,
        )


# --- Numerals --------------------------------------------------------------------------------------------------


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
        elif char not in CHINESE_DIGITS or (digit is not None and CHINESE_DIGITS[char]):
            return None
        else:
            digit = CHINESE_DIGITS[char] or None
    return value + (digit or 0)


def _split_at(text: str, mark: str, scale: int, below) -> int | None:
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
    return _split_at(text, "萬", WAN, _below_wan)


def chinese_number(text: str) -> int | None:
    """Value of a Chinese numeral (兩 → 2, 一千二百 → 1200, 三萬五千 → 35000); None when it is no count.

    A run of digit words without 十/百/千/萬/億 (二〇二一, 一二) spells a year or a code, so it gives None.
    """
    text = text.replace("万", "萬").replace("亿", "億")
    for short, tens in TENS.items():
        text = text.replace(short, tens)
    if not any(char in SMALL_MULTIPLIERS or char in "萬億" for char in text):
        return CHINESE_DIGITS[text] if len(text) == 1 else None
    return _split_at(text, "億", YI, _below_yi)


def _digits_at(text: str, pos: int) -> tuple[Decimal, int, int, bool]:
    """The run of digits at ``pos`` as (value, decimal places, end, whether it had separators or a fraction)."""
    run = DIGITS_RUN.match(text, pos)
    digits, end, marked = run.group(), run.end(), False
    if len(digits) <= 3:
        for separator in THOUSANDS_SEPARATORS:
            groups = []
            while text.startswith(separator, end) and (group := THREE_DIGITS.match(text, end + 1)):
                groups.append(group.group())
                end = group.end()
            if groups:
                digits, marked = digits + "".join(groups), True
                break
    places = 0
    if fraction := FRACTION.match(text, end):
        digits, end, places, marked = f"{digits}.{fraction[1]}", fraction.end(), len(fraction[1]), True
    return Decimal(digits), places, end, marked


def _prefix(text: str, pos: int, *, bare_round: bool) -> tuple[int, str] | None:
    """Where the qualifier before the number at ``pos`` starts, and what it says; None without one."""
    end = pos
    while end > 0 and pos - end < MAX_SPACES and text[end - 1] in SPACES:
        end -= 1
    for currency in CURRENCIES_BEFORE if end and text[end - 1] in CURRENCY_ENDS else ():
        if text.endswith(currency, 0, end):
            end -= len(currency)
            while end > 0 and text[end - 1] in SPACES:
                end -= 1
            break
    if not end or text[end - 1] not in PREFIX_ENDS:
        return None
    for word, qualifier in PREFIXES:
        if not text.endswith(word, 0, end):
            continue
        before = text[end - len(word) - 1] if end > len(word) else ""
        if word == "近" and before and before in RECENT_OR_NEARBY:
            return None
        if word in ROUND_ONLY and (not bare_round or (before and before in NOT_UP_TO)):
            return None
        return end - len(word), qualifier
    return None


def _number_at(text: str, pos: int) -> _Number | None:
    """The number starting at ``pos`` (digits, a Chinese numeral, 百分之… or a qualified 百/千/萬), or None."""
    share_unit = SHARE_OF.get(text[pos : pos + 3], "")
    at = pos + 3 if share_unit else pos
    if at >= len(text):
        return None
    whole, shift, mark, limit = Decimal(0), 0, "", 99
    arabic = open_ = bare_round = False
    if DIGITS_RUN.match(text, at):
        last, places, end, marked = _digits_at(text, at)
        previous = 99
        while (
            end + 1 < len(text)
            and text[end] in INNER_MULTIPLIERS
            and MULTIPLIERS[text[end]] < previous
            and not places
            and DIGITS_RUN.match(text, end + 1)
        ):
            previous = MULTIPLIERS[text[end]]
            whole += last.scaleb(previous)
            last, places, end, _ = _digits_at(text, end + 1)
            marked = True
        digits, arabic, limit = text[at:end], True, previous
        open_ = marked or not ((len(digits) == 4 and 1900 <= int(last) <= 2100) or digits in HOTLINES)
    elif match := CHINESE.match(text, at):
        value = chinese_number(match.group())
        if value is None:
            return None
        end, places = match.end(), 0
        if match.group()[-1] in KEPT_BY_MONEY:
            mark = match.group()[-1]
            shift = MULTIPLIERS[mark]
            last = Decimal(value).scaleb(-shift)
        else:
            last = Decimal(value)
            if fraction := CHINESE_FRACTION.match(text, end):
                tail = "".join(str(CHINESE_DIGITS[char]) for char in fraction[1])
                last, places, end = Decimal(f"{value}.{tail}"), len(tail), fraction.end()
        open_ = value >= 20 and len(match.group()) > 1
    elif share_unit == PERCENT and text.startswith("百", at):
        last, places, end = Decimal(100), 0, at + 1
    elif not share_unit and (match := ROUND.match(text, at)):
        written = match.group()
        last = Decimal(ROUND_VALUES.get(written[0], 1))
        places, end, bare_round = 0, match.end(), True
        if written[-1] in KEPT_BY_MONEY:
            mark = written[-1]
            shift = MULTIPLIERS[mark]
    else:
        return None

    found = _prefix(text, pos, bare_round=bare_round)
    if found is None and bare_round and not (end < len(text) and text[end] in OVER_MARKS):
        return None  # a bare 百/千/萬 without a qualifier or a 餘 after it is a word (百姓, 千家萬戶)
    start, qualifier = found or (pos, EXACT)
    number = _Number(
        start=start,
        number_start=pos,
        end=end,
        whole=whole,
        last=last,
        places=places,
        shift=shift,
        kept=shift if mark else 0,
        mark=mark,
        qualifier=qualifier,
        share_unit=share_unit,
        arabic=arabic,
        open=open_,
    )
    if not share_unit:
        _read_multiplier(text, number, limit=limit)
    return number


def _read_multiplier(text: str, number: _Number, *, limit: int) -> None:
    """Move ``number.end`` past its 餘/多 and a 萬/億/千/百 written after it (8萬餘, 1800余万, 二十多萬, 3千萬).

    ``limit`` is the power of the last multiplier inside the number: 1億2,000萬 may end in 萬, not in 億.
    """
    end = number.end
    # Hong Kong and Macau wording may set the multiplier apart like the unit: 涉款約 3.5 億元.
    gap = end
    while gap < len(text) and gap - end < MAX_SPACES and text[gap] in SPACES:
        gap += 1
    if gap > end and number.arabic and gap < len(text) and text[gap] in SPACED_MULTIPLIERS:
        end = gap
    over = end < len(text) and text[end] in OVER_MARKS
    end += over
    if (
        not number.shift
        and end < len(text)
        and text[end] in MULTIPLIERS
        and MULTIPLIERS[text[end]] < limit
        and not text.startswith(("千克", "千米", "百分"), end)
    ):
        number.shift = MULTIPLIERS[text[end]]
        if text[end] in KEPT_BY_MONEY:
            number.mark = text[end]
        elif end + 1 < len(text) and text[end + 1] in KEPT_BY_MONEY:
            # 3千萬元 is 3000 萬元: a 千 or 百 before 萬/億 multiplies the digits, the 萬/億 stays with money.
            end += 1
            number.mark = text[end]
            number.shift += MULTIPLIERS[number.mark]
        number.kept = MULTIPLIERS[number.mark] if number.mark else 0
        end += 1
        if end < len(text) and text[end] in OVER_MARKS:
            over, end = True, end + 1
    if over:
        number.qualifier = OVER
    number.end = end


# --- Units -------------------------------------------------------------------------------------------------------


def _is_chinese_character(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def _read_unit(text: str, number: _Number) -> int | None:
    """Set the unit written after ``number`` and return where it ends; None (unit unset) when none follows."""
    if number.share_unit:
        number.unit, number.unit_start = number.share_unit, number.end
        return number.end
    pos = number.end
    while pos < len(text) and pos - number.end < MAX_SPACES and text[pos] in SPACES:
        pos += 1
    if pos >= len(text):
        return None
    number.unit_start = pos
    char = text[pos]
    if char in PERCENT_SIGNS or char == PER_MILLE:
        number.unit = written_unit(char)
        return pos + 1
    if match := POINTS.match(text, pos):
        number.unit = written_unit(match.group())
        return match.end()
    if char == "成" and not number.shift and not text.startswith("成不", pos):
        # 五成三 is 53% and 七成半 75%: the digit after 成 is hundredths.
        number.unit, number.tenths = PERCENT, Decimal(0)
        following = text[pos + 1 : pos + 2]
        if following == "半":
            number.tenths = Decimal(5)
            return pos + 2
        if following and CHINESE_DIGITS.get(following) and not CHINESE.match(text, pos + 2):
            number.tenths = Decimal(CHINESE_DIGITS[following])
            return pos + 2
        return pos + 1
    if match := MONEY.match(text, pos):
        number.unit = written_unit(number.mark + match.group())
        return match.end()
    if match := SPAN.match(text, pos):
        number.unit = written_unit("個" + match["span"])
        if match["over"]:
            number.qualifier = OVER
        return match.end()
    if match := LONG_UNITS.match(text, pos):
        number.unit = written_unit(match.group())
        return match.end()
    counter = to_traditional(char)
    known = counter in KNOWN_COUNTERS or counter in TIME_COUNTERS
    if not known and not (number.open and _is_chinese_character(char) and counter not in NOT_COUNTERS):
        return None
    if counter == "期" and text[pos + 1 : pos + 2] in ("間", "间"):
        return None  # 十一期間, 兩會期間: a period of time, not a count of sessions
    end = pos + 1
    if text[end : end + 1] == "次" and text[end + 1 : end + 2] != "之" and counter not in TIME_COUNTERS | {"次", "名"}:
        counter, end = counter + "次", end + 1  # 人次, 家次, 架次; 名次 is a rank, 件次之 "cases, second to"
    number.unit = counter
    return end


def _read_suffix(text: str, number: _Number, end: int) -> int:
    """Where the qualifier after the unit ends (以上, 左右, 上下), setting it; ``end`` without one."""
    for word, qualifier in SUFFIXES:
        if text.startswith(word, end):
            number.qualifier = qualifier
            return end + len(word)
    return end


# --- Lists -------------------------------------------------------------------------------------------------------


def _linked(text: str, first: _Number, second: _Number) -> bool:
    """Whether ``second`` follows ``first`` across one list link and nothing else (1,200、3,400; 98.7及79.3)."""
    between = text[first.stop if first.unit else first.end : second.start].strip(SPACES)
    return between in LIST_LINKS


def _share_units(text: str, numbers: list[_Number]) -> None:
    """Give each bare number of a list the unit of its neighbour (see the module docstring)."""
    for index in range(len(numbers) - 2, -1, -1):
        number, following = numbers[index], numbers[index + 1]
        if number.unit is not None or following.unit is None or not number.arabic or number.share_unit:
            continue
        if following.tenths is not None or following.list_size >= MAX_LIST or not _linked(text, number, following):
            continue
        before = number.start
        while before and text[before - 1] in SPACES:
            before -= 1
        opens_clause = not before or text[before - 1] in CLAUSE_STARTS
        previous = numbers[index - 1] if index else None
        continues_list = previous and previous.unit is None and previous.arabic and _linked(text, previous, number)
        if opens_clause and not continues_list:
            continue
        number.unit, number.unit_start = following.unit, number.end
        if not number.shift:
            number.shift, number.kept = following.shift, following.kept
        number.scope, number.stop = (number.start, following.scope[1]), number.end
        number.list_size = following.list_size + 1
    for index in range(1, len(numbers)):
        previous, number = numbers[index - 1], numbers[index]
        if number.unit is not None or not previous.share_unit or previous.unit != previous.share_unit:
            continue
        if previous.list_size < MAX_LIST and _linked(text, previous, number):
            number.list_size = previous.list_size + 1
            number.unit, number.unit_start, number.share_unit = previous.share_unit, number.end, previous.share_unit
            number.scope, number.stop = (previous.scope[0], number.end), number.end


# --- Reading -----------------------------------------------------------------------------------------------------

#: Digits written beyond this state no figure (a figure holds at most 16): an ID, a serial or a phone number run
#: together. Such a number is not read, which also keeps every value within ``Decimal``'s 28-digit arithmetic.
MAX_DIGITS = 16

NUMBER_START = re.compile(rf"{'|'.join(SHARE_OF)}|[{DIGIT}]|[一二三四五六七八九十兩两廿卅]|[百千萬万]")


def read_numbers(text: str) -> list[Reading]:
    """Every number ``text`` states with a unit, in order, read under the rules of this module's docstring."""
    numbers: list[_Number] = []
    consumed = 0
    for match in NUMBER_START.finditer(text):
        if match.start() < consumed:
            continue
        number = _number_at(text, match.start())
        if number is None:
            if run := CHINESE.match(text, match.start()):
                consumed = run.end()  # 十四五, 二〇二一: no part of a malformed run is a number either
            continue
        unit_end = _read_unit(text, number)
        if unit_end is None:
            number.unit = None
            consumed = number.end
        else:
            consumed = number.stop = _read_suffix(text, number, unit_end)
            number.scope = (number.start, number.stop)
        numbers.append(number)
    _share_units(text, numbers)
    return [
        number.reading(text)
        for number in numbers
        if number.unit is not None and _written_digits(text, number) <= MAX_DIGITS
    ]


def _written_digits(text: str, number: _Number) -> int:
    """How many digits the number is written with (Arabic or full-width; a Chinese numeral has few)."""
    return sum(char.isdigit() for char in text[number.number_start : number.end])


def decimal_places(value: Decimal) -> int:
    """The places ``value`` is written with, trailing zeros aside: 98.66 → 2, 98.60 → 1, 8E+4 → 0."""
    return max(-Decimal(value).normalize().as_tuple().exponent, 0)
