"""The base of every audited admin: who changed what, when and why, with history and revert pages.

Audited models use django-simple-history. A save through an ``AuditedAdmin``
records the acting user (from the request), the editor's optional 修改原因 and
one change-set id on every history row of the save: the object and what is saved
inline with it. A row saved from a changelist's editable columns is marked as a
list edit. Every form is versioned (``common.versioning``): a stale save is refused.
"""

from django.contrib import messages
from django.db import router, transaction
from django.http import HttpResponseRedirect
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from common.forms import BoundedInlineFormSet, ChangeReasonForm
from common.versioning import StaleVersion, VersionedForm, new_change_set

#: The change reason of rows saved from a changelist's editable columns, which have no reason field.
LIST_EDIT_REASON = _("在列表中直接修改")

#: When another save lands between validation and writing (possible only where rows cannot be locked).
STALE_AT_SAVE = _("儲存時發現「%(object)s」剛被他人修改，這次儲存沒有寫入：請重新載入頁面，核對後再修改。")


def boolean_icon(value) -> str:
    """The admin's yes/no/unknown icon with its alt text in the page's language (Django's own says True/False)."""
    icon, alt = {True: ("yes", _("是")), False: ("no", _("否")), None: ("unknown", _("不明"))}[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), alt)


def change_set_for(request):
    """The change-set id of this request's save: every history row it writes shares it."""
    if not hasattr(request, "_change_set"):
        request._change_set = new_change_set()
    return request._change_set


class VersionedInlineMixin:
    """An inline whose rows carry their version, so a stale row is refused like a stale form."""

    form = VersionedForm


class BoundedInlineMixin:
    """An inline of at most ``max_num`` rows, which the subclass sets: the admin offers no row past it and
    a POST claiming more is refused before any row is built (``common.forms.BoundedFormSetMixin``).

    A formset of its own must build on ``BoundedFormSetMixin`` too.
    """

    formset = BoundedInlineFormSet

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, **{"absolute_max": self.get_max_num(request, obj), **kwargs})


class AuditedAdmin(SimpleHistoryAdmin):
    """Admin of an audited, versioned model, with simple-history's history and revert pages.

    Every POST runs in one transaction: row locks taken while validating (the version
    check, linked rates) hold until the save is written. Django wraps the change form
    already; the list's editable rows and the history revert form are wrapped here.
    """

    form = ChangeReasonForm

    def refuse_stale(self, request, error: StaleVersion):
        """The answer when the conditional UPDATE found a newer row: nothing was written (the
        transaction rolled back); the editor reloads. Forms normally catch this first, under a row lock."""
        self.message_user(request, STALE_AT_SAVE % {"object": error.obj}, messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleVersion as error:
            return self.refuse_stale(request, error)

    def get_changelist_formset(self, request, **kwargs):
        """Editable rows: at most a page's, the longest page being "show all" (``list_max_show_all``).

        A POST claiming more gets Django's "at most" error over the page's rows. Building that many
        three-field rows is cheap, and only the page's rows are drawn, so no short cut is needed here.
        """
        rows = max(self.list_per_page, self.list_max_show_all)
        return super().get_changelist_formset(request, **({"max_num": rows, "absolute_max": rows} | kwargs))

    def changelist_view(self, request, extra_context=None):
        if request.method != "POST":
            return super().changelist_view(request, extra_context)
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super().changelist_view(request, extra_context)
        except StaleVersion as error:
            return self.refuse_stale(request, error)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "POST":
            return super().history_form_view(request, object_id, version_id, extra_context)
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super().history_form_view(request, object_id, version_id, extra_context)
        except StaleVersion as error:
            return self.refuse_stale(request, error)

    @staticmethod
    def reason_for(form) -> str | None:
        """The reason to record for a save through ``form``."""
        if "change_reason" not in form.fields:
            return str(LIST_EDIT_REASON)
        return form.cleaned_data["change_reason"] or None

    def save_model(self, request, obj, form, change):
        obj._change_reason = self.reason_for(form)
        obj._change_set = change_set_for(request)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        reason, change_set = self.reason_for(form), change_set_for(request)
        for inline_form in formset.forms:
            inline_form.instance._change_reason = reason
            inline_form.instance._change_set = change_set
        super().save_formset(request, form, formset, change)

    def history_view_title(self, request, obj):
        return _("修改紀錄：%(object)s") % {"object": obj}

    def history_form_view_title(self, request, obj):
        return _("還原到舊版本：%(object)s") % {"object": obj}
