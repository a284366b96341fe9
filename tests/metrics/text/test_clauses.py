"""The clause check (metrics/text/clauses.py): what a source clause states, in any unit, and with which places."""

from decimal import Decimal

import pytest

from metrics.text.clauses import clause_decimals, clause_states, stated_decimals


@pytest.mark.parametrize(
    ("clause", "value", "unit", "qualifier"),
    [
        ("罪案 10,549 宗", "10549", "宗", "exact"),
        ("查獲槍枝 1,126枝", "1126", "枝", "exact"),
        ("出動警力14,724人次", "14724", "人次", "exact"),
        ("接報警情39.9萬餘起", "399000", "起", "over"),
        ("抓獲嫌疑人143万余名", "1430000", "名", "over"),
        ("收繳槍支七十二件", "72", "件", "exact"),
        ("凍結資金2,000萬元", "2000", "萬元", "exact"),
        ("群眾滿意率為百分之38.5", "38.5", "%", "exact"),
        ("涉案金額1.93億元", "1.93", "億元", "exact"),
        ("破案率上升1.7個百分點", "1.7", "個百分點", "exact"),
        ("查獲毒品12.5公斤", "12.5", "公斤", "exact"),
        ("增加了一宗", "1", "宗", "exact"),
    ],
)
def test_clause_states_accepts_any_unit_the_clause_writes(clause, value, unit, qualifier):
    assert clause_states(clause, value=Decimal(value), unit=unit, qualifier=qualifier)


@pytest.mark.parametrize(
    ("clause", "value", "unit"),
    [
        ("兩名犯罪嫌疑人", 2, "人"),
        ("完成12个", 12, "個"),
        ("罚款12万元", 12, "萬元"),
        ("化解率98%", 98, "％"),
        ("3千克", 3, "公斤"),
    ],
)
def test_clause_states_accepts_a_unit_written_another_way(clause, value, unit):
    assert clause_states(clause, value=Decimal(value), unit=unit, qualifier="exact")


@pytest.mark.parametrize(
    ("clause", "value", "unit", "qualifier"),
    [
        ("出動警力14,724人次", "14724", "人", "exact"),
        ("出動警力14,724人次", "14", "人次", "exact"),
        ("凍結資金2,000萬元", "20000000", "元", "exact"),
        ("接報警情39.9萬餘起", "399000", "起", "exact"),
        ("破案率上升1.7個百分點", "1.7", "%", "exact"),
        ("2030年", "2030", "件", "exact"),
    ],
)
def test_clause_states_refuses_another_value_unit_or_qualifier(clause, value, unit, qualifier):
    assert not clause_states(clause, value=Decimal(value), unit=unit, qualifier=qualifier)


@pytest.mark.parametrize(
    ("clause", "value", "unit", "places"),
    [("化解率98.60%", "98.6", "%", 2), ("收繳1275.5件", "1275.5", "件", 1), ("近9萬戶", "90000", "戶", 0)],
)
def test_clause_decimals_are_the_places_the_clause_writes(clause, value, unit, places):
    qualifier = "approx" if clause.startswith("近") else "exact"
    assert clause_decimals(clause, value=Decimal(value), unit=unit, qualifier=qualifier) == places


def test_clause_decimals_are_none_for_a_value_the_clause_does_not_state():
    assert clause_decimals("化解率98.60%", value=Decimal("98.7"), unit="%", qualifier="exact") is None


@pytest.mark.parametrize(
    ("clause", "value", "places"),
    [("化解率98.60%", "98.6", 2), ("化解率98.60%", "98.666", 2), ("化解率98.60%", "98.7", 1), ("", "12", 0)],
)
def test_stated_decimals_fall_back_to_the_values_own_places_at_most_the_limit(clause, value, places):
    assert stated_decimals(clause, value=Decimal(value), unit="%", qualifier="exact", most=2) == places
