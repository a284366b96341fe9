"""Linked rates: the one place their arithmetic and their cross-figure rules live.

A linked rate states ``value`` % and links the two counts it was computed from
(``numerator``, ``denominator``). It is consistent when ``value`` equals
numerator ÷ denominator × 100 within ``RATE_TOLERANCE`` percentage points, and
the numerator is never above the denominator. ``Figure.clean()`` checks one
figure against the stored values of the others; admin formsets check all rows
of one save together (``LinkedRatesFormSetMixin``); the admin's status column
shows ``rate_status``.
"""

from collections.abc import Collection, Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from metrics.formatting import plain_number
from metrics.models import RATE_TOLERANCE, Figure

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


def rate_status(figure: Figure) -> str:
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


def rate_errors(edited: Iterable[Figure], *, deleted: Collection[int] = ()) -> list[str]:
    """Messages for every linked rate that the edited figures, with their unsaved values, break.

    ``edited`` are the figures changed in one save. Their current values win over the
    stored ones, so a count and its rate edited together are checked together. Checked
    are the edited figures that are linked rates and the stored rates (except ``deleted``
    pks) linked to an edited figure. A rate that was not edited gets the message naming
    the counts that changed; an edited rate gets the message naming its stated value.
    """
    edited = list(edited)
    by_pk = {figure.pk: figure for figure in edited if figure.pk is not None}
    to_check = [(figure, True) for figure in edited if figure.is_linked_rate]
    if by_pk:
        linked_to_edited = Figure.objects.filter(Q(numerator__in=by_pk) | Q(denominator__in=by_pk)).exclude(
            pk__in=[*by_pk, *deleted]
        )
        to_check += [(rate, False) for rate in linked_to_edited]
    linked_pks = {pk for rate, _rate_edited in to_check for pk in (rate.numerator_id, rate.denominator_id)}
    figures = {**Figure.objects.in_bulk(linked_pks - by_pk.keys()), **by_pk}

    errors = []
    for rate, rate_edited in to_check:
        numerator, denominator = figures.get(rate.numerator_id), figures.get(rate.denominator_id)
        if numerator is None or denominator is None:
            continue
        changed_counts = [] if rate_edited else [count for count in (numerator, denominator) if count.pk in by_pk]
        if message := _rate_error(rate, numerator, denominator, changed_counts):
            errors.append(message)
    return errors


def _rate_error(rate: Figure, numerator: Figure, denominator: Figure, changed_counts: list[Figure]) -> str | None:
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


class LinkedRatesFormSetMixin:
    """For model formsets of figures: check linked rates across every row of one save.

    A count and its rate edited in the same save are consistent only together, so
    each row's ``Figure.clean()`` skips the rate check (``rate_check_deferred``) and
    ``clean()`` runs ``rate_errors`` over the changed rows with their submitted values;
    its messages become the formset's non-form errors and nothing is saved.
    """

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.instance.rate_check_deferred = True
        return form

    def clean(self):
        super().clean()
        deleting = [form for form in self.forms if self.can_delete and self._should_delete_form(form)]
        changed = [
            form.instance for form in self.forms if form not in deleting and form.has_changed() and form.is_valid()
        ]
        errors = rate_errors(changed, deleted={form.instance.pk for form in deleting if form.instance.pk})
        if errors:
            raise ValidationError(errors)
