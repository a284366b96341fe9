from decimal import Decimal

import pytest

from metrics.formatting import format_figure, plain_number, split_scale
from tests.factories import unit_forms


@pytest.mark.parametrize(
    ("value", "unit", "qualifier", "expected"),
    [
        ("18161", "起", "exact", "18,161起"),
        ("90000", "戶", "approx", "近9萬戶"),
        ("80000", "噸", "over", "8萬餘噸"),
        ("5", "億元", "over", "5億餘元"),
        ("790", "萬元", "exact", "790萬元"),
        ("98.66", "%", "exact", "98.66%"),
        ("100", "%", "exact", "100%"),
        ("1275.5", "件", "exact", "1,275.5件"),
        ("7006", "人次", "exact", "7,006人次"),
        ("2", "個月", "over", "2個月餘"),
        ("0", "起", "exact", "0起"),
        ("200000000", "元", "exact", "2億元"),
        ("1250000", "元", "exact", "125萬元"),
        ("1234567", "元", "exact", "1,234,567元"),
    ],
)
def test_format_figure_matches_how_the_report_writes_numbers(value, unit, qualifier, expected):
    assert format_figure(Decimal(value), unit_forms(unit), qualifier) == expected


def test_format_figure_drops_stored_trailing_zeros():
    assert format_figure(Decimal("18161.00"), unit_forms("起")) == "18,161起"
    assert format_figure(Decimal("98.60"), unit_forms("%")) == "98.6%"


def test_format_figure_never_scales_a_percentage():
    assert format_figure(Decimal("100.00"), unit_forms("%")) == "100%"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("18161.00", "18161"),
        ("1275.50", "1275.5"),
        ("98.66", "98.66"),
        ("80000.00", "80000"),
        ("100.00", "100"),
        ("0.00", "0"),
    ],
)
def test_plain_number_has_no_separators_exponents_or_trailing_zeros(value, expected):
    assert plain_number(Decimal(value)) == expected


def test_split_scale_keeps_money_units_as_stated():
    assert split_scale(Decimal("790"), unit_forms("萬元")) == (Decimal("790"), "萬", "元")
    assert split_scale(Decimal("18161"), unit_forms("起")) == (Decimal("18161"), "", "起")
