"""The editors' admin for the report as a document: reports, notable cases and named lists.

Every form and inline row is versioned (``common.versioning``): a stale save is refused.

The section admin lives in ``metrics.admin``: a section's change form edits its
figures inline, and this app never imports ``metrics``.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from common.admin import AuditedAdmin, BoundedInlineMixin, VersionedInlineMixin, boolean_icon
from reports.models import NamedItem, NotableCase, Report, Section

# Sections a report's change form takes: a report has one per part of its text (three in 2021), so this
# leaves room for longer reports while a POST claiming more is refused at once.
MAX_SECTIONS_PER_REPORT = 20


class SectionInline(BoundedInlineMixin, VersionedInlineMixin, admin.TabularInline):
    model = Section
    max_num = MAX_SECTIONS_PER_REPORT
    fields = ("version", "position", "slug", "topic", "heading", "heading_en", "source_paragraph")
    extra = 0
    show_change_link = True


@admin.register(Report)
class ReportAdmin(AuditedAdmin):
    list_display = ("year", "title", "agency", "published_icon", "byline", "source_name")
    list_filter = ("published", "agency")
    search_fields = ("title", "agency", "byline", "summary")
    inlines = [SectionInline]
    actions = ["publish"]

    @admin.display(description=Report._meta.get_field("published").verbose_name, ordering="published")
    def published_icon(self, report):
        return boolean_icon(report.published)

    @admin.action(description=_("發布所選的報告草稿"), permissions=["change"])
    def publish(self, request, queryset):
        """Publish each selected draft, one history row each with the reason."""
        drafts = list(queryset.filter(published=False))
        for report in drafts:
            report.published = True
            report._change_reason = str(_("發布報告草稿"))
            report.save(update_fields=["published"])
        self.message_user(request, _("已發布 %(count)s 份報告。") % {"count": len(drafts)}, messages.SUCCESS)


@admin.register(NotableCase)
class NotableCaseAdmin(AuditedAdmin):
    list_display = ("title", "section", "month", "source_paragraph")
    list_filter = ("section__report", "section", "month")
    list_select_related = ("section__report",)
    search_fields = ("title", "summary")


@admin.register(NamedItem)
class NamedItemAdmin(AuditedAdmin):
    list_display = ("name", "kind", "section", "position", "source_paragraph")
    list_filter = ("kind", "section__report", "section")
    list_select_related = ("section__report",)
    search_fields = ("name",)
