"""The editors' admin for the report as a document: reports, notable cases and named lists.

Every form and inline row is versioned (``common.versioning``): a stale save is refused.

The section admin lives in ``metrics.admin``: a section's change form edits its
figures inline, and this app never imports ``metrics``.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from common.admin import AuditedAdmin, BoundedInlineMixin, VersionedInlineMixin, boolean_icon
from common.forms import ChangeReasonForm
from common.source_text import MAX_TEXT_BYTES, MAX_TEXT_CHARS, check_text, decode, normalized
from reports.models import NamedItem, NotableCase, Report, Section, SourceText
from reports.services import attach_source, checked_text

# Sections a report's change form takes: a report has one per part of its text (three in 2021), so this
# leaves room for longer reports while a POST claiming more is refused at once.
MAX_SECTIONS_PER_REPORT = 20


class SectionInline(BoundedInlineMixin, VersionedInlineMixin, admin.TabularInline):
    model = Section
    max_num = MAX_SECTIONS_PER_REPORT
    fields = ("version", "position", "slug", "topic", "heading", "heading_en", "source_paragraph")
    extra = 0
    show_change_link = True


class ReportForm(ChangeReasonForm):
    """The report's fields, and a file to attach as its text (``reports.services.attach_source``)."""

    source_upload = forms.FileField(
        label=_("附上原文"),
        required=False,
        help_text=format_lazy(
            _("UTF-8 文字檔，一段一行，最多 {limit} 字；會取代已附上的原文。"), limit=f"{MAX_TEXT_CHARS:,}"
        ),
    )

    def clean_source_upload(self):
        """The uploaded file's text, checked as ``attach_source`` checks it; None without a file."""
        upload = self.cleaned_data.get("source_upload")
        if not upload:
            return None
        if upload.size > MAX_TEXT_BYTES:
            raise forms.ValidationError(
                _("檔案太大：報告原文最多 %(limit)s 字。") % {"limit": f"{MAX_TEXT_CHARS:,}"}, code="too_long"
            )
        text = decode(upload.read(MAX_TEXT_BYTES + 1))
        if self.instance.pk is None:
            check_text(normalized(text))
            return text
        return checked_text(report=self.instance, text=text)


@admin.register(Report)
class ReportAdmin(AuditedAdmin):
    form = ReportForm
    list_display = ("year", "title", "agency", "published_icon", "source_text_icon", "byline", "source_name")
    list_filter = ("published", "agency")
    search_fields = ("title", "agency", "byline", "summary")
    readonly_fields = ("source_text_status",)
    inlines = [SectionInline]
    actions = ["publish"]

    def get_queryset(self, request):
        """Whether each report has its text, without reading the texts: one subquery per row."""
        attached = Exists(SourceText.objects.filter(report=OuterRef("pk")))
        return super().get_queryset(request).annotate(has_source_text=attached)

    @admin.display(description=_("原文"), ordering="has_source_text")
    def source_text_icon(self, report):
        return boolean_icon(report.has_source_text)

    @admin.display(description=_("已附上的原文"))
    def source_text_status(self, report):
        """The attached text's paragraphs, checksum, origin, time and editor, or that none is attached."""
        source = SourceText.objects.filter(report=report.pk).select_related("attached_by").first()
        if source is None:
            return _("尚未附上原文。")
        return format_html(
            "{}<br><code>SHA-256 {}</code>",
            _("%(count)s 段；來源：%(origin)s；%(when)s 由 %(who)s 附上。")
            % {
                "count": source.paragraph_count,
                "origin": source.origin,
                "when": f"{timezone.localtime(source.attached_at):%Y-%m-%d %H:%M}",
                "who": source.attached_by or _("不明"),
            },
            source.checksum,
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        text = form.cleaned_data.get("source_upload")
        if text is None:
            return
        attached = attach_source(report=obj, text=text, origin=form.files["source_upload"].name, user=request.user)
        if attached.changed:
            message = _("已附上原文：%(count)s 段。") % {"count": attached.source.paragraph_count}
        else:
            message = _("上傳的原文與已附上的相同，沒有變更。")
        self.message_user(request, message, messages.SUCCESS)

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
