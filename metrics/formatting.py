"""The one place where a figure's number becomes text.

Two forms exist: ``plain_number`` for machines (exports: no separators, no
trailing zeros) and ``format_figure`` for people (pages and charts: thousands
separators, 萬/億 as the report writes them, qualifier and unit attached).
"""

import html
from decimal import Decimal

from django.db.models import Func, TextField

from common.languages import ENGLISH, SIMPLIFIED, current_language, to_simplified
from metrics.choices import Qualifier, Unit

WAN = Decimal(10_000)
YI = Decimal(100_000_000)

#: Units that already carry the report's 萬/億 multiplier; the number is shown as stored.
SCALED_UNITS = {Unit.WAN_YUAN: ("萬", "元"), Unit.YI_YUAN: ("億", "元")}

APPROX_MARK = "近"
OVER_MARK = "餘"


def stated(value: Decimal, decimals: int | None) -> Decimal:
    """The value with the places it is stated with (98.6 with 2 → 98.60), or without trailing zeros when None."""
    if decimals is None:
        return value.normalize()
    return value.quantize(Decimal(1).scaleb(-decimals))


def plain_number(value: Decimal, decimals: int | None = None) -> str:
    """The value as a plain decimal: '18161', '1275.5', '98.66', '80000' (never '8E+4').

    With ``decimals`` (the figure's stated precision) it keeps that many places: '98.60'.
    """
    return format(stated(value, decimals), "f")


