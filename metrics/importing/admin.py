"""The admin page that imports a report from its text: propose, review, create a draft.

Added to the figure admin by ``ImportReportAdminMixin`` at ``<figure list>/import/``. Needs the add permissions
of reports, sections and figures (403 otherwise). Step one reads the text and shows
every proposal grouped by heading and paragraph; step two creates what was accepted.
The work of both is bounded by ``MAX_TEXT_CHARS`` and ``MAX_PROPOSALS``; whatever
step two refuses, the page shows the rows again as they were posted.
"""

from dataclasses import replace

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from metrics.importing.forms import ImportHeadingFormSet, ImportReportForm, ImportRowFormSet
from metrics.importing.matching import MAX_PROPOSALS, TooManyProposals, heading_for, paragraph_texts
from metrics.importing.services import checked_rows, create_import, rate_links, read_headings, review_import

IMPORT_PERMISSIONS = ("reports.add_report", "reports.add_section", "metrics.add_figure")
ROWS_PREFIX = "rows"
HEADINGS_PREFIX = "sections"


def _number(value, *, default: int) -> int:
    """A hidden field's number as posted, or ``default`` when it was tampered with."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def grouped(formset, text: str, headings, links=None) -> list[dict]:
    """The row forms grouped by heading (of ``headings``) and then paragraph, in reading order, with the paragraph's
    text; each form with its match's confidence and its rate's link to last year's counts (of ``links``, by code)."""
    links = links or {}
    numbers = [_number(form["paragraph"].value(), default=1) for form in formset.forms]
    lines = paragraph_texts(text, numbers)
    groups: list[dict] = []
    for form, paragraph in zip(formset.forms, numbers, strict=True):
        form.match_confidence = _number(form["confidence"].value(), default=0)
        form.rate_link = links.get(form["code"].value())
        heading = heading_for(paragraph, headings)
        if not groups or groups[-1]["heading"] != heading:
            groups.append({"heading": heading, "paragraphs": []})
        paragraphs = groups[-1]["paragraphs"]
        if not paragraphs or paragraphs[-1]["number"] != paragraph:
            paragraphs.append({"number": paragraph, "text": lines.get(paragraph, ""), "forms": []})
        paragraphs[-1]["forms"].append(form)
    return groups


class ImportReportAdminMixin:
    """A ModelAdmin mixin for the figure admin: the import page at ``import/`` below its list."""

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_report_view)
        return [path("import/", view, name="metrics_figure_import"), *super().get_urls()]

    def import_report_view(self, request):
        return import_report_view(self, request)

    #: The admin site answers a control character in a posted field with 400; a report's text may hold
    #: one (a NUL, a form feed from a PDF), which the import form drops (``forms.ImportReportForm``).
    import_report_view.cleans_control_characters_in = ("text",)


def import_report_view(model_admin, request):
    if not request.user.has_perms(IMPORT_PERMISSIONS):
        raise PermissionDenied
    form = ImportReportForm(request.POST or None, request.FILES or None)
    formset = heading_formset = None
    matched = None
    new_units: list[str] = []
    headings = []
    links = {}
    if request.method == "POST" and "create" in request.POST:
        header_valid = form.is_valid()
        headings = _headings(form)
        # Bound before the rows are checked: whatever is refused, the rows come back as the editor left them.
        formset = ImportRowFormSet(request.POST, prefix=ROWS_PREFIX, form_kwargs={"headings": headings})
        heading_formset = ImportHeadingFormSet(request.POST, prefix=HEADINGS_PREFIX, headings=headings)
        if formset.is_valid() and heading_formset.is_valid() and header_valid:
            headings = [
                replace(heading, heading_en=heading_form.cleaned_data["heading_en"])
                for heading, heading_form in zip(headings, heading_formset.forms, strict=True)
            ]
            response = _create(request, form.cleaned_data, formset, headings)
            if response is not None:
                return response
            links = rate_links(rows=formset.accepted(), year=form.cleaned_data["year"])
    elif request.method == "POST" and form.is_valid():
        try:
            review = review_import(text=form.cleaned_data["text"], year=form.cleaned_data["year"])
        except TooManyProposals:
            form.add_error(
                None,
                _("原文提出的數據超過 %(limit)s 筆，是一次匯入的上限。請把原文分成幾部分，每次匯入一部分。")
                % {"limit": MAX_PROPOSALS},
            )
        else:
            headings, links = review.headings, review.links
            formset = ImportRowFormSet(initial=review.initial, prefix=ROWS_PREFIX, form_kwargs={"headings": headings})
            heading_formset = ImportHeadingFormSet(
                initial=[{"heading_en": heading.heading_en} for heading in headings],
                prefix=HEADINGS_PREFIX,
                headings=headings,
            )
            matched = review.matched
            new_units = review.new_units
            # The text travels with the review step, so the page can show each paragraph.
            form = ImportReportForm(initial={**form.cleaned_data, "upload": None})
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("從原文匯入報告"),
        "form": form,
        "formset": formset,
        "heading_rows": list(zip(headings, heading_formset.forms, strict=False)) if heading_formset else [],
        "heading_formset": heading_formset,
        "groups": grouped(formset, form["text"].value() or "", headings, links) if formset is not None else [],
        "matched": matched,
        "new_units": new_units,
    }
    return TemplateResponse(request, "admin/metrics/import_report.html", context)


def _headings(form) -> list:
    """The sections the create step offers: the headings of the posted text, topics proposed from the year before
    the posted year (as at the review step); without last year's when the header is invalid. 1 query when valid."""
    if form.is_valid():
        return read_headings(text=form.cleaned_data["text"], year=form.cleaned_data["year"])
    return read_headings(text=form["text"].value() or "", year=None)


def _create(request, data: dict, formset, headings):
    """Create the draft and redirect to it; None (with the reasons on the rows, or as a message) when a row or the
    database refuses."""
    rows = formset.accepted()
    problems = checked_rows(rows, text=data["text"])
    if problems:
        accepted_forms = [form for form in formset.forms if form.cleaned_data.get("accept")]
        for index, messages_of_row in problems.items():
            for message in messages_of_row:
                accepted_forms[index].add_error(None, message)
        messages.error(
            request,
            _("沒有建立報告：%(count)s 筆數據有誤，請看標示的列（修改，或取消勾選「採用」）。")
            % {"count": len(problems)},
        )
        return None
    try:
        created = create_import(
            year=data["year"],
            agency=data["agency"],
            title=data["title"],
            source_name=data["source_name"],
            text=data["text"],
            headings=headings,
            rows=rows,
            user=request.user,
        )
    except ValidationError as error:
        messages.error(request, _("沒有建立報告：%(error)s") % {"error": "；".join(error.messages)})
        return None
    except IntegrityError:
        messages.error(request, _("沒有建立報告：資料與已儲存的內容衝突（例如年度已有報告），請重新檢查。"))
        return None
    messages.success(
        request,
        _("已建立 %(year)s 年度報告草稿，含 %(count)s 筆數據；檢查後請在報告列表中發布。")
        % {"year": created.report.year, "count": created.figures},
    )
    for link in created.links.values():
        if link.problem:
            messages.warning(request, _("「%(code)s」：%(problem)s") % {"code": link.rate, "problem": link.problem})
    return redirect(reverse("admin:reports_report_change", args=[created.report.pk]))
