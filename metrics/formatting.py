"""The one place where a figure's number becomes text.

Two forms exist: ``plain_number`` for machines (exports: no separators, no
trailing zeros) and ``format_figure`` for people (pages and charts: thousands
separators, 萬/億 as the report writes them, qualifier and unit attached).

A ``unit`` argument is a ``metrics.models.Unit`` row, or anything with its attributes
(``UnitForms``): how the unit is written in each language, its kind and, for money,
its yuan. Plain text is read as ``UnitForms(text)``: the unit as written, counting whole
things, percent for '%', with no English word (an English page then shows the number
alone). Nothing here reads the database.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Func, TextField

from common.languages import ENGLISH, SIMPLIFIED, current_language, to_simplified
from metrics.choices import Qualifier, Unit, UnitKind

WAN = Decimal(10_000)
YI = Decimal(100_000_000)

#: The report's multipliers: a money unit whose yuan is one of these and whose text starts
#: with its character (萬元, 億元) already carries it, and the number is shown as stored.
SCALE_WORDS = {WAN: "萬", YI: "億"}

#: Kinds whose values are never written with 萬/億 (98.66%, 1.2個百分點).
UNSCALED_KINDS = frozenset({UnitKind.PERCENT, UnitKind.POINTS})


@dataclass(frozen=True)
class UnitForms:
    """A unit's forms, as the ``metrics.models.Unit`` row holds them (see the module docstring)."""

    code: str
    simplified: str = ""
    name_en: str = ""
    english_one: str = ""
    english_many: str = ""
    kind: str = UnitKind.COUNT
    yuan: Decimal | None = None
    fractional: bool = False


def unit_forms(unit) -> UnitForms:
    """``unit`` itself when it is a row or ``UnitForms``; plain text read as the module docstring says."""
    if isinstance(unit, str):
        percent = unit == Unit.PERCENT
        return UnitForms(unit, kind=UnitKind.PERCENT if percent else UnitKind.COUNT, fractional=percent)
    return unit


def unit_code(unit) -> str:
    """The unit as the report writes it: '起', '萬元', '%'."""
    return unit if isinstance(unit, str) else unit.code


def unit_label(unit, language: str | None = None) -> str:
    """The unit named on its own in ``language`` (default: the active one): '起', '个', 'cases';
    English falls back to the Chinese where the unit has no English name."""
    forms = unit_forms(unit)
    language = current_language(language)
    if language == ENGLISH:
        return forms.name_en or forms.code
    if language == SIMPLIFIED:
        return forms.simplified or to_simplified(forms.code)
    return forms.code


def is_points_kind(unit) -> bool:
    """Whether a change between two values of ``unit`` is in percentage points (% and 個百分點)."""
    return unit_forms(unit).kind in UNSCALED_KINDS


def money_scale(unit) -> tuple[str, str] | None:
    """(萬/億, base unit) of a money unit that carries the report's multiplier: 萬元 → (萬, 元); else None."""
    forms = unit_forms(unit)
    if forms.kind != UnitKind.MONEY or forms.yuan is None:
        return None
    word = SCALE_WORDS.get(Decimal(forms.yuan))
    if word and forms.code.startswith(word) and len(forms.code) > 1:
        return word, forms.code[len(word) :]
    return None


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


def split_scale(value: Decimal, unit) -> tuple[Decimal, str, str]:
    """Split a value into (number, 萬/億 multiplier, base unit) the way the report writes it.

    Money units keep their own multiplier (790萬元 → 790, 萬, 元). A plain unit
    takes 萬 or 億 only when the value is a whole multiple of it, as the report's
    round figures are (80000 噸 → 8, 萬, 噸); 18161 起 stays as it is.
    """
    if scaled := money_scale(unit):
        scale, base = scaled
        return value, scale, base
    code = unit_code(unit)
    if unit_forms(unit).kind not in UNSCALED_KINDS and value > 0:
        if value % YI == 0:
            return value / YI, "億", code
        if value % WAN == 0:
            return value / WAN, "萬", code
    return value, "", code


def format_figure(value: Decimal, unit, qualifier: str = Qualifier.EXACT, decimals: int | None = None) -> str:
    """Display text of one figure: '18,161起', '近9萬戶', '8萬餘噸', '5億餘元', '98.66%', '2個月餘'.

    ``decimals`` is the figure's stated precision: a rate stated as 98.60 stays '98.60%'.
    It applies to an unscaled number only (8萬 is written without places).
    """
    number, scale, base = split_scale(value, unit)
    digits = grouped_number(number, None if scale and money_scale(unit) is None else decimals)
    if qualifier == Qualifier.APPROX:
        return f"{APPROX_MARK}{digits}{scale}{base}"
    if qualifier == Qualifier.OVER:
        if scale:
            return f"{digits}{scale}{OVER_MARK}{base}"
        return f"{digits}{base}{OVER_MARK}"
    return f"{digits}{scale}{base}"


MILLION = Decimal(1_000_000)
BILLION = Decimal(1_000_000_000)

ENGLISH_QUALIFIERS = {Qualifier.APPROX: "nearly ", Qualifier.OVER: "over "}


def english_unit(unit, plural: bool = True) -> str:
    """The English word of ``unit`` ('households'), '' for a unit without one, which reads as a bare number."""
    forms = unit_forms(unit)
    return forms.english_many if plural else forms.english_one


def yuan_per_unit(unit) -> Decimal | None:
    """The yuan in one of a money unit (元 1, 萬元 10000), None for any other unit."""
    forms = unit_forms(unit)
    return Decimal(forms.yuan) if forms.kind == UnitKind.MONEY and forms.yuan is not None else None


def format_figure_english(value: Decimal, unit, qualifier: str = Qualifier.EXACT, decimals: int | None = None) -> str:
    """Display text of one figure in English: 'nearly 90,000 households', 'over 80,000 tonnes',
    '7.9 million yuan', 'over 500 million yuan', '98.66%', '18,161', 'over 2 months'.

    Money is stated in yuan, in millions or billions from a million up, whatever 萬/億 the report used.
    ``decimals`` keeps a rate's or a count's stated places ('98.60%'), as in ``format_figure``.
    """
    prefix = ENGLISH_QUALIFIERS.get(qualifier, "")
    if unit_forms(unit).kind == UnitKind.PERCENT:
        return f"{prefix}{grouped_number(value, decimals)}%"
    if (per_unit := yuan_per_unit(unit)) is not None:
        yuan = value * per_unit
        for size, word in ((BILLION, "billion"), (MILLION, "million")):
            if yuan >= size:
                return f"{prefix}{grouped_number(yuan / size)} {word} yuan"
        return f"{prefix}{grouped_number(yuan)} yuan"
    word = english_unit(unit, plural=value != 1)
    return f"{prefix}{grouped_number(value, decimals)}{' ' + word if word else ''}"


def format_figure_in_language(
    value: Decimal,
    unit,
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
