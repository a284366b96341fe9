"""Admin formsets of figures that check linked rates across every row of one save."""

from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet, BaseModelFormSet

from metrics.models import linked_rate_errors


class LinkedRatesFormSetMixin:
    """For model formsets of figures: check linked rates across every row of one save.

    A count and its rate edited in the same save are consistent only together, so
    each row's ``Figure.clean()`` skips the rate check (``rate_check_deferred``) and
    ``clean()`` runs ``linked_rate_errors`` over the changed rows with their submitted
    values; its messages become the formset's non-form errors and nothing is saved.
    """

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.instance.rate_check_deferred = True

    def clean(self):
        super().clean()
        deleting = [form for form in self.forms if self.can_delete and form.cleaned_data.get("DELETE")]
        changed = [
            form.instance for form in self.forms if form not in deleting and form.has_changed() and form.is_valid()
        ]
        errors = linked_rate_errors(changed, deleted={form.instance.pk for form in deleting if form.instance.pk})
        if errors:
            raise ValidationError(errors)


class FigureChangelistFormSet(LinkedRatesFormSetMixin, BaseModelFormSet):
    """The figure changelist's editable rows."""


class SectionFiguresFormSet(LinkedRatesFormSetMixin, BaseInlineFormSet):
    """A section's figures edited inline on the section's change form."""

    def add_fields(self, form, index):
        """A figure added under a section belongs to that section's report."""
        super().add_fields(form, index)
        form.instance.report_id = self.instance.report_id
