"""Admin forms of figures: one save locks its linked set, checks versions, then checks linked rates.

A count and its rate are consistent only together, so every figure save (the change
form, the list's editable rows, a section's inline rows, a change-set revert) goes
through ``check_figure_save``: it locks the edited figures and every figure linked to
them through a rate in one pk-ordered ``SELECT … FOR UPDATE``, refuses rows whose
version is stale, and checks the rates against the locked values. Two editors
changing the numerator and the denominator of one rate at once are serialized and
the second is checked against the first's saved value.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet, BaseModelFormSet

from common.forms import BoundedFormSetMixin, ChangeReasonForm
from common.versioning import VersionedForm
from metrics.formatting import stated
from metrics.models import linked_rate_errors
from metrics.review import REVIEWED_FIELDS, needs_review, pending_problems
from metrics.services import lock_linked_figures


def check_figure_save(forms, *, deleted=(), data=None) -> list[str]:
    """Lock the linked set of the figures ``forms`` edit, then check versions and linked rates.

    Returns the messages that refuse the save, empty when it may go on. ``forms`` have
    been cleaned (their instances carry the submitted values). On a version conflict
    the stale forms are re-based on the stored rows (in ``data`` when given) and the
    rates are not checked: their values are about to change.
    """
    forms = list(forms)
    edited = [form.instance for form in forms]
    stored = lock_linked_figures(edited=edited, deleted=deleted)
    problems = []
    for form in forms:
        if form.instance.pk is not None:
            problems += form.version_problems(stored.get(form.instance.pk), data)
    if problems:
        return problems
    # A published figure with a proposal awaiting approval takes no other change of its reviewed fields meanwhile.
    reviewed = [
        form.instance
        for form in forms
        if set(form.changed_data) & set(REVIEWED_FIELDS) and needs_review(form.instance, form.changed_data)
    ]
    if problems := pending_problems(reviewed):
        return problems
    return linked_rate_errors(edited, deleted=deleted, stored=stored)


class FigureFormMixin:
    """A figure's form: numbers shown with the places the report states them; rates and versions checked per save."""

    version_check_deferred = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.rate_check_deferred = True
        if self.instance.pk is not None and self.instance.decimals is not None:
            for name in ("value", "stated_value"):
                if name in self.fields and getattr(self.instance, name) is not None:
                    self.initial[name] = stated(Decimal(getattr(self.instance, name)), self.instance.decimals)

    def stored_initial(self, stored) -> dict:
        values = super().stored_initial(stored)
        for name in ("value", "stated_value"):
            if values.get(name) is not None:
                values[name] = stated(Decimal(values[name]), stored.decimals)
        return values


class FigureForm(FigureFormMixin, ChangeReasonForm):
    """The figure change form: its save is checked on its own by ``check_figure_save``."""

    def _post_clean(self):
        super()._post_clean()
        if not self._errors:
            for message in check_figure_save([self]):
                self.add_error(None, message)


class FigureRowForm(FigureFormMixin, VersionedForm):
    """A figure row of the list's editable rows or a section's inline rows: the formset checks the rows together."""


class LinkedRatesFormSetMixin:
    """For model formsets of figures: check versions and linked rates across every changed row of one save.

    Each row's ``Figure.clean()`` skips the rate check (``rate_check_deferred``) and
    each row skips its own version check; ``clean()`` runs ``check_figure_save`` over
    the changed rows with their submitted values. Its messages become the formset's
    non-form errors and nothing is saved. Rows the editor did not change are not
    written, whatever changed in the database since the page was loaded.
    """

    def clean(self):
        super().clean()
        deleting = [form for form in self.forms if self.can_delete and form.cleaned_data.get("DELETE")]
        changed = [form for form in self.forms if form not in deleting and form.has_changed() and form.is_valid()]
        if not changed and not deleting:
            return
        self.data = self.data.copy()
        problems = check_figure_save(
            changed, deleted={form.instance.pk for form in deleting if form.instance.pk}, data=self.data
        )
        if problems:
            raise ValidationError(problems)


class FigureChangelistFormSet(LinkedRatesFormSetMixin, BaseModelFormSet):
    """The figure changelist's editable rows."""


class SectionFiguresFormSet(BoundedFormSetMixin, LinkedRatesFormSetMixin, BaseInlineFormSet):
    """A section's figures edited inline on the section's change form."""

    def add_fields(self, form, index):
        """A figure added under a section belongs to that section's report."""
        super().add_fields(form, index)
        form.instance.report_id = self.instance.report_id
