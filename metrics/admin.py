"""The admin of the numbers: the figure list and form, the section form with its figures inline,
and each save's change set with its one-step revert.

The changelist edits values in place; every figure save locks the figures linked
to it, refuses stale rows and checks linked rates across every row of the save
(``metrics.forms``), so a count and its rate change, and revert, together.
The report and section admins live here rather than in ``reports.admin``: a section's
form edits the section's figures, a report is published only when its figures pass the
publish checklist (``metrics.publication``), and ``reports`` never imports ``metrics``.
"""

import copy
from decimal import Decimal
from uuid import UUID

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.db.models import Case, Exists, OuterRef, Q, When
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.template_utils import HistoricalRecordContextHelper

from common.admin import (
    LIST_EDIT_REASON,
    AuditedAdmin,
    BoundedInlineMixin,
    VersionedInlineMixin,
    boolean_icon,
    change_set_for,
)
from common.forms import ChangeReasonForm
from common.source_text import MAX_TEXT_BYTES, MAX_TEXT_CHARS, check_text, decode, normalized
from common.versioning import StaleVersion
from metrics import publication, review, services
from metrics.choices import ProposalKind, ProposalStatus
from metrics.formatting import format_figure, plain_number
from metrics.forms import (
    FigureChangelistFormSet,
    FigureForm,
    FigureRowForm,
    SectionFiguresFormSet,
)
from metrics.importing.admin import ImportReportAdminMixin
from metrics.models import Figure, Proposal, ProposedChange, Unit
from metrics.rates import rate_status
from reports.models import NamedItem, NotableCase, Report, Section, SourceText
from reports.services import attach_source, checked_text

# Rows a section's change form takes in each inline, far above what a report needs (the 2021 report's
# largest section holds 21 figures, 2 cases and 28 named-list entries) and low enough that the largest
# save stays a few seconds' work. A section with more is edited in the figure list.
MAX_FIGURES_PER_SECTION = 300
MAX_CASES_PER_SECTION = 50
MAX_NAMED_ITEMS_PER_SECTION = 200
# Sections a report's change form takes: a report has one per part of its text (three in 2021), so this
# leaves room for longer reports while a POST claiming more is refused at once.
MAX_SECTIONS_PER_REPORT = 20


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


class RevertForm(forms.Form):
    change_reason = forms.CharField(
        label=_("修改原因"), required=False, max_length=100, help_text=_("選填；會記入修改紀錄。")
    )


PUBLICATION_PROPOSED = _("已提交發布（#%(pk)s）：報告須由另一位核准者核准後才會公開。")
PROPOSED = _("已提交核准（#%(pk)s）：%(names)s 的新數值須由另一位核准者核准後才會公開。")
PROPOSAL_PENDING = _("這筆數據有一項待核准的修改（#%(pk)s，%(user)s 於 %(when)s 提議）：頁面仍顯示已公開的數值。")
PROPOSAL_RETURNED = _("您的提議 #%(pk)s 已被 %(user)s 退回：%(reason)s")


def propose(model_admin, request, figures, *, reason) -> Proposal | None:
    """Propose ``figures``' new values as one proposal and tell the editor; a refusal rolls the save back."""
    try:
        proposal = review.propose_figures(figures=figures, user=request.user, reason=reason or "")
    except services.SaveRefused as refusal:
        transaction.set_rollback(True, using=router.db_for_write(Figure))
        model_admin.message_user(request, " ".join(refusal.messages), messages.ERROR)
        return None
    names = "、".join(f"「{figure.name}」" for figure in figures)
    model_admin.message_user(request, PROPOSED % {"pk": proposal.pk, "names": names}, messages.WARNING)
    return proposal


