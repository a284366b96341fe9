"""The form every audited admin form builds on: versioned, with the reason recorded in the history."""

from django import forms
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
