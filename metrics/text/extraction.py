"""Propose the figures a police work report or statistics bulletin states, from its plain text.

Pure functions: text in, ``Proposal`` rows out; no database, no request. An editor
reviews the proposals before anything becomes a ``Figure``.

The contract of ``extract_figures``:

- Input: the report as UTF-8 text, one paragraph a line (``paragraph`` is the 1-based
  line number), in Traditional or Simplified Chinese, in mainland, Hong Kong, Macau or
  Taiwan wording.
- Numbers are read by ``numbers.read_numbers``, the reader the clause check uses too: its
  docstring says how digits, separators (14,724; 64 428), Chinese numerals, 萬/億, 百分之, 成,
  qualifiers and lists are read. A number is proposed only when a unit follows it, and any
  counter is a unit: one never met before is proposed as written (查獲槍枝1,126枝 → 枝).
- ``unit`` is the unit as written, in Traditional script (个 → 個, 万元 → 萬元, 个百分点 →
  個百分點): 名 stays 名 and 宗 stays 宗; every percent sign, 百分之 and 成 give ``%``;
  個百分點 (percentage points) is its own unit. Money keeps its 萬/億 (790萬元 → 790 萬元);
  other units have it multiplied out (8萬餘噸 → 80000 噸). ``units.same_unit`` compares
  units written two ways (名 and 人).
- ``qualifier``: "approx" for 近/約/大約/將近/接近 (also mid-clause: 微升約 5.03%) or 左右/上下;
  "over" for 餘/余/多, 以上, 逾, 超/超過; else "exact".
- Left out: dates, times and durations other than months (2021年, 二〇二一年, 民國110年,
  1至6月, 15日, 24小時, 建黨100週年); ordinals and ranks (第一, 第33個, 前3名, 排名第2位);
  rate bases (每10萬人); the end of a range (3至5人); vague counts (數十起); limits and
  thresholds (500元以下, 死亡3人以上事故); spans that frame other figures (近三個月來,
  首9個月); numbers inside quotation or title marks (“1、3、5”分鐘, 「雷霆2030」, 《…》);
  codes (G42, 3·15); list markers (一、 (一) 1.); names and slogans with a number (兩會,
  十九屆, 十四五, 兩個維護, 八項規定, 12345熱線, 昆侖2030) and idioms (四處, 三番五次).
- A lone 一 before a counter is the indefinite article (一個團夥, 一支隊伍, 發生一起重大
  案件, 最多跑一次) unless the clause counts it: right after a change word (增加了一宗,
  上升了一倍) or with nothing after the counter but the clause's end, a list link or a
  comparison (涉槍治安案件一起，).
- ``change``: "up" or "down" when the number is the size of a change: a change word comes
  right before it (同比/按年/較上年 上升, 增加, 增長, 提高, 回升, 微升, 略升, 較前年多 / 下降,
  減少, 下跌, 降低, 微降, 微跌, 略降, 較前年少 …), or after it (百分之9.2的升幅, 11.3%跌幅), or
  a sign stands straight before it ((+6.1%), （-33宗）, −13.38%), or the first number of its
  series has one (分別下降16.4%、19.6%). 下降至/上升到/增至 name the new level: None.
- ``quote`` is verbatim and the shortest clause that states the number: a substring of
  the paragraph that does not cross clause punctuation (，。；：,;（）…, and 、 after a
  number), cut to the number with its subject: the noun after it (14場許可活動安全監管方案)
  or else the words before it (化解率達98.66%), less leading scope words such as 全年, 共,
  累計, 其中 and dates. A bare number in a series keeps the clause from its first number
  (下降8.37%、28.30%); a number alone in brackets keeps the clause before them
  (增加4 814宗(+6.1%)); a number that borrows its list's unit keeps the list (分別為1,200、
  3,400起). Every quote states its number: ``clauses.clause_states(quote, value=…, unit=…,
  qualifier=…)`` holds for every proposal: a quote is widened to its clause, at last to its
  paragraph, should a shorter one read the number differently.
- Work: reading a text takes time in proportion to its length; with ``limit``, reading stops
  once more than ``limit`` proposals are found.
"""

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from decimal import Decimal

from common.source_text import paragraphs
from metrics.changes import DOWN, UP
from metrics.choices import Qualifier
from metrics.formatting import plain_number
from metrics.text.clauses import clause_states
from metrics.text.numbers import MAX_LIST, SPACES, Reading, read_numbers
from metrics.text.units import KIND_AGE, KIND_COUNT, KIND_TIME, unit_kind

