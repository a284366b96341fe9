"""The arithmetic of linked rates and its messages; a leaf module that reads no database.

A linked rate states ``value`` % and links the two counts it was computed from
(``numerator``, ``denominator``). It is consistent when ``value`` equals
numerator ÷ denominator × 100 within ``RATE_TOLERANCE`` percentage points, and
the numerator is never above the denominator. The functions take anything with
``name`` and ``value`` (figures, saved or not); ``metrics.models.linked_rate_errors``
finds which rates a save touches.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from metrics.formatting import plain_number

#: How far a stated rate may sit from numerator ÷ denominator, in percentage points.
RATE_TOLERANCE = Decimal("0.01")

HUNDREDTH = Decimal("0.01")

NUMERATOR_ABOVE_DENOMINATOR = _("分子不可大於分母：「%(numerator)s」為 %(n)s，大於「%(denominator)s」的 %(d)s。")
ZERO_DENOMINATOR = _("比率無法計算：分母「%(denominator)s」為 0。")
RATE_MISMATCH = _(
    "比率須等於分子 ÷ 分母：「%(numerator)s」%(n)s ÷「%(denominator)s」%(d)s = %(expected)s%%，"
    "但「%(rate)s」填為 %(stated)s%%（容許誤差 %(tolerance)s 個百分點）。"
)
COUNT_BREAKS_RATE = _(
    "比率須等於分子 ÷ 分母：%(changes)s 後，「%(rate)s」應為 %(expected)s%%，"
    "但報告所載為 %(stated)s%%；請在同一次儲存中一併更新比率。"
)
COUNT_CHANGED = _("「%(name)s」改為 %(value)s")


def expected_rate(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """numerator ÷ denominator × 100, unrounded; None when the denominator is 0."""
    if denominator == 0:
        return None
    return Decimal(numerator) / Decimal(denominator) * 100


def rate_matches(stated: Decimal, numerator: Decimal, denominator: Decimal) -> bool:
    """Whether a stated percentage equals numerator ÷ denominator within RATE_TOLERANCE."""
    expected = expected_rate(numerator, denominator)
    return expected is not None and abs(Decimal(stated) - expected) <= RATE_TOLERANCE


def percent_text(value: Decimal) -> str:
    """A percentage to two places, as rates are stated: '98.66', '95.00'."""
    return str(Decimal(value).quantize(HUNDREDTH, rounding=ROUND_HALF_UP))


def rate_status(figure) -> str:
    """'✓ 一致', '✗ 17918/18161 = 98.66% ≠ 95.00%', or '—' when the figure is not a linked rate.

    Reads ``figure.numerator`` and ``figure.denominator``: join them (select_related)
    when showing the status of many figures.
    """
    if not figure.is_linked_rate:
        return "—"
    numerator, denominator = figure.numerator.value, figure.denominator.value
    if rate_matches(figure.value, numerator, denominator):
        return str(_("✓ 一致"))
    expected = expected_rate(numerator, denominator)
    computed = "—" if expected is None else f"{percent_text(expected)}%"
    return f"✗ {plain_number(numerator)}/{plain_number(denominator)} = {computed} ≠ {percent_text(figure.value)}%"


def rate_error(rate, numerator, denominator, changed_counts: list) -> str | None:
    """The message for one linked rate, or None when it is consistent.

    ``changed_counts`` are the edited counts of a rate that was not edited itself
    (empty when the rate was): the message then names their new values.
    """
    names = {"numerator": numerator.name, "denominator": denominator.name}
    n, d = Decimal(numerator.value), Decimal(denominator.value)
    if n > d:
        return NUMERATOR_ABOVE_DENOMINATOR % {**names, "n": plain_number(n), "d": plain_number(d)}
    expected = expected_rate(n, d)
    if expected is None:
        return ZERO_DENOMINATOR % names
    if rate_matches(rate.value, n, d):
        return None
    numbers = {"rate": rate.name, "expected": percent_text(expected), "stated": percent_text(rate.value)}
    if changed_counts:
        changes = "、".join(
            COUNT_CHANGED % {"name": count.name, "value": plain_number(Decimal(count.value))}
            for count in changed_counts
        )
        return COUNT_BREAKS_RATE % {**numbers, "changes": changes}
    return RATE_MISMATCH % {
        **names,
        **numbers,
        "n": plain_number(n),
        "d": plain_number(d),
        "tolerance": plain_number(RATE_TOLERANCE),
    }