def proposals_of_figure(figure_pk: int, user) -> list[Proposal]:
    """The pending proposal on a figure and the proposals of ``user`` on it that were returned (newest 3). 1 query."""
    rows = (
        Proposal.objects.filter(changes__figure=figure_pk)
        .filter(Q(status=ProposalStatus.PENDING) | Q(status=ProposalStatus.RETURNED, proposed_by=user.pk))
        .select_related("proposed_by", "decided_by")
        .order_by("-proposed_at", "-pk")
    )
    return list(rows[:3])


def proposal_notice(proposal: Proposal) -> str:
    if proposal.is_pending:
        return PROPOSAL_PENDING % {
            "pk": proposal.pk,
            "user": proposal.proposed_by,
            "when": f"{timezone.localtime(proposal.proposed_at):%Y-%m-%d %H:%M}",
        }
    return PROPOSAL_RETURNED % {"pk": proposal.pk, "user": proposal.decided_by, "reason": proposal.return_reason}


def proposal_level(proposal: Proposal) -> int:
    return messages.WARNING if proposal.is_pending else messages.ERROR


@admin.register(Figure)
class FigureAdmin(ImportReportAdminMixin, AuditedAdmin):
    """The figure list fits a 1366-px screen: the columns an editor scans and edits; code and
    provenance are on the change form (and searchable here)."""

    form = FigureForm
    list_display = (
        "name",
        "section_name",
        "value",
        "qualifier",
        "correction_reason",
        "display_text",
    )
    list_display_links = ("name",)
    list_editable = ("value", "qualifier", "correction_reason")
    list_filter = ("report", ("section", SectionListFilter), "unit", "qualifier")
    # The rate column reads numerator and denominator: joined, so no query per row.
    list_select_related = ("report", "section", "unit", "numerator", "denominator")
    ordering = ("report__year", "section__position", "position", "pk")
    search_fields = ("code", "name", "theme", "source_quote")
    autocomplete_fields = ("case", "numerator", "denominator")
    readonly_fields = ("correction_stamp",)
    fieldsets = (
        (None, {"fields": ("report", "section", "case", "code", "name", "theme", "headline", "position")}),
        (_("英文"), {"fields": ("name_en", "theme_en")}),
        (_("數值"), {"fields": ("value", "unit", "qualifier", "decimals", "numerator", "denominator")}),
        (_("出處"), {"fields": ("source_paragraph", "source_quote", "stated_value")}),
        (_("更正"), {"fields": ("correction_reason", "correction_stamp")}),
        (_("修改紀錄"), {"fields": ("change_reason", "version")}),
    )
    object_history_list_template = "admin/metrics/figure/object_history_list.html"

    class Media:
        css = {"all": ("css/admin-figures.css",)}

    def get_changelist_form(self, request, **kwargs):
        widgets = {"correction_reason": forms.TextInput(attrs={"size": 14})}
        return super().get_changelist_form(request, form=FigureRowForm, widgets=widgets, **kwargs)

    def get_changelist_formset(self, request, **kwargs):
        return super().get_changelist_formset(request, formset=FigureChangelistFormSet, **kwargs)

    def save_model(self, request, obj, form, change):
        """Save, or propose: a change to a published figure's reviewed fields waits for an approver
        (``metrics.review``); the figure's other fields are saved at once."""
        if not change or not set(form.changed_data) & set(review.REVIEWED_FIELDS) or not obj.report.published:
            obj.stamp_correction(request.user)
            super().save_model(request, obj, form, change)
            return
        stored = Figure.objects.get(pk=obj.pk)
        reason = self.reason_for(form)
        if not review.second_approval_required():
            obj.stamp_correction(request.user)
            super().save_model(request, obj, form, change)
            review.record_direct_change(
                before={stored.pk: stored},
                after=[obj],
                user=request.user,
                reason=reason,
                change_set=change_set_for(request),
            )
            return
        proposed = {name: getattr(obj, name) for name in review.REVIEWED_FIELDS}
        for name in review.REVIEWED_FIELDS:
            setattr(obj, name, getattr(stored, name))
        if set(form.changed_data) - {*review.REVIEWED_FIELDS, "change_reason"}:
            obj.stamp_correction(request.user)
            super().save_model(request, obj, form, change)
        candidate = copy.copy(obj)
        for name, value in proposed.items():
            setattr(candidate, name, value)
        batch = getattr(request, "_proposed_figures", None)
        if batch is not None:
            batch.append(candidate)
        else:
            propose(self, request, [candidate], reason=reason)

    def changelist_view(self, request, extra_context=None):
        """The list's editable rows: the rows of one save that need approval are proposed together."""
        if request.method != "POST" or not review.second_approval_required():
            return super().changelist_view(request, extra_context)
        with transaction.atomic(using=router.db_for_write(Figure)):
            request._proposed_figures = []
            response = super().changelist_view(request, extra_context)
            if request._proposed_figures:
                propose(self, request, request._proposed_figures, reason=str(LIST_EDIT_REASON))
        return response

    def get_queryset(self, request):
        pending = ProposedChange.objects.filter(figure=OuterRef("pk"), proposal__status=ProposalStatus.PENDING)
        return super().get_queryset(request).annotate(has_pending_proposal=Exists(pending))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """On opening the form: the figure's pending proposal, and the proposals of this editor it returned."""
        if request.method == "GET" and object_id and object_id.isdigit():
            for proposal in proposals_of_figure(int(object_id), request.user):
                self.message_user(request, proposal_notice(proposal), proposal_level(proposal))
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "changeset/<uuid:change_set>/",
                self.admin_site.admin_view(self.change_set_view),
                name="metrics_figure_changeset",
            ),
            *super().get_urls(),
        ]

    def change_set_view(self, request, change_set: UUID):
        """One save: every figure it changed (before → after), its reason, and "revert this save"."""
        records = list(
            Figure.history.filter(change_set=change_set).select_related("history_user").order_by("history_id")
        )
        if not records:
            raise Http404(_("沒有這次儲存的紀錄。"))
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        rows = []
        for record in records:
            previous = record.prev_record
            helper = self.get_historical_record_context_helper(request, record)
            changes = helper.context_for_delta_changes(record.diff_against(previous)) if previous else []
            rows.append({"record": record, "previous": previous, "changes": changes})
        form = RevertForm(request.POST if request.method == "POST" else None)
        problems = []
        if request.method == "POST":
            if not self.has_change_permission(request):
                raise PermissionDenied
            if form.is_valid():
                try:
                    reverted, proposal = review.revert_change_set(
                        change_set=change_set,
                        reason=form.cleaned_data["change_reason"],
                        user=request.user,
                        acting_change_set=change_set_for(request),
                    )
                except StaleVersion as error:
                    return self.refuse_stale(request, error)
                except services.SaveRefused as refusal:
                    problems = refusal.messages
                else:
                    if proposal is not None:
                        names = "、".join(
                            f"「{change.figure.name}」" for change in proposal.changes.select_related("figure")
                        )
                        self.message_user(request, PROPOSED % {"pk": proposal.pk, "names": names}, messages.WARNING)
                        return HttpResponseRedirect(reverse("admin:metrics_figure_changelist"))
                    names = "、".join(figure.name for figure in reverted)
                    message = ngettext(
                        "已還原這次儲存的 %(count)s 筆數據：%(names)s。",
                        "已還原這次儲存的 %(count)s 筆數據：%(names)s。",
                        len(reverted),
                    ) % {"count": len(reverted), "names": names}
                    self.message_user(request, message, messages.SUCCESS)
                    return HttpResponseRedirect(reverse("admin:metrics_figure_changelist"))
        first = records[0]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("一次儲存：%(date)s") % {"date": f"{timezone.localtime(first.history_date):%Y-%m-%d %H:%M}"},
            "record": first,
            "rows": rows,
            "form": form,
            "problems": problems,
            "can_revert": self.has_change_permission(request),
        }
        return TemplateResponse(request, "admin/metrics/figure/change_set.html", context)

    @admin.display(description=_("更正紀錄"))
    def correction_stamp(self, figure):
        if not figure.is_correction or figure.corrected_at is None:
            return "—"
        return format_html(
            "{}：{}（{}）",
            _("報告所載") + " " + plain_number(figure.stated_value, figure.decimals),
            figure.corrected_by or _("不明"),
            f"{figure.corrected_at:%Y-%m-%d %H:%M}",
        )

    def get_historical_record_context_helper(self, request, historical_record):
        return PlainNumberHistoryHelper(self.model, historical_record)

    @admin.display(description=_("報告・章節"), ordering="section__position")
    def section_name(self, figure):
        return f"{figure.report.year} {figure.section.heading}"

    @admin.display(description=_("頁面顯示・核對"))
    def display_text(self, figure):
        """The page text with the unit; below it what the report states when it is a correction,
        the check of a linked rate against its counts, and 待核准 while a proposal on it awaits approval."""
        text = format_html("{}", format_figure(figure.value, figure.unit, figure.qualifier, figure.decimals))
        if figure.is_correction:
            stated = format_figure(figure.stated_value, figure.unit, figure.qualifier, figure.decimals)
            text = format_html(
                '{} <span class="correction-mark" title="{}">{}</span>',
                text,
                figure.correction_reason,
                _("更正（報告所載 %(stated)s）") % {"stated": stated},
            )
        if figure.is_linked_rate:
            text = format_html('{}<span class="rate-status">{}</span>', text, rate_status(figure))
        if getattr(figure, "has_pending_proposal", False):
            text = format_html('{} <span class="pending-mark">{}</span>', text, _("待核准"))
        return text