#: Keys of ``Proposal.as_dict``, in the order exports write them.
PROPOSAL_KEYS = ("paragraph", "quote", "value", "unit", "qualifier", "change")


@dataclass(frozen=True, slots=True)
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


# --- Context -----------------------------------------------------------------------------------------------------

_UP = (
    "上升|增長|增长|增加|提高|提升|上漲|上涨|上揚|上扬|增幅|升幅|漲幅|涨幅|回升|攀升|增多|多出|(?<![晉晋])升"
    "|微升|微增|微漲|微涨|略升|略增|略漲|略涨|(?:同比|環比|环比|按年|按月)[增升漲涨]"
)
_DOWN = (
    "下降|減少|减少|降低|下跌|回落|下滑|降幅|減幅|减幅|跌幅|跌"
    "|微降|微跌|微減|微减|略降|略跌|略減|略减|(?:同比|環比|环比|按年|按月)[減减降跌]"
)
#: A change word right before the number makes it the size of a change; 下降至/到 names the new level instead.
CHANGE = re.compile(
    rf"(?:(?P<up>{_UP})|(?P<down>{_DOWN})"
    r"|(?:較|较|比)[^，。；,;]{0,12}?(?:(?P<more>多)|(?P<less>少)))"
    r"(?:了|幅度|率)?(?:更|均|又|也|分別|分别)?(?:達|达|為|为)?\s*$"
)
#: The same words after the number, as in 錄得百分之9.2的升幅 or 11.3%跌幅.
CHANGE_AFTER = re.compile(r"的?(?:(?P<up>升幅|增幅|漲幅|涨幅)|(?P<down>跌幅|降幅|減幅|减幅))")
#: A sign straight before the number, as in 上升12.5%（+565宗） or 破案率（-3.2個百分點）.
SIGNS = {"+": UP, "＋": UP, "↑": UP, "▲": UP, "-": DOWN, "－": DOWN, "−": DOWN, "↓": DOWN, "▼": DOWN}
BRACKETS = {"(": ")", "（": "）"}
#: How far before a number its context is looked for (change words, 第, 每, ranges): a paragraph may be one long
#: line, and looking back to its start from every number would make the work grow with the square of its length.
LOOK_BACK = 48

#: A counter then these words names a slogan, not a count (兩個維護, 四個意識, 八項規定, 五條禁令).
SLOGAN_AFTER = re.compile(
    r"[個个](?:意識|意识|自信|維護|维护|確立|确立|代表|務必|务必|全面|確保|确保|堅持|坚持|必須|必须|絕對|绝对|第一)"
    r"|[項项](?:規定|规定)|[條条]禁令"
)
#: Idioms whose numeral sits before a counter: 四處 "everywhere", 三番五次 "again and again", 成千上萬 "thousands".
IDIOMS = re.compile(r"四[處处]|三番五次|五次三番|成千上[萬万]")

#: The one unit of time a figure may be in: 經兩個多月偵查 counts months of work; 2021年, 15日, 24小時 date or name.
MONTHS = "個月"
#: 近三個月來, 6個月內, 最近3個月, 首9個月: a span of months that frames the time of other figures.
MONTHS_FRAME_BEFORE = ("最近", "首", "前")
MONTHS_FRAME_AFTER = re.compile(r"來|来|以來|以来|內|内|裡|里|中")
#: Quotation and title marks; a number inside them belongs to a name (“1、3、5”分鐘, 《…》).
QUOTE_MARKS = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", "〈": "〉", '"': '"'}
#: Clause punctuation. A comma between digits (18,161) is a thousands separator, not a break.
CLAUSE_BREAK = re.compile(r"[，。；、：！？;:!?（）()【】\[\]]|…+|——|,(?!\d{3}(?!\d))|(?<!\d),")
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
#: The most numbers whose quotes start at the first of their series (the same bound as ``numbers.MAX_LIST``).
MAX_SERIES = MAX_LIST
#: 以上 straight before a noun or verb makes the number a category's threshold, not a figure: 死亡3人以上事故.
THRESHOLD = re.compile(r"以上(?![的，。；、：,;:!?！？（）()\s]|$)")
#: A number then these is a limit (罰款500元以下, 控制在5%以內), not a count of work.
LIMIT_AFTER = re.compile(r"以下|以內|以内")
#: Before digits these make them part of a code or a dated name: 3·15, 10/2021號.
CODE_MARKS = ("·", "•", "・", "/")
#: After an indefinite-looking 一起 these compare it, so it counts: 命案一起同比….
COMPARISONS = ("同比", "環比", "环比", "較", "较", "比")
#: Before a numeral these make it vague (數十起 "dozens", 幾百人 "some hundreds").
VAGUE_BEFORE = ("數", "数", "幾", "几")
#: After a number, these start a comment on it rather than the thing counted, so the words before it are the subject
#: (從41%上升至64.6%: 41% is what rose, not a count of 上升).
COMMENT_AFTER = re.compile(
    r"的|同比|環比|环比|較|较|比|歸案|归案|之|上升|下降|增長|增长|增加|減少|减少|提高|提升|降低|回落"
    r"|下跌|下滑|上漲|上涨|回升|最高|最低|最多|最少|次之|居次|居首|分居|位居"
)


