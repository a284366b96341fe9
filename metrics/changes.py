"""Year-over-year change of one figure: pure arithmetic on two Decimals, no database.

Counts change by an absolute amount and a percentage of last year's value; rates
(a unit of kind percent, ``%``) and figures stated in percentage points change by
percentage points, since a percentage of a percentage misleads. ``unit`` is a unit row
or its text, as ``metrics.formatting`` reads it.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from common.languages import ENGLISH, current_language
from metrics.choices import Qualifier
from metrics.formatting import (
    english_unit,
    format_figure_english,
    is_points_kind,
    plain_number,
    unit_label,
    yuan_per_unit,
)

UP, DOWN, SAME = "up", "down", "same"
ARROWS = {UP: "▲", DOWN: "▼", SAME: "＝"}

#: Percent changes are shown to one decimal place.
PERCENT_STEP = Decimal("0.1")


@dataclass(frozen=True)
class Change:
    """``current`` against ``previous`` in ``unit``.

    ``absolute`` is current − previous (percentage points for rates); ``percent`` is
    that difference as a percentage of ``previous``, rounded half up to 0.1, and None
    for rates and when ``previous`` is 0 (no base to compare with). ``approximate`` when
    either number is (近, 餘): the difference of two approximations is itself one.
    """

    previous: Decimal
    current: Decimal
    unit: object
    absolute: Decimal
    percent: Decimal | None
    direction: str
    approximate: bool = False

    @property
    def is_points(self) -> bool:
        return is_points_kind(self.unit)

    @property
    def arrow(self) -> str:
        return ARROWS[self.direction]


def direction_of(difference: Decimal) -> str:
    if difference > 0:
        return UP
    if difference < 0:
        return DOWN
    return SAME


def change(previous: Decimal, current: Decimal, unit, *, qualifiers: tuple[str, ...] = ()) -> Change:
    """The change from ``previous`` to ``current``, both in ``unit`` (see ``Change``).

    ``qualifiers`` are the two figures' qualifiers: any but exact makes the change approximate.
    """
    absolute = current - previous
    percent = None
    if not is_points_kind(unit) and previous != 0:
        percent = (absolute * 100 / previous).quantize(PERCENT_STEP, rounding=ROUND_HALF_UP)
    return Change(
        previous=previous,
        current=current,
        unit=unit,
        absolute=absolute,
        percent=percent,
        direction=direction_of(absolute),
        approximate=any(qualifier != Qualifier.EXACT for qualifier in qualifiers),
    )


def signed(number: Decimal, *, keep_places: bool = False) -> str:
    """A difference with its sign: '+12', '−3.5', '0'; with ``keep_places`` its own decimals ('+10.0')."""
    text = format(abs(number), "f") if keep_places else plain_number(abs(number))
    if number > 0:
        return f"+{text}"
    if number < 0:
        return f"−{text}"
    return text


def amount_text(item: Change) -> str:
    """The signed difference with its unit in the page language: '+120起', '+120户', '+120 households',
    '+120' (an English counting word), '+7.9 million yuan' (English money is stated in yuan)."""
    number = signed(item.absolute)
    language = current_language()
    if language == ENGLISH:
        if yuan_per_unit(item.unit) is not None:
            return number[0] + format_figure_english(abs(item.absolute), item.unit) if item.absolute else "0 yuan"
        word = english_unit(item.unit, plural=abs(item.absolute) != 1)
        return f"{number} {word}" if word else number
    return f"{number}{unit_label(item.unit, language)}"


def describe(item: Change) -> str:
    """Short display text: '▲ +120（+5.3%）', '▼ −1.2 個百分點', '▲ +4起' (no percentage when last year was 0).

    The unit follows the page language as ``metrics.formatting`` writes it ('▲ +4 people' in English).
    An approximate change says so: '▲ 約+10000戶（+11.1%）', '▲ about +10000 households (+11.1%)'.
    """
    if item.is_points:
        points = signed(item.absolute)
        if item.approximate:
            points = _("約%(amount)s") % {"amount": points}
        return _("%(arrow)s %(points)s 個百分點") % {"arrow": item.arrow, "points": points}
    amount = amount_text(item)
    if item.approximate:
        amount = _("約%(amount)s") % {"amount": amount}
    amount = f"{item.arrow} {amount}"
    if item.percent is None:
        return amount
    percent = f"{signed(item.percent, keep_places=True)}%"
    return f"{amount} ({percent})" if current_language() == ENGLISH else f"{amount}（{percent}）"
