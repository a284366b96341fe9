"""The base of every audited admin: who changed what, when and why, with history and revert pages.

Audited models use django-simple-history. A save through an ``AuditedAdmin``
records the acting user (from the request) and the editor's optional 修改原因
on every history row of the save: the object and what is saved inline with it.
A row saved from a changelist's editable columns is marked as a list edit.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

#: The change reason of rows saved from a changelist's editable columns, which have no reason field.
LIST_EDIT_REASON = _("在列表中直接修改")


class ChangeReasonForm(forms.ModelForm):
    """An audited model's admin form plus the reason stored with the history rows of the save."""

    change_reason = forms.CharField(
        label=_("修改原因"),
        required=False,
        max_length=100,
        help_text=_("選填；會與這次修改一起記入修改紀錄。"),
    )


class AuditedAdmin(SimpleHistoryAdmin):
    """Admin of an audited model, with simple-history's history and revert pages."""

    form = ChangeReasonForm

    @staticmethod
    def reason_for(form) -> str | None:
        """The reason to record for a save through ``form``."""
        if "change_reason" not in form.fields:
            return str(LIST_EDIT_REASON)
        return form.cleaned_data["change_reason"] or None

    def save_model(self, request, obj, form, change):
        obj._change_reason = self.reason_for(form)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        reason = self.reason_for(form)
        for inline_form in formset.forms:
            inline_form.instance._change_reason = reason
        super().save_formset(request, form, formset, change)

    def history_view_title(self, request, obj):
        return _("修改紀錄：%(object)s") % {"object": obj}

    def history_form_view_title(self, request, obj):
        return _("還原到舊版本：%(object)s") % {"object": obj}