@dataclass(frozen=True, slots=True)
class _Token:
    """A number read in one line, and whether it counts: an indefinite 一 (一個團夥) is no figure, but it still
    ends the clause before it."""

    reading: Reading
    counts: bool

    @property
    def start(self) -> int:
        return self.reading.start

    @property
    def end(self) -> int:
        return self.reading.end


def _is_excluded(line: str, reading: Reading, masked: list[tuple[int, int]]) -> bool:
    """Whether the number is a date or time, an ordinal, rank, rate base, range end, limit, threshold, code or
    slogan, or sits inside a quoted name or an idiom."""
    if any(low <= reading.number_start < high for low, high in masked):
        return True
    if unit_kind(reading.unit) in (KIND_TIME, KIND_AGE) and reading.unit != MONTHS:
        return True
    before = line[max(reading.number_start - LOOK_BACK, 0) : reading.number_start].rstrip(SPACES)
    if before.endswith(("第", "每", "條之", "条之")) or RANGE_BEFORE.search(before):
        return True
    if not reading.is_arabic and before.endswith(VAGUE_BEFORE):
        return True
    if LIMIT_AFTER.match(line, reading.end):
        return True
    if before.endswith("前") and reading.unit in ("名", "位"):
        return True
    if line[reading.end - 2 : reading.end] == "以上" and THRESHOLD.match(line, reading.end - 2):
        return True
    if reading.unit == MONTHS and (before.endswith(MONTHS_FRAME_BEFORE) or MONTHS_FRAME_AFTER.match(line, reading.end)):
        return True
    if reading.is_arabic and (before[-1:].isascii() and before[-1:].isalpha() or before[-1:] in CODE_MARKS):
        return True
    return bool(SLOGAN_AFTER.match(line, reading.unit_start))


def _is_indefinite(line: str, reading: Reading) -> bool:
    """Whether a lone 一 before a counter is the indefinite article (一個團夥, 一支隊伍, 發生一起重大案件).

    It counts one when the clause counts: right after a change word (增加了一宗, 上升了一倍) or with nothing
    after the counter but the end of the clause, a list link or a comparison (涉槍治安案件一起，).
    """
    if reading.numeral != "一" or reading.qualifier != Qualifier.EXACT:
        return False
    if unit_kind(reading.unit) not in (KIND_COUNT, KIND_TIME) or _change_word(line, reading):
        return False
    if reading.unit == "次":
        return True  # 一次 at a clause's end is still mostly "once" in a slogan (最多跑一次), not a count of work
    return not (
        reading.end == len(line)
        or CLAUSE_BREAK.match(line, reading.end)
        or line.startswith(SERIES_LINKS + COMPARISONS, reading.end)
    )


def _quoted_spans(line: str) -> list[tuple[int, int]]:
    """The spans of ``line`` inside quotation or title marks, each from its opening mark to its closing one.

    One pass: a mark that has no closing mark after it is never searched for again, so a line of
    unclosed marks costs its length, not its length squared.
    """
    spans, unclosed, position = [], set(), 0
    while position < len(line):
        mark = line[position]
        closing = QUOTE_MARKS.get(mark)
        if closing is None or mark in unclosed:
            position += 1
            continue
        end = line.find(closing, position + 1)
        if end == -1:
            unclosed.add(mark)
            position += 1
            continue
        spans.append((position, end + 1))
        position = end + 1
    return spans


def _tokens(line: str) -> list[_Token]:
    """Every number of ``line`` that may be a figure, in order; an indefinite 一 kept as not counting."""
    masked = [*_quoted_spans(line), *(match.span() for match in IDIOMS.finditer(line))]
    return [
        _Token(reading, counts=not _is_indefinite(line, reading))
        for reading in read_numbers(line)
        if not _is_excluded(line, reading, masked)
    ]


