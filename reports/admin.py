"""The editors' admin for the report as a document, and the audit-trail base every audited admin uses.

Report, Section and NotableCase (and Figure, in ``metrics.admin``) are audited with
django-simple-history: every save through the admin records who, when, the values
and the optional 修改原因; the history page shows what changed and can revert.
"""

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.forms import BaseInlineFormSet
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from metrics.formatting import plain_number
from metrics.models import Figure
from metrics.validation import LinkedRatesFormSetMixin
from reports.models import NamedItem, NotableCase, Report, Section

admin.site.site_header = _("萬州區公安局工作報告管理後台")
admin.site.site_title = _("萬州區公安局工作報告")
admin.site.index_title = _("報告、章節與數據管理")

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


class PlainNumberHistoryHelper(HistoricalRecordContextHelper):
    """History diffs show numbers as exports do: 17918 → 17920, not 17918.00 → 17920.00."""

    def prepare_delta_change_value(self, change, value):
        if isinstance(value, Decimal):
            return plain_number(value)
        return super().prepare_delta_change_value(change, value)


class AdminLoginRedirectMixin:
    """Anonymous visitors of this admin's pages go to the admin login, not the portal's.

    LoginRequiredMiddleware redirects to a view's ``login_url``; Django sets it on the
    AdminSite's own views (index, app index) but not on a ModelAdmin's.
    """

    def get_urls(self):
        urls = super().get_urls()
        for pattern in urls:
            pattern.callback.login_url = reverse_lazy("admin:login", current_app=self.admin_site.name)
        return urls


class AuditedAdmin(AdminLoginRedirectMixin, SimpleHistoryAdmin):
    """Admin of an audited model, with simple-history's history and revert pages.

    The form's 修改原因 becomes the change reason of every history row of the save
    (the object and what is saved inline with it); a row saved from the changelist's
    editable columns is marked as a list edit. The user comes from the request.
    """

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

    def get_historical_record_context_helper(self, request, historical_record):
        return PlainNumberHistoryHelper(self.model, historical_record)

    def history_view_title(self, request, obj):
        return _("修改紀錄：%(object)s") % {"object": obj}

    def history_form_view_title(self, request, obj):
        return _("還原到舊版本：%(object)s") % {"object": obj}


class SectionInline(admin.TabularInline):
    model = Section
    fields = ("position", "slug", "heading", "source_paragraph")
    extra = 0
    show_change_link = True


@admin.register(Report)
class ReportAdmin(AuditedAdmin):
    list_display = ("year", "title", "agency", "byline", "source_name")
    list_filter = ("agency",)
    search_fields = ("title", "agency", "byline", "summary")
    inlines = [SectionInline]


class FigureInlineFormSet(LinkedRatesFormSetMixin, BaseInlineFormSet):
    """A section's figures, with linked rates checked across all rows of the save."""

    def _construct_form(self, i, **kwargs):
        """A figure added under a section belongs to that section's report."""
        form = super()._construct_form(i, **kwargs)
        form.instance.report_id = self.instance.report_id
        return form


class FigureInline(admin.TabularInline):
    model = Figure
    formset = FigureInlineFormSet
    fields = (
        "position",
        "code",
        "name",
        "theme",
        "value",
        "unit",
        "qualifier",
        "numerator",
        "denominator",
        "case",
        "headline",
        "source_paragraph",
        "source_quote",
    )
    autocomplete_fields = ("numerator", "denominator", "case")
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        """Rows are labelled with ``Figure.__str__``, which reads the report."""
        return super().get_queryset(request).select_related("report")


class NotableCaseInline(admin.StackedInline):
    model = NotableCase
    fields = ("position", "title", "month", "summary", "source_paragraph")
    extra = 0
    show_change_link = True


class NamedItemInline(admin.TabularInline):
    model = NamedItem
    fields = ("kind", "position", "name", "source_paragraph")
    extra = 0


@admin.register(Section)
class SectionAdmin(AuditedAdmin):
    list_display = ("heading", "report", "slug", "position", "source_paragraph")
    list_filter = ("report", "slug")
    list_select_related = ("report",)
    search_fields = ("heading", "summary")
    inlines = [FigureInline, NotableCaseInline, NamedItemInline]


@admin.register(NotableCase)
class NotableCaseAdmin(AuditedAdmin):
    list_display = ("title", "section", "month", "source_paragraph")
    list_filter = ("section__report", "section__slug", "month")
    list_select_related = ("section__report",)
    search_fields = ("title", "summary")


@admin.register(NamedItem)
class NamedItemAdmin(AdminLoginRedirectMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "section", "position", "source_paragraph")
    list_filter = ("kind", "section__report", "section__slug")
    list_select_related = ("section__report",)
    search_fields = ("name",)


class PortalUserAdmin(AdminLoginRedirectMixin, UserAdmin):
    """Django's user admin (superusers only), with the admin login for anonymous visitors."""


class PortalGroupAdmin(AdminLoginRedirectMixin, GroupAdmin):
    """Django's group admin (superusers only), with the admin login for anonymous visitors."""


admin.site.unregister(User)
admin.site.register(User, PortalUserAdmin)
admin.site.unregister(Group)
admin.site.register(Group, PortalGroupAdmin)
