"""Units as written (metrics/text/units.py): their written form, their kind, and when two are one unit."""

import pytest

from metrics.text.units import same_unit, unit_kind, written_unit


@pytest.mark.parametrize(
    ("unit", "written"),
    [
        ("个", "個"),
        ("万元", "萬元"),
        ("个百分点", "個百分點"),
        ("辆", "輛"),
        ("名", "名"),
        ("宗", "宗"),
        ("％", "%"),
        ("﹪", "%"),
        ("‰", "‰"),
    ],
)
def test_written_unit_is_traditional_with_one_percent_sign(unit, written):
    assert written_unit(unit) == written


@pytest.mark.parametrize(
    ("unit", "kind"),
    [
        ("%", "percent"),
        ("﹪", "percent"),
        ("個百分點", "points"),
        ("百分点", "points"),
        ("‰", "per_mille"),
        ("元", "money"),
        ("億元", "money"),
        ("萬澳門元", "money"),
        ("港幣", "money"),
        ("公斤", "weight"),
        ("吨", "weight"),
        ("公里", "length"),
        ("平方米", "area"),
        ("倍", "multiple"),
        ("個月", "time"),
        ("小时", "time"),
        ("年", "time"),
        ("歲", "age"),
        ("宗", "count"),
        ("人次", "count"),
        ("枝", "count"),
    ],
)
def test_unit_kind_sorts_units_and_calls_any_other_counter_a_count(unit, kind):
    assert unit_kind(unit) == kind


@pytest.mark.parametrize(
    ("first", "second"),
    [("人", "名"), ("位", "人"), ("個", "个"), ("%", "％"), ("千克", "公斤"), ("個百分點", "百分點"), ("萬元", "万元")],
)
def test_same_unit_accepts_one_unit_written_two_ways(first, second):
    assert same_unit(first, second) and same_unit(second, first)


@pytest.mark.parametrize(
    ("first", "second"), [("人", "人次"), ("起", "宗"), ("元", "萬元"), ("%", "個百分點"), ("個", "個月")]
)
def test_same_unit_keeps_different_units_apart(first, second):
    assert not same_unit(first, second)