class _Breaks:
    """The clause breaks of one line and where its numbers start, found once, so each clause is found by bisection."""

    def __init__(self, line: str, tokens: list[_Token]):
        self.length = len(line)
        self.matches = list(CLAUSE_BREAK.finditer(line))
        self.starts = [match.start() for match in self.matches]
        self.ends = [match.end() for match in self.matches]
        self.token_starts = [token.start for token in tokens]

    def clause_start_before(self, position: int) -> int:
        """Where the clause ending at ``position`` starts: after the last break before it, else 0."""
        count = bisect_right(self.ends, position)
        return self.ends[count - 1] if count else 0

    def holds_number(self, start: int, end: int) -> bool:
        index = bisect_left(self.token_starts, start)
        return index < len(self.token_starts) and self.token_starts[index] < end

    def clause(self, token: _Token) -> tuple[int, int]:
        """[start, end) of the clause holding ``token``: between the nearest clause breaks.

        A 、 joining words without a number does not end the clause: 回訪關注類、重點類矛盾糾紛1087次 is one
        subject with two modifiers, where 下降8.37%、28.30% and 1631個、經營困難企業168家 are two clauses. At most
        ``MAX_SERIES`` such pieces join, as a list of words no longer is.
        """
        count = bisect_right(self.ends, token.start)
        clause_start = self.ends[count - 1] if count else 0
        for position in range(count - 1, max(count - 1 - MAX_SERIES, -1), -1):
            piece_start = self.ends[position - 1] if position else 0
            if self.matches[position].group() != "、" or self.holds_number(piece_start, clause_start):
                break
            clause_start = piece_start
        following = bisect_left(self.starts, token.end)
        return clause_start, self.starts[following] if following < len(self.starts) else self.length


def _strip_leading(line: str, start: int, end: int) -> int:
    """``start`` moved past the scope words and dates that open ``line[start:end]``."""
    while start < end and (match := LEADING_FILLER.match(line, start, end)):
        start = match.end()
    return start


def _quote_bounds(line: str, tokens: list[_Token], breaks: _Breaks, index: int) -> tuple[int, int]:
    """[start, end) of the shortest clause stating ``tokens[index]``: the number with its subject."""
    token = tokens[index]
    clause_start, clause_end = breaks.clause(token)
    previous = tokens[index - 1] if index and tokens[index - 1].end > clause_start else None
    following = tokens[index + 1] if index + 1 < len(tokens) and tokens[index + 1].start < clause_end else None
    head_start = previous.end if previous else clause_start
    if previous and line[head_start : head_start + 1] in SERIES_LINKS:
        head_start += 1  # 毒品2754件及詐欺2446件: the link joins the items, it is no part of the second
    tail_end = following.start if following else clause_end
    if cut := TAIL_END.search(line, token.end, tail_end):
        tail_end = cut.start()
    if line[token.end : token.end + 1] in SERIES_LINKS:
        # 毒品2754件及詐欺2446件: a link after the number starts the next item, so nothing after it is its noun.
        tail_end = token.end
    elif following and tail_end == following.start and line[tail_end - 1 : tail_end] in SERIES_LINKS:
        tail_end -= 1  # 3宗殺人案及8宗…: the link belongs between the items
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
    if tail:
        # Nothing before the number, a comment after it: 58.2%的業務實現網上辦理 says what the share is of.
        return token.start, token.end + len(tail)
    # Nothing but scope words before the number: keep the neighbouring number (257個1782單元)
    # or the scope words (共29件) so the quote still says what is counted.
    if previous and previous.end == token.start and previous.counts:
        return previous.start, token.end
    return head_start, token.end


def _change_word(line: str, reading: Reading) -> re.Match | None:
    """The change word right before the number, if any (同比上升12%, 增加了一宗)."""
    return CHANGE.search(line, max(reading.start - LOOK_BACK, 0), reading.start)


def _change(line: str, reading: Reading) -> str | None:
    """The direction of the change the number measures, else None: a change word right before it (or after
    it, 的跌幅), or a sign straight before it that no digit precedes (（+9.2%）, not 1-6)."""
    if match := _change_word(line, reading):
        return UP if match["up"] or match["more"] else DOWN
    if match := CHANGE_AFTER.match(line, reading.end):
        return UP if match["up"] else DOWN
    before = line[max(reading.start - LOOK_BACK, 0) : reading.start].rstrip(SPACES)
    if before[-1:] in SIGNS and not (before[-2:-1].isascii() and before[-2:-1].isalnum()):
        return SIGNS[before[-1]]
    return None


