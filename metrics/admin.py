"""The admin of the numbers: the figure list and form, and the section form with its figures inline.

The changelist edits values in place; linked rates are checked across every row
of one save (``metrics.forms``), so a count and its rate can change together.
The section admin lives here rather than in ``reports.admin`` because its form
edits the section's figures, and ``reports`` never imports ``metrics``.
"""

from decimal import Decimal

from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _
from simple_history.template_utils import HistoricalRecordContextHelper

from common.admin import AuditedAdmin
from metrics.formatting import format_figure, plain_number
from metrics.forms import FigureChangelistFormSet, SectionFiguresFormSet
from metrics.import_admin import import_report_view
from metrics.models import Figure
from metrics.rates import rate_status
from metrics.tables import provenance_html
from reports.models import NamedItem, NotableCase, Section


class PlainNumberHistoryHelper(HistoricalRecordContextHelper):
    """History diffs show numbers as exports do: 17918 → 17920, not 17918.00 → 17920.00."""

    def prepare_delta_change_value(self, change, value):
        if isinstance(value, Decimal):
            return plain_number(value)
        return super().prepare_delta_change_value(change, value)


class SectionListFilter(admin.RelatedFieldListFilter):
    """Sections labelled with their report's year, read in one query."""

    def field_choices(self, field, request, model_admin):
        return [(section.pk, str(section)) for section in Section.objects.select_related("report")]


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
    ordering = ("report__year", "section__position", "position", "pk")
    search_fields = ("code", "name", "theme", "source_quote")
    autocomplete_fields = ("case", "numerator", "denominator")
    fieldsets = (
        (None, {"fields": ("report", "section", "case", "code", "name", "theme", "headline", "position")}),
        (_("數值"), {"fields": ("value", "unit", "qualifier", "numerator", "denominator")}),
        (_("出處"), {"fields": ("source_paragraph", "source_quote")}),
        (_("修改紀錄"), {"fields": ("change_reason",)}),
    )

    def get_urls(self):
        view = self.admin_site.admin_view(lambda request: import_report_view(self, request))
        return [path("import/", view, name="metrics_figure_import"), *super().get_urls()]

    def get_changelist_formset(self, request, **kwargs):
        return super().get_changelist_formset(request, formset=FigureChangelistFormSet, **kwargs)

    def get_historical_record_context_helper(self, request, historical_record):
        return PlainNumberHistoryHelper(self.model, historical_record)

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
        return provenance_html(figure)

    @admin.display(description=_("比率核對"))
    def rate_consistency(self, figure):
        return rate_status(figure)


class FigureInline(admin.TabularInline):
    model = Figure
    formset = SectionFiguresFormSet
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
