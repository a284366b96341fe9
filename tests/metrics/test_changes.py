"""Year-over-year arithmetic: absolute, percent, percentage points and direction."""

from decimal import Decimal

import pytest
from django.utils import translation

from metrics.changes import DOWN, SAME, UP, describe, signed
from metrics.changes import change as change_in
from tests.factories import unit_forms


def change(previous: Decimal, current: Decimal, unit: str, **options):
    """``metrics.changes.change`` in the unit ``unit`` as the 2021 fixture defines it (English words, kind, yuan)."""
    return change_in(previous, current, unit_forms(unit), **options)


def test_change_of_a_count_gives_absolute_and_percent():
    item = change(Decimal(1000), Decimal(1053), "起")
    assert item.absolute == Decimal(53) and item.percent == Decimal("5.3") and item.direction == UP
    assert describe(item) == "▲ +53起（+5.3%）"


def test_change_of_a_count_rounds_the_percent_half_up():
    assert change(Decimal(8), Decimal(9), "人").percent == Decimal("12.5")
    assert change(Decimal(3), Decimal(2), "人").percent == Decimal("-33.3")


def test_change_of_a_rate_is_in_percentage_points_without_percent():
    item = change(Decimal("98.66"), Decimal("97.5"), "%")
    assert item.absolute == Decimal("-1.16") and item.percent is None and item.direction == DOWN
    assert item.is_points and describe(item) == "▼ −1.16 個百分點"


def test_change_from_zero_has_no_percent():
    item = change(Decimal(0), Decimal(4), "件")
    assert item.percent is None and describe(item) == "▲ +4件"


def test_change_without_difference_is_same():
    item = change(Decimal(7), Decimal(7), "處")
    assert item.direction == SAME and describe(item) == "＝ 0處（0.0%）"


@pytest.mark.parametrize("number, text", [(Decimal(12), "+12"), (Decimal("-3.50"), "−3.5"), (Decimal(0), "0")])
def test_signed_writes_the_sign_and_plain_digits(number, text):
    assert signed(number) == text


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("zh-hant", ["▲ +53戶（+5.3%）", "▼ −1.16 個百分點", "▲ +210萬元（+26.6%）"]),
        ("zh-hans", ["▲ +53户（+5.3%）", "▼ −1.16 个百分点", "▲ +210万元（+26.6%）"]),
        ("en", ["▲ +53 households (+5.3%)", "▼ −1.16 percentage points", "▲ +2.1 million yuan (+26.6%)"]),
    ],
)
def test_describe_writes_the_unit_in_the_page_language(language, texts):
    items = [
        change(Decimal(1000), Decimal(1053), "戶"),
        change(Decimal("98.66"), Decimal("97.5"), "%"),
        change(Decimal(790), Decimal(1000), "萬元"),
    ]
    with translation.override(language):
        assert [describe(item) for item in items] == texts


def test_describe_leaves_an_english_counting_word_out():
    with translation.override("en"):
        assert describe(change(Decimal(1000), Decimal(1053), "起")) == "▲ +53 (+5.3%)"


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("zh-hant", ["▲ 約+10000戶（+11.1%）", "▼ 約−1.5 個百分點", "▲ +53戶（+5.3%）"]),
        ("zh-hans", ["▲ 约+10000户（+11.1%）", "▼ 约−1.5 个百分点", "▲ +53户（+5.3%）"]),
        ("en", ["▲ about +10000 households (+11.1%)", "▼ about −1.5 percentage points", "▲ +53 households (+5.3%)"]),
    ],
)
def test_describe_marks_a_change_between_approximate_figures(language, texts):
    items = [
        change(Decimal(90000), Decimal(100000), "戶", qualifiers=("approx", "approx")),
        change(Decimal("99"), Decimal("97.5"), "%", qualifiers=("exact", "over")),
        change(Decimal(1000), Decimal(1053), "戶", qualifiers=("exact", "exact")),
    ]
    assert [item.approximate for item in items] == [True, True, False]
    with translation.override(language):
        assert [describe(item) for item in items] == texts
