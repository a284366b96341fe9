"""metrics.formatting in English and Simplified Chinese; the Traditional text is unchanged."""

from decimal import Decimal

import pytest

from metrics.formatting import format_figure, format_figure_english, format_figure_in_language
from tests.factories import unit_forms


@pytest.mark.parametrize(
    ("value", "unit", "qualifier", "text"),
    [
        ("90000", "戶", "approx", "nearly 90,000 households"),
        ("80000", "噸", "over", "over 80,000 tonnes"),
        ("790", "萬元", "exact", "7.9 million yuan"),
        ("5", "億元", "over", "over 500 million yuan"),
        ("98.66", "%", "exact", "98.66%"),
        ("18161", "起", "exact", "18,161"),
        ("2", "個月", "over", "over 2 months"),
        ("1", "人", "exact", "1 person"),
        ("7006", "人次", "exact", "7,006 person-times"),
        ("1275.5", "件", "exact", "1,275.5"),
        ("3000", "元", "exact", "3,000 yuan"),
        ("12", "億元", "exact", "1.2 billion yuan"),
    ],
)
def test_format_figure_english_reads_naturally(value, unit, qualifier, text):
    assert format_figure_english(Decimal(value), unit_forms(unit), qualifier) == text


def test_format_figure_in_language_each_language():
    value = Decimal("90000")
    assert (
        format_figure_in_language(value, unit_forms("戶"), "approx", language="zh-hant")
        == format_figure(value, unit_forms("戶"), "approx")
        == "近9萬戶"
    )
    assert format_figure_in_language(value, unit_forms("戶"), "approx", language="zh-hans") == "近9万户"
    assert format_figure_in_language(value, unit_forms("戶"), "approx", language="en") == "nearly 90,000 households"