class FigureInline(BoundedInlineMixin, admin.TabularInline):
    model = Figure
    form = FigureRowForm
    formset = SectionFiguresFormSet
    max_num = MAX_FIGURES_PER_SECTION
    fields = (
        "version",
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
        "stated_value",
        "correction_reason",
    )
    autocomplete_fields = ("numerator", "denominator", "case")
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        """Rows are labelled with ``Figure.__str__``, which reads the report."""
        return super().get_queryset(request).select_related("report")


class NotableCaseInline(BoundedInlineMixin, VersionedInlineMixin, admin.StackedInline):
    model = NotableCase
    max_num = MAX_CASES_PER_SECTION
    fields = ("version", "position", "title", "title_en", "month", "summary", "summary_en", "source_paragraph")
    extra = 0
    show_change_link = True


class NamedItemInline(BoundedInlineMixin, VersionedInlineMixin, admin.TabularInline):
    model = NamedItem
    max_num = MAX_NAMED_ITEMS_PER_SECTION
    fields = ("version", "kind", "position", "name", "name_en", "source_paragraph")
    extra = 0


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    """Units an editor adds when a report states a number in a unit no earlier report used.

    The unit's text is its key, which figures store: it is fixed once saved, and a unit
    some figure uses cannot be deleted (the foreign key protects it).
    """

    # The English words are data an editor types, not interface: they stay on the change form, where they
    # are input values; the list shows the unit as the report writes it. 是/否 instead of the boolean
    # icon, whose alt text is English.
    list_display = ("code", "simplified", "kind", "fractional_text", "yuan")
    list_filter = ("kind", "fractional")
    search_fields = ("code", "simplified", "name_en")
    fields = (
        "version",
        "code",
        "simplified",
        "kind",
        "fractional",
        "yuan",
        "name_en",
        "english_one",
        "english_many",
        "change_reason",
    )

    @admin.display(description=_("可有小數"), ordering="fractional")
    def fractional_text(self, unit):
        return _("是") if unit.fractional else _("否")

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj is not None else ()