def _bracketed(line: str, token: _Token, breaks: _Breaks) -> tuple[int, int] | None:
    """For a number alone in brackets (（+9.2%）, (54 225宗)): the quote from the clause before the bracket
    through the closing bracket, as 增加5 000宗(+9.2%) says what the bracket's number is about; else None."""
    clause_start, clause_end = breaks.clause(token)
    opening = line[clause_start - 1 : clause_start]
    if opening not in BRACKETS or line[clause_end : clause_end + 1] != BRACKETS[opening]:
        return None
    if (line[clause_start : token.start] + line[token.end : clause_end]).strip(SPACES + "".join(SIGNS)):
        return None
    before_start = breaks.clause_start_before(clause_start - 1)
    if not line[before_start : clause_start - 1].strip(SPACES):
        return None
    return before_start, clause_end + 1


def _continues_series(line: str, tokens: list[_Token], index: int, bounds: tuple[int, int]) -> bool:
    """Whether ``tokens[index]`` stands bare, right after the number before it and a link (下降8.37%、28.30%)."""
    token = tokens[index]
    if not index or not tokens[index - 1].counts:
        return False
    previous = tokens[index - 1]
    return line[previous.end : token.start] in SERIES_LINKS and bounds in (
        (token.start, token.end),
        (previous.end, token.end),
    )


def _stating_bounds(line: str, token: _Token, breaks: _Breaks, start: int, end: int) -> tuple[int, int]:
    """[start, end) widened until the quote states the number as the line does (``clauses.clause_states``):
    first over the list whose unit it shares (``Reading.scope``), then over its clause, at last the line.

    The reader looks at a few characters around a number (最近 is no 近; a list lends its unit), so a quote
    cut too short could read differently; widening keeps every proposal provable from its own quote.
    """
    reading = token.reading
    start, end = min(start, reading.scope[0]), max(end, reading.scope[1])
    clause_start, clause_end = breaks.clause(token)
    for bounds in ((start, end), (min(start, clause_start), max(end, clause_end))):
        quote = line[bounds[0] : bounds[1]].strip()
        if clause_states(quote, value=reading.value, unit=reading.unit, qualifier=reading.qualifier):
            return bounds
    return 0, len(line)


def _line_proposals(paragraph: int, line: str, room: int | None = None) -> list[Proposal]:
    """The proposals of one line; with ``room``, it stops at ``room + 1`` of them, the first ``room`` as without it."""
    tokens = _tokens(line)
    breaks = _Breaks(line, tokens)
    proposals = []
    starts: list[int] = []
    changes: list[str | None] = []
    series: list[int] = []  # how far into its series each number is
    for index, token in enumerate(tokens):
        reading = token.reading
        start, end = _quote_bounds(line, tokens, breaks, index)
        change = _change(line, reading)
        place = 1
        if _continues_series(line, tokens, index, (start, end)) and series[index - 1] < MAX_SERIES:
            # A bare number in a series shares the clause and the change of the first: 同比分別下降8.37%、28.30%.
            start, change, place = starts[index - 1], change or changes[index - 1], series[index - 1] + 1
        elif bracketed := _bracketed(line, token, breaks):
            start, end = bracketed
        starts.append(start)
        changes.append(change)
        series.append(place)
        if token.counts:
            start, end = _stating_bounds(line, token, breaks, start, end)
            proposals.append(
                Proposal(
                    paragraph=paragraph,
                    quote=line[start:end].strip(),
                    value=reading.value,
                    unit=reading.unit,
                    qualifier=reading.qualifier,
                    change=change,
                )
            )
            if room is not None and len(proposals) > room:
                break
    return proposals


def extract_figures(text: str, *, limit: int | None = None) -> list[Proposal]:
    """Every figure ``text`` states, in reading order, under the rules in this module's docstring.

    With ``limit``, reading stops after the paragraph that brings the count past ``limit`` and
    ``limit + 1`` proposals are returned: more than ``limit`` means the text states too many, told
    without reading the rest. The first ``limit`` are the same as without it.
    """
    proposals: list[Proposal] = []
    for paragraph, line in enumerate(paragraphs(text), start=1):
        proposals.extend(_line_proposals(paragraph, line, None if limit is None else limit - len(proposals)))
        if limit is not None and len(proposals) > limit:
            break
    return proposals
