"""The figure admin: find, correct and audit the report's numbers.

The changelist edits values in place; linked rates are checked across every row
of one save (``metrics.validation``), so a count and its rate can change together.
"""

from django.contrib import admin
from django.forms import BaseModelFormSet
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from metrics.formatting import format_figure
from metrics.models import Figure
from metrics.validation import LinkedRatesFormSetMixin, rate_status
from reports.admin import AuditedAdmin
from reports.models import Section


class SectionListFilter(admin.RelatedFieldListFilter):
    """Sections labelled with their report's year, read in one query."""

    def field_choices(self, field, request, model_admin):
        return [(section.pk, str(section)) for section in Section.objects.select_related("report")]


class FigureChangelistFormSet(LinkedRatesFormSetMixin, BaseModelFormSet):
    """The changelist's editable rows, with linked rates checked across all rows of the save."""


@admin.register(Figure)
class FigureAdmin(AuditedAdmin):
    list_display = (
        "code",
        "name",
        "report_year",
        "section_name",
        "value",
        "qualifier",
        "unit",
        "display_text",
        "provenance",
        "rate_consistency",
    )
    list_editable = ("value", "qualifier")
    list_filter = ("report", ("section", SectionListFilter), "unit", "qualifier")
    # The rate column reads numerator and denominator: joined, so no query per row.
    list_select_related = ("report", "section", "numerator", "denominator")
    search_fields = ("code", "name", "theme", "source_quote")
    autocomplete_fields = ("case", "numerator", "denominator")
    fieldsets = (
        (None, {"fields": ("report", "section", "case", "code", "name", "theme", "headline", "position")}),
        (_("數值"), {"fields": ("value", "unit", "qualifier", "numerator", "denominator")}),
        (_("出處"), {"fields": ("source_paragraph", "source_quote")}),
        (_("修改紀錄"), {"fields": ("change_reason",)}),
    )

    def get_changelist_formset(self, request, **kwargs):
        return super().get_changelist_formset(request, formset=FigureChangelistFormSet, **kwargs)

    @admin.display(description=_("年度"), ordering="report__year")
    def report_year(self, figure):
        return figure.report.year

    @admin.display(description=_("章節"), ordering="section__position")
    def section_name(self, figure):
        return figure.section.get_slug_display()

    @admin.display(description=_("頁面顯示"))
    def display_text(self, figure):
        return format_figure(figure.value, figure.unit, figure.qualifier)

    @admin.display(description=_("出處（段落・原文）"))
    def provenance(self, figure):
        return format_html(
            '{}<br><q lang="zh-Hant">{}</q>',
            _("第 %(n)s 段") % {"n": figure.source_paragraph},
            figure.source_quote,
        )

    @admin.display(description=_("比率核對"))
    def rate_consistency(self, figure):
        return rate_status(figure)
