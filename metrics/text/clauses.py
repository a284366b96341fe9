"""What a source clause states, read by ``numbers.read_numbers``: the check behind ``Figure.clean()`` and the import.

A figure's ``stated_value`` must be a number its ``source_quote`` states, in the figure's unit (any unit:
``units.same_unit`` accepts either script, any percent sign and 名/位 for 人) and with its qualifier.
Every proposal of ``extraction.extract_figures`` passes this check on its own quote.
"""

from decimal import Decimal

from metrics.text.numbers import Reading, decimal_places, read_numbers
from metrics.text.units import same_unit


def stated_numbers(clause: str) -> list[Reading]:
    """Every number ``clause`` states with a unit, in order: each ``Reading`` has value, unit, qualifier, decimals."""
    return read_numbers(clause)


def _stating(clause: str, value, unit: str, qualifier: str) -> Reading | None:
    """The first number of ``clause`` that is ``value`` in ``unit`` with ``qualifier``, or None."""
    for number in read_numbers(clause):
        if number.value == Decimal(value) and number.qualifier == qualifier and same_unit(number.unit, unit):
            return number
    return None


def clause_states(clause: str, *, value, unit: str, qualifier: str) -> bool:
    """Whether ``clause`` states ``value`` in ``unit`` with ``qualifier``."""
    return _stating(clause, value, unit, qualifier) is not None


def clause_decimals(clause: str, *, value, unit: str, qualifier: str) -> int | None:
    """The decimal places ``clause`` writes ``value`` with (化解率98.60% → 2, 8萬餘噸 → 0); None when it does not
    state it."""
    number = _stating(clause, value, unit, qualifier)
    return None if number is None else number.decimals


def stated_decimals(clause: str, *, value, unit: str, qualifier: str, most: int) -> int:
    """The places a figure stores ``value`` with: those ``clause`` writes it with, else the value's own
    (``numbers.decimal_places``) but at most ``most``."""
    places = clause_decimals(clause, value=value, unit=unit, qualifier=qualifier)
    return min(decimal_places(value), most) if places is None else places
