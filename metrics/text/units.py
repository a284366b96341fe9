"""Units as the report writes them: their written form, their kind, and when two are the same unit.

Units are open: whatever counter follows a number is its unit (``numbers`` decides where it ends).
Nothing here decides what may be a unit; the sets below only sort units into kinds, and a unit in
none of them is a count.
"""

from common.languages import to_traditional

PERCENT = "%"
PERCENT_SIGNS = "%％﹪"
PER_MILLE = "‰"
POINTS = "個百分點"

KIND_PERCENT = "percent"
KIND_POINTS = "points"
KIND_PER_MILLE = "per_mille"
KIND_MONEY = "money"
KIND_WEIGHT = "weight"
KIND_LENGTH = "length"
KIND_AREA = "area"
KIND_MULTIPLE = "multiple"
KIND_TIME = "time"
KIND_AGE = "age"
KIND_COUNT = "count"

#: Money ends in its currency: 元, 萬元, 億港元, 澳門元, 新臺幣 …
MONEY_ENDINGS = ("元", "幣", "鎊", "美金")
WEIGHTS = frozenset({"噸", "公噸", "公斤", "千克", "克", "毫克", "斤"})
LENGTHS = frozenset({"米", "公里", "千米"})
AREAS = frozenset({"平方米", "平方公里", "平方千米", "公頃", "畝"})
#: Calendar and clock words and spans of time; 個月 is here too (a span counted with a classifier).
TIMES = frozenset(
    {"年", "月", "日", "號", "時", "點", "分", "秒", "天", "週", "旬", "季", "季度", "晝夜"}
    | {"小時", "個小時", "分鐘", "工作日", "個工作日", "週年", "個月", "星期", "個星期"}
)

#: Spellings of one unit that a figure may store either way: 兩名嫌疑人 is a count of 人.
SAME_AS = {"名": "人", "位": "人", "千克": "公斤", "公噸": "噸", "百分點": POINTS}


def written_unit(unit: str) -> str:
    """``unit`` as the portal writes it: in Traditional script, every percent sign as ``%`` (个 → 個, ％ → %)."""
    if unit and unit in PERCENT_SIGNS:
        return PERCENT
    return to_traditional(unit)


def unit_kind(unit: str) -> str:
    """What ``unit`` measures: percent, points (個百分點), per_mille, money, weight, length, area, multiple (倍),
    time, age (歲) or, for every other counter, count."""
    unit = written_unit(unit)
    if unit == PERCENT:
        return KIND_PERCENT
    if unit == PER_MILLE:
        return KIND_PER_MILLE
    if unit.endswith("百分點"):
        return KIND_POINTS
    if unit.endswith(MONEY_ENDINGS):
        return KIND_MONEY
    for kind, units in ((KIND_WEIGHT, WEIGHTS), (KIND_LENGTH, LENGTHS), (KIND_AREA, AREAS), (KIND_TIME, TIMES)):
        if unit in units:
            return kind
    if unit == "倍":
        return KIND_MULTIPLE
    if unit == "歲":
        return KIND_AGE
    return KIND_COUNT


def same_unit(first: str, second: str) -> bool:
    """Whether two units are one unit written two ways: in either script, with any percent sign, or as
    spellings of one count (名, 位 and 人 count people; 千克 and 公斤 weigh the same)."""

    def comparable(unit: str) -> str:
        unit = written_unit(unit)
        return SAME_AS.get(unit, unit)

    return comparable(first) == comparable(second)
