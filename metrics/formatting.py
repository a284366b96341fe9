"""The one place where a figure's number becomes text.

Two forms exist: ``plain_number`` for machines (exports: no separators, no
trailing zeros) and ``format_figure`` for people (pages and charts: thousands
separators, 萬/億 as the report writes them, qualifier and unit attached).
"""

from decimal import Decimal

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