@admin.register(Section)
class SectionAdmin(AuditedAdmin):
    list_display = ("heading", "report", "slug", "topic", "position", "source_paragraph")
    list_filter = ("report", "topic")
    list_select_related = ("report",)
    search_fields = ("heading", "summary")
    inlines = [FigureInline, NotableCaseInline, NamedItemInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not Figure:
            return super().save_formset(request, form, formset, change)
        published = form.instance.report.published
        reviewed = set(review.REVIEWED_FIELDS)
        changed = (
            [
                inline
                for inline in formset.forms
                if inline.instance.pk
                and inline.has_changed()
                and inline not in formset.deleted_forms
                and set(inline.changed_data) & reviewed
            ]
            if published
            else []
        )
        stored = Figure.objects.in_bulk([inline.instance.pk for inline in changed])
        if not changed or not review.second_approval_required():
            for inline_form in formset.forms:
                if inline_form.has_changed():
                    inline_form.instance.stamp_correction(request.user)
            super().save_formset(request, form, formset, change)
            if changed:
                review.record_direct_change(
                    before=stored,
                    after=[inline.instance for inline in changed],
                    user=request.user,
                    reason=self.reason_for(form),
                    change_set=change_set_for(request),
                )
            return None
        # The reviewed fields wait for an approver; the rows' other fields are saved now.
        proposed = {}
        for inline in changed:
            proposed[inline.instance.pk] = {name: getattr(inline.instance, name) for name in reviewed}
            for name in reviewed:
                setattr(inline.instance, name, getattr(stored[inline.instance.pk], name))
        only_reviewed = {inline for inline in changed if not set(inline.changed_data) - {*reviewed, "version"}}
        reason, change_set = self.reason_for(form), change_set_for(request)
        for inline in formset.forms:
            inline.instance._change_reason, inline.instance._change_set = reason, change_set
        for obj in formset.save(commit=False):
            if any(inline.instance is obj for inline in only_reviewed):
                continue
            obj.stamp_correction(request.user)
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
        candidates = []
        for inline in changed:
            candidate = copy.copy(inline.instance)
            for name, value in proposed[candidate.pk].items():
                setattr(candidate, name, value)
            candidates.append(candidate)
        propose(self, request, candidates, reason=reason)
        return None


class SectionInline(BoundedInlineMixin, VersionedInlineMixin, admin.TabularInline):
    model = Section
    max_num = MAX_SECTIONS_PER_REPORT
    fields = ("version", "position", "slug", "topic", "heading", "heading_en", "source_paragraph")
    extra = 0
    show_change_link = True


def refusal_messages(checklist: publication.Checklist) -> list[str]:
    """The publish refusal as a form shows it: the count, then each open item."""
    count = len(checklist)
    head = ngettext(
        "尚有 %(count)s 項待處理，不能發布：",
        "尚有 %(count)s 項待處理，不能發布：",
        count,
    ) % {"count": count}
    return [head, *(item.message for item in checklist.items)]


class ReportForm(ChangeReasonForm):
    """The report's change form: ticking 已發布 on a draft is refused while its publish checklist has open items;
    a file may be attached as the report's text (``reports.services.attach_source``).

    The checklist reads the report's text as submitted and its sections and figures as stored;
    the publish itself is ``publication.publish_report``, run by ``ReportAdmin`` after the save.
    """

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

    def publishing(self) -> bool:
        """Whether this save turns a draft (or a new report) into a published one."""
        if not self.cleaned_data.get("published"):
            return False
        return self.instance.pk is None or not Report.objects.filter(pk=self.instance.pk, published=True).exists()

    def clean_release_at(self):
        """A release time ahead is refused for a report readers already see: it would take it away from them."""
        release_at = self.cleaned_data.get("release_at")
        if release_at is not None and release_at > timezone.now() and self.instance.pk is not None:
            if Report.objects.published().filter(pk=self.instance.pk).exists():
                raise forms.ValidationError(
                    _("這份報告已對讀者顯示，不能再排定將來的發布時間。"), code="already_released"
                )
        return release_at

    def _post_clean(self):
        super()._post_clean()
        if not self._errors and self.publishing():
            checklist = publication.report_checklist(report=self.instance)
            if not checklist.ready:
                self.add_error("published", refusal_messages(checklist))


@admin.register(Report)
class ReportAdmin(AuditedAdmin):
    """Reports: their text and sections, the publish checklist on the change form, and publishing.

    A draft is published by the list's action or by ticking 已發布 on its form; both go through
    ``publication.publish_report``, which refuses while the checklist has open items. Its 預定發布時間
    (``release_at``) schedules it: published before that time, readers see it only from then on.
    """

    form = ReportForm
    list_display = (
        "year",
        "title",
        "agency",
        "published_icon",
        "release_at",
        "published_at",
        "source_text_icon",
        "byline",
        "source_name",
    )
    list_filter = ("published", "agency")
    search_fields = ("title", "agency", "byline", "summary")
    readonly_fields = ("source_text_status", "published_at")
    inlines = [SectionInline]
    actions = ["publish"]
    change_form_template = "admin/reports/report/change_form.html"

    def get_queryset(self, request):
        """Whether each report has its text, without reading the texts: one subquery per row."""
        attached = Exists(SourceText.objects.filter(report=OuterRef("pk")))
        return super().get_queryset(request).annotate(has_source_text=attached)

    @admin.display(description=Report._meta.get_field("published").verbose_name, ordering="published")
    def published_icon(self, report):
        return boolean_icon(report.published)

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

    def change_view(self, request, object_id, form_url="", extra_context=None):
        report = self.get_object(request, object_id)
        if report is not None:
            extra_context = {**(extra_context or {}), "checklist": publication.report_checklist(report=report)}
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        """A save that publishes (the change form's 已發布, or a history revert to a published version) stores
        the report as a draft, then publishes it through ``publication.publish_report`` in the same transaction.

        Sections edited inline in the same save are checked as stored before it, by the form and the
        service alike; an item their edits open shows on the checklist panel after the save.
        """
        publishing = isinstance(form, ReportForm) and form.publishing()
        if publishing:
            obj.published = False
        super().save_model(request, obj, form, change)
        text = form.cleaned_data.get("source_upload") if isinstance(form, ReportForm) else None
        if text is not None:
            attached = attach_source(report=obj, text=text, origin=form.files["source_upload"].name, user=request.user)
            if attached.changed:
                message = _("已附上原文：%(count)s 段。") % {"count": attached.source.paragraph_count}
            else:
                message = _("上傳的原文與已附上的相同，沒有變更。")
            self.message_user(request, message, messages.SUCCESS)
        if publishing:
            if review.second_approval_required():
                try:
                    proposal = review.propose_publication(report=obj, user=request.user, reason=self.reason_for(form))
                except services.SaveRefused as refusal:
                    self.message_user(request, " ".join(refusal.messages), messages.ERROR)
                else:
                    self.message_user(request, PUBLICATION_PROPOSED % {"pk": proposal.pk}, messages.WARNING)
                return
            try:
                published = publication.publish_report(
                    report=obj, user=request.user, change_set=change_set_for(request)
                )
            except publication.PublishRefused as refusal:
                self.message_user(request, " ".join(refusal.messages), messages.ERROR)
            else:
                obj.published, obj.version = True, published.version

    @admin.action(description=_("發布所選的報告草稿"), permissions=["change"])
    def publish(self, request, queryset):
        """Publish each selected draft that passes its checklist; name the refused ones with their open items."""
        published, refused, proposed = 0, [], []
        for report in queryset.filter(published=False).order_by("year"):
            try:
                if review.second_approval_required():
                    proposed.append(review.propose_publication(report=report, user=request.user))
                    continue
                publication.publish_report(report=report, user=request.user, change_set=change_set_for(request))
            except publication.PublishRefused as refusal:
                refused.append((report, len(refusal.items)))
            else:
                published += 1
        for proposal in proposed:
            self.message_user(request, PUBLICATION_PROPOSED % {"pk": proposal.pk}, messages.WARNING)
        if published or not (refused or proposed):
            self.message_user(
                request,
                ngettext("已發布 %(count)s 份報告。", "已發布 %(count)s 份報告。", published) % {"count": published},
                messages.SUCCESS,
            )
        if refused:
            reports = format_html_join(
                _("、"),
                '<a href="{}">{}</a>',
                (
                    (
                        publication.checklist_url(report),
                        ngettext(
                            "%(report)s（%(count)s 項待處理）",
                            "%(report)s（%(count)s 項待處理）",
                            count,
                        )
                        % {"report": report, "count": count},
                    )
                    for report, count in refused
                ),
            )
            self.message_user(
                request,
                format_html("{}{}", _("以下報告的發布檢查尚未完成，沒有發布："), reports),
                messages.ERROR,
            )


class ReturnForm(forms.Form):
    return_reason = forms.CharField(
        label=_("退回原因"), max_length=200, required=False, help_text=_("退回時必填；提議者會看到。")
    )


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    """Proposals: approvers see the pending ones as a diff and approve or return them; editors read what became
    of theirs. Nothing is edited here: the decisions are ``metrics.review``'s writes."""

    list_display = ("__str__", "kind", "status", "proposed_by", "proposed_at", "decided_by", "return_reason")
    list_filter = ("status", "kind", "report")
    list_select_related = ("report", "proposed_by", "decided_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        """Pending proposals first, newest first within each part."""
        pending_first = Case(When(status=ProposalStatus.PENDING, then=0), default=1)
        return (
            super()
            .get_queryset(request)
            .annotate(pending_first=pending_first)
            .order_by("pending_first", "-proposed_at", "-pk")
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The proposal as a diff, with "approve" and "return with a reason" for an approver who did not propose it."""
        proposal = self.get_object(request, object_id)
        if proposal is None:
            raise Http404(_("沒有這項提議。"))
        if not self.has_view_permission(request, proposal):
            raise PermissionDenied
        can_decide = (
            proposal.is_pending
            and request.user.has_perm(review.APPROVE_PERMISSION)
            and proposal.proposed_by_id != request.user.pk
        )
        form = ReturnForm(request.POST if request.method == "POST" else None)
        problems = []
        if request.method == "POST":
            if not request.user.has_perm(review.APPROVE_PERMISSION):
                raise PermissionDenied
            try:
                if "_approve" in request.POST:
                    review.approve(proposal_id=proposal.pk, user=request.user)
                    message = _("已核准 #%(pk)s，已公開。") % {"pk": proposal.pk}
                elif form.is_valid():
                    review.return_proposal(
                        proposal_id=proposal.pk, user=request.user, reason=form.cleaned_data["return_reason"]
                    )
                    message = _("已退回 #%(pk)s。") % {"pk": proposal.pk}
                else:
                    message = None
            except services.SaveRefused as refusal:
                problems = refusal.messages
            except StaleVersion:
                problems = [str(_("儲存時發現數據剛被他人修改，沒有核准：請重新載入頁面。"))]
            else:
                if message:
                    self.message_user(request, message, messages.SUCCESS)
                    return HttpResponseRedirect(reverse("admin:metrics_proposal_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": str(proposal),
            "proposal": proposal,
            "diff": review.proposal_diff(proposal) if proposal.kind == ProposalKind.FIGURES else [],
            "checklist": publication.report_checklist(report=proposal.report)
            if proposal.kind == ProposalKind.PUBLISH and proposal.is_pending
            else None,
            "form": form,
            "problems": problems,
            "can_decide": can_decide,
            "own": proposal.proposed_by_id == request.user.pk,
        }
        return TemplateResponse(request, "admin/metrics/proposal/review.html", context)