class PlainNumber(Func):
    """``plain_number(number, places)`` computed by the database: the text '98.60', '17918', NULL for NULL.

    For a number stored with at most ``places`` decimals, as ``Figure.clean()`` requires; a
    number with more would be rounded by each database's own rule.

    ``PlainNumber("value", "decimals")`` lets a large export read each number as finished
    text instead of converting it row by row in Python. SQLite writes it with printf;
    PostgreSQL rounds the numeric to ``places`` (a no-op for a value stored with its stated
    places) and casts it to text.
    """

    arity = 2
    output_field = TextField()

    def _compiled(self, compiler, connection):
        (number, number_params), (places, places_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        return number, tuple(number_params), places, tuple(places_params)

    def as_sql(self, compiler, connection, **extra_context):
        number, number_params, places, places_params = self._compiled(compiler, connection)
        return f"CAST(ROUND({number}, {places}) AS TEXT)", number_params + places_params

    def as_sqlite(self, compiler, connection, **extra_context):
        # printf writes NULL as 0: the CASE keeps a missing number missing, as PostgreSQL does.
        number, number_params, places, places_params = self._compiled(compiler, connection)
        sql = f"CASE WHEN {number} IS NULL THEN NULL ELSE printf('%%.*f', {places}, {number}) END"
        return sql, number_params + places_params + number_params


def grouped_number(value: Decimal, decimals: int | None = None) -> str:
    """The value with thousands separators: '18,161', '1,275.5'; ``decimals`` as in ``plain_number``."""
    return format(stated(value, decimals), ",f")


def split_scale(value: Decimal, unit: str) -> tuple[Decimal, str, str]:
    """Split a value into (number, 萬/億 multiplier, base unit) the way the report writes it.

    Money units keep their own multiplier (790萬元 → 790, 萬, 元). A plain unit
    takes 萬 or 億 only when the value is a whole multiple of it, as the report's
    round figures are (80000 噸 → 8, 萬, 噸); 18161 起 stays as it is.
    """
    if unit in SCALED_UNITS:
        scale, base = SCALED_UNITS[unit]
        return value, scale, base
    if unit != Unit.PERCENT and value > 0:
        if value % YI == 0:
            return value / YI, "億", unit
        if value % WAN == 0:
            return value / WAN, "萬", unit
    return value, "", unit


def format_figure(value: Decimal, unit: str, qualifier: str = Qualifier.EXACT, decimals: int | None = None) -> str:
    """Display text of one figure: '18,161起', '近9萬戶', '8萬餘噸', '5億餘元', '98.66%', '2個月餘'.

    ``decimals`` is the figure's stated precision: a rate stated as 98.60 stays '98.60%'.
    It applies to an unscaled number only (8萬 is written without places).
    """
    number, scale, base = split_scale(value, unit)
    digits = grouped_number(number, None if scale and unit not in SCALED_UNITS else decimals)
    if qualifier == Qualifier.APPROX:
        return f"{APPROX_MARK}{digits}{scale}{base}"
    if qualifier == Qualifier.OVER:
        if scale:
            return f"{digits}{scale}{OVER_MARK}{base}"
        return f"{digits}{base}{OVER_MARK}"
    return f"{digits}{scale}{base}"


#: English for each unit as (one, many). Counting words (起, 個, 件…) read as a bare number in
#: English, the figure's name saying what is counted ("Guns seized: 20"); measures keep a word.
ENGLISH_UNITS = {
    Unit.REN: ("person", "people"),
    Unit.RENCI: ("person-time", "person-times"),
    Unit.JIACI: ("visit", "visits"),
    Unit.CI: ("time", "times"),
    Unit.HU: ("household", "households"),
    Unit.DUN: ("tonne", "tonnes"),
    Unit.MONTHS: ("month", "months"),
    Unit.YUAN: ("yuan", "yuan"),
}

#: The yuan in one unit of a money unit that carries the report's 萬/億.
YUAN_PER_UNIT = {Unit.YUAN: Decimal(1), Unit.WAN_YUAN: WAN, Unit.YI_YUAN: YI}

MILLION = Decimal(1_000_000)
BILLION = Decimal(1_000_000_000)

ENGLISH_QUALIFIERS = {Qualifier.APPROX: "nearly ", Qualifier.OVER: "over "}


def english_unit(unit: str, plural: bool = True) -> str:
    """The English word of ``unit`` ('households'), '' for a counting word that reads as a bare number."""
    one, many = ENGLISH_UNITS.get(unit, ("", ""))
    return many if plural else one


def format_figure_english(
    value: Decimal, unit: str, qualifier: str = Qualifier.EXACT, decimals: int | None = None
) -> str:
    """Display text of one figure in English: 'nearly 90,000 households', 'over 80,000 tonnes',
    '7.9 million yuan', 'over 500 million yuan', '98.66%', '18,161', 'over 2 months'.

    Money is stated in yuan, in millions or billions from a million up, whatever 萬/億 the report used.
    ``decimals`` keeps a rate's or a count's stated places ('98.60%'), as in ``format_figure``.
    """
    prefix = ENGLISH_QUALIFIERS.get(qualifier, "")
    if unit == Unit.PERCENT:
        return f"{prefix}{grouped_number(value, decimals)}%"
    if unit in YUAN_PER_UNIT:
        yuan = value * YUAN_PER_UNIT[unit]
        for size, word in ((BILLION, "billion"), (MILLION, "million")):
            if yuan >= size:
                return f"{prefix}{grouped_number(yuan / size)} {word} yuan"
        return f"{prefix}{grouped_number(yuan)} yuan"
    word = english_unit(unit, plural=value != 1)
    return f"{prefix}{grouped_number(value, decimals)}{' ' + word if word else ''}"


def format_figure_in_language(
    value: Decimal,
    unit: str,
    qualifier: str = Qualifier.EXACT,
    decimals: int | None = None,
    language: str | None = None,
) -> str:
    """``format_figure`` for a page in ``language`` (default: the active one): English words,
    Simplified characters ('近9万户') or the Traditional text as it is."""
    language = current_language(language)
    if language == ENGLISH:
        return format_figure_english(value, unit, qualifier, decimals)
    if language == SIMPLIFIED:
        return to_simplified(format_figure(value, unit, qualifier, decimals))
    return format_figure(value, unit, qualifier, decimals)


def escape(value) -> str:
    """``conditional_escape`` without its lazy-string wrapper: safe text as it is, anything else escaped.

    The same output as Django's ``escape`` (``html.escape`` of ``str(value)``). The
    explorer calls it for every option, attribute and table cell it writes, where the
    wrapper cost more than the escaping.
    """
    if type(value) is str:
        return html.escape(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))
