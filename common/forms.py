"""The form every audited admin form builds on (versioned, with the reason recorded in the history),
and the formsets whose size a POST cannot inflate."""

from django import forms
from django.forms.formsets import TOTAL_FORM_COUNT
from django.utils.translation import gettext_lazy as _

from common.versioning import VersionedForm


class ChangeReasonForm(VersionedForm):
    """An audited model's admin form plus the reason stored with the history rows of the save.

    Versioned: a save based on a version older than the stored one is refused (``common.versioning``).
    """

    change_reason = forms.CharField(
        label=_("修改原因"),
        required=False,
        max_length=100,
        help_text=_("選填；會與這次修改一起記入修改紀錄。"),
    )


class BoundedFormSetMixin:
    """A formset that refuses a POST claiming more than ``absolute_max`` rows before building any row.

    Django answers such a POST with its "at most ``max_num`` forms" non-form error too, but only after
    building and cleaning ``absolute_max`` forms, which the admin then renders again (2000 figure rows,
    Django's default: 33 s and a 27 MB page). Here a bound formset whose TOTAL_FORMS exceeds
    ``absolute_max`` has no forms, as Django treats a tampered management form: the refusal costs what
    an empty formset does and nothing is saved. The factory must be given ``max_num`` and ``absolute_max``.
    """

    def total_form_count(self):
        if self.is_bound and self.management_form.cleaned_data[TOTAL_FORM_COUNT] > self.absolute_max:
            return 0
        return super().total_form_count()


class BoundedInlineFormSet(BoundedFormSetMixin, forms.BaseInlineFormSet):
    """The admin inlines' formset (``common.admin.BoundedInlineMixin``)."""
