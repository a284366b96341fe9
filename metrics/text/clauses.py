"""What a source clause states: the one parser of numbers in the report's own wording; a leaf module.

A figure's ``stated_value`` must be a number its ``source_quote`` states; the
fidelity tests and ``Figure.clean()`` both ask this module. A number is read as
the report writes it: an optional 近/約 before it; digits or 兩/二; an optional
萬/億; an optional 餘/余/多 after it (also after a 個, as in 兩個多月); then 元
for money or a percent sign.
"""

import re
from decimal import Decimal
from typing import NamedTuple

from metrics.choices import Qualifier, Unit

STATED_NUMBER = re.compile(
    r"(?P<approx>[近約])?"
    r"(?P<number>\d+(?:\.\d+)?|[兩二])"
    r"(?P<scale>[萬億])?"
    r"(?P<over>個?[餘余多])?"
    r"(?P<suffix>元|[%﹪])?"
)
SCALE = {"萬": Decimal(10_000), "億": Decimal(100_000_000)}
SCALE_PLACES = {"萬": 4, "億": 8}

#: Units a clause marks right after the number; every other unit is a plain counter word.
MARKED_UNITS = frozenset({Unit.PERCENT, Unit.YUAN, Unit.WAN_YUAN, Unit.YI_YUAN})


class Stated(NamedTuple):
    """One number as a clause states it, in the form a figure stores it."""

    value: Decimal
    unit: str | None  # "%", "元", "萬元", "億元"; None for a plain counter (起, 噸, 戶, …)
    qualifier: str
    decimals: int  # the places the clause writes: 98.66 → 2, 1275.5 → 1, 8萬 → 0


def stated_numbers(clause: str) -> list[Stated]:
    """Every number ``clause`` states, in order.

    萬/億 multiply a plain unit out (8萬餘噸 → 80000, over) but stay in a money
    unit (790萬元 → 790 萬元); 兩/二 are 2; % and ﹪ are both percent.
    """
    stated = []
    for match in STATED_NUMBER.finditer(clause):
        number = match["number"]
        value = Decimal(2) if number in "兩二" else Decimal(number)
        decimals = len(number.partition(".")[2])
        scale, suffix = match["scale"] or "", match["suffix"]
        if suffix == "元":
            unit = f"{scale}元"
        elif suffix in ("%", "﹪"):
            unit = Unit.PERCENT
        else:
            unit = None
            if scale:
                value *= SCALE[scale]
                decimals = max(decimals - SCALE_PLACES[scale], 0)
        if match["approx"]:
            qualifier = Qualifier.APPROX
        elif match["over"]:
            qualifier = Qualifier.OVER
        else:
            qualifier = Qualifier.EXACT
        stated.append(Stated(value, unit, qualifier, decimals))
    return stated


def clause_states(clause: str, *, value: Decimal, unit: str, qualifier: str) -> bool:
    """Whether ``clause`` states ``value`` in ``unit`` with ``qualifier`` (units a clause marks must match)."""
    marked = unit if unit in MARKED_UNITS else None
    return any(
        (number.value, number.unit, number.qualifier) == (Decimal(value), marked, qualifier)
        for number in stated_numbers(clause)
    )
