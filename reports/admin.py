"""The editors' admin for the report as a document: notable cases and named lists.

Every form and inline row is versioned (``common.versioning``): a stale save is refused.

The report and section admins live in ``metrics.admin``: a section's change form edits its
figures inline, a report is published only when its figures pass the publish checklist,
and this app never imports ``metrics``.
"""

from django.contrib import admin

from common.admin import AuditedAdmin
from reports.models import NamedItem, NotableCase


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
