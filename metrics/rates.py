"""The arithmetic of linked rates and its messages; a leaf module that reads no database.

A linked rate states ``value`` % with ``decimals`` places and links the two counts
it was computed from (``numerator``, ``denominator``). It is consistent when
numerator ÷ denominator × 100, rounded half up to ``decimals`` places, equals
``value`` exactly, and the numerator is never above the denominator: 17918/18161
= 98.6619…% is 98.66%, 17919/18161 = 98.6675…% is 98.67% and does not match a
stated 98.66%. The functions take anything with ``name``, ``value`` and (for the
rate) ``decimals``; ``metrics.models.linked_rate_errors`` finds which rates a save touches.
"""

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from metrics.formatting import plain_number

#: Places shown of the unrounded quotient in messages, beyond the rate's own.
EXTRA_PLACES = 4

NUMERATOR_ABOVE_DENOMINATOR = _("分子不可大於分母：「%(numerator)s」為 %(n)s，大於「%(denominator)s」的 %(d)s。")
ZERO_DENOMINATOR = _("比率無法計算：分母「%(denominator)s」為 0。")
RATE_MISMATCH = _(
    "比率須等於分子 ÷ 分母 × 100 四捨五入到小數 %(decimals)s 位：「%(numerator)s」%(n)s ÷「%(denominator)s」%(d)s"
    " × 100 = %(exact)s%%，四捨五入為 %(expected)s%%，但「%(rate)s」填為 %(stated)s%%。"
)
COUNT_BREAKS_RATE = _(
    "比率須等於分子 ÷ 分母 × 100 四捨五入到小數 %(decimals)s 位：%(changes)s 後為 %(n)s ÷ %(d)s × 100 = %(exact)s%%，"
    "四捨五入為 %(expected)s%%，但「%(rate)s」為 %(stated)s%%。請把分子、分母與比率放在同一次儲存中修改"
    "（數據列表或章節頁），或在修改紀錄中「還原整次儲存」。"
)
COUNT_CHANGED = _("「%(name)s」改為 %(value)s")


def quantum(decimals: int) -> Decimal:
    """The step of a number stated with ``decimals`` places: 2 → 0.01, 0 → 1."""
    return Decimal(1).scaleb(-decimals)


def exact_rate(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """numerator ÷ denominator × 100, unrounded (28 significant digits); None when the denominator is 0."""
    if denominator == 0:
        return None
    return Decimal(numerator) / Decimal(denominator) * 100


def expected_rate(numerator: Decimal, denominator: Decimal, decimals: int = 2) -> Decimal | None:
    """numerator ÷ denominator × 100 rounded half up to ``decimals`` places; None when the denominator is 0."""
    exact = exact_rate(numerator, denominator)
    if exact is None:
        return None
    return exact.quantize(quantum(decimals), rounding=ROUND_HALF_UP)


def rate_matches(stated: Decimal, numerator: Decimal, denominator: Decimal, decimals: int = 2) -> bool:
    """Whether ``stated`` equals numerator ÷ denominator × 100 rounded half up to ``decimals`` places."""
    expected = expected_rate(numerator, denominator, decimals)
    return expected is not None and Decimal(stated) == expected


def percent_text(value: Decimal, decimals: int = 2) -> str:
    """A percentage with the places it is stated with: '98.66', '95.00', '40'."""
    return str(Decimal(value).quantize(quantum(decimals), rounding=ROUND_HALF_UP))


def exact_text(value: Decimal, decimals: int) -> str:
    """An unrounded quotient cut ``EXTRA_PLACES`` past the rate's places, '…' marking the cut: '98.667565…'."""
    cut = value.quantize(quantum(decimals + EXTRA_PLACES), rounding=ROUND_DOWN)
    return plain_number(cut) + ("…" if cut != value else "")


def rate_status(figure) -> str:
    """'✓ 一致', '✗ 17918/18161 = 98.66% ≠ 95.00%', or '—' when the figure is not a linked rate.

    Reads ``figure.numerator`` and ``figure.denominator``: join them (select_related)
    when showing the status of many figures.
    """
    if not figure.is_linked_rate:
        return "—"
    numerator, denominator, decimals = figure.numerator.value, figure.denominator.value, figure.decimals
    if rate_matches(figure.value, numerator, denominator, decimals):
        return str(_("✓ 一致"))
    expected = expected_rate(numerator, denominator, decimals)
    computed = "—" if expected is None else f"{expected}%"
    stated = percent_text(figure.value, decimals)
    return f"✗ {plain_number(numerator)}/{plain_number(denominator)} = {computed} ≠ {stated}%"


def rate_error(rate, numerator, denominator, changed_counts: list) -> str | None:
    """The message for one linked rate, or None when it is consistent.

    ``changed_counts`` are the edited counts of a rate that was not edited itself
    (empty when the rate was): the message then names their new values.
    """
    names = {"numerator": numerator.name, "denominator": denominator.name}
    n, d = Decimal(numerator.value), Decimal(denominator.value)
    if n > d:
        return NUMERATOR_ABOVE_DENOMINATOR % {**names, "n": plain_number(n), "d": plain_number(d)}
    exact = exact_rate(n, d)
    if exact is None:
        return ZERO_DENOMINATOR % names
    decimals = rate.decimals
    if rate_matches(rate.value, n, d, decimals):
        return None
    numbers = {
        "rate": rate.name,
        "decimals": decimals,
        "n": plain_number(n),
        "d": plain_number(d),
        "exact": exact_text(exact, decimals),
        "expected": expected_rate(n, d, decimals),
        "stated": percent_text(rate.value, decimals),
    }
    if changed_counts:
        changes = "、".join(
            COUNT_CHANGED % {"name": count.name, "value": plain_number(Decimal(count.value))}
            for count in changed_counts
        )
        return COUNT_BREAKS_RATE % {**numbers, "changes": changes}
    return RATE_MISMATCH % {**names, **numbers}
