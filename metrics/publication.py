"""What a draft report still lacks before it may be published, and publishing it.

``report_checklist`` lists everything a published page would lack or get wrong, as
``ChecklistItem``s an editor reads in the admin's language, each naming the object and
linking to the admin field that fixes it. ``publish_report`` publishes a report only when
its checklist is empty; the admin's publish action and the report change form call it.

The items:

- text missing in Chinese or English: the report's title, agency and summary, each section's
  heading and summary, each figure's name and theme (Simplified Chinese is made from the
  Traditional text on every page, so it is never asked for);
- linked rates that do not recompute from their counts (``metrics.rates.rate_error``, the
  check a figure save runs);
- figures whose clause does not state their stated value (``metrics.text.clauses.clause_states``,
  the check of ``Figure.clean()``);
- a report without sections, sections without figures, and sections none of whose figures is
  drawn in a chart (``metrics.charts.specs.specs_for``, as the section page draws them: a topic
  without specs of its own charts every figure by unit, so such a section always has charts);
- source paragraphs past the end of the report's attached text: ``source_paragraph_items``;
- units the figures use without an English name (an import adds a new unit so): ``unit_items``.

Summaries are written each year in our own words: an item for a missing summary carries last
year's summary of the same report or topic as ``guide``, to be read beside the empty field,
never copied into it.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from metrics.charts.specs import specs_for
from metrics.models import Figure
from metrics.rates import rate_error
from metrics.services import SaveRefused
from metrics.text.clauses import clause_states
from reports.models import Report, Section

#: The reason a publish records in the report's history: data, in the portal's language.
PUBLISH_REASON = "發布報告草稿"

# Kinds of item, for tests and templates: what is wrong, not how it is worded.
MISSING_TEXT = "missing-text"
RATE = "rate"
CLAUSE = "clause"
NO_SECTIONS = "no-sections"
NO_FIGURES = "no-figures"
NO_CHARTS = "no-charts"
SOURCE_PARAGRAPH = "source-paragraph"
UNIT_ENGLISH = "unit-english"

#: Anchor of the inline list of a section's figures on the section's change form (the formset's prefix).
FIGURES_INLINE_ANCHOR = "figures-group"
#: Anchor of the checklist panel on the report's change form.
CHECKLIST_ANCHOR = "publish-checklist"


@dataclass(frozen=True)
class ChecklistItem:
    """One thing to fix before publishing: ``kind``, the ``message`` naming the object, the admin ``url``
    (with the field's anchor) where it is fixed, and for a missing summary last year's as ``guide``."""

    kind: str
    message: str
    url: str
    guide: str = ""

    @property
    def guide_lang(self) -> str:
        """The ``lang`` of ``guide``: English for an English field's guide, else the report's Traditional Chinese."""
        return "en" if self.url.endswith("_en") else "zh-Hant"


@dataclass
class Checklist:
    """The open items of one report, in the order of the report: the report, then each section and its figures."""

    report: Report
    items: list[ChecklistItem] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.items

    def __len__(self) -> int:
        return len(self.items)


class PublishRefused(SaveRefused):
    """Publishing refused while the report's checklist has open items; ``items`` are those items."""

    def __init__(self, checklist: Checklist):
        super().__init__([item.message for item in checklist.items])
        self.items = list(checklist.items)
        self.report = checklist.report


def admin_url(obj, anchor: str = "") -> str:
    """The admin change page of ``obj``, at the input of field ``anchor`` (``#id_<field>``) or an anchor of its own.

    For an object not yet saved (a report on its add form), the anchor on the current page.
    """
    url = ""
    if obj.pk is not None:
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    if not anchor:
        return url
    return f"{url}#{anchor if anchor.endswith('-group') or anchor == CHECKLIST_ANCHOR else 'id_' + anchor}"


def checklist_url(report: Report) -> str:
    """The checklist panel on ``report``'s admin change page."""
    return admin_url(report, CHECKLIST_ANCHOR)


def _missing_text(obj, fields: Iterable[tuple[str, str]], *, described: str, guides: dict[str, str]):
    """An item for each of ``fields`` (name, label) that ``obj`` leaves blank."""
    for name, label in fields:
        if (getattr(obj, name) or "").strip():
            continue
        yield ChecklistItem(
            MISSING_TEXT,
            _("%(object)s缺少%(field)s。") % {"object": described, "field": label},
            admin_url(obj, name),
            guides.get(name, ""),
        )


def _report_items(report: Report, *, previous: Report | None) -> Iterable[ChecklistItem]:
    guides = {} if previous is None else {"summary": previous.summary, "summary_en": previous.summary_en}
    fields = [
        ("title", _("中文標題")),
        ("title_en", _("英文標題")),
        ("agency", _("中文發布機關")),
        ("agency_en", _("英文發布機關")),
        ("summary", _("中文概述")),
        ("summary_en", _("英文概述")),
    ]
    # The report's name as its __str__ gives it: the year once, not "2022 2022年工作綜述".
    name = str(report) if report.title else f"{report.year} {report.title_en}"
    described = _("報告「%(name)s」") % {"name": name}
    yield from _missing_text(report, fields, described=described, guides=guides)


def _section_items(section: Section, figures: Sequence[Figure], *, previous: Section | None):
    guides = {} if previous is None else {"summary": previous.summary, "summary_en": previous.summary_en}
    described = _("章節「%(heading)s」") % {"heading": section.heading or section.slug}
    fields = [
        ("heading", _("中文標題")),
        ("heading_en", _("英文標題")),
        ("summary", _("中文摘要")),
        ("summary_en", _("英文摘要")),
    ]
    yield from _missing_text(section, fields, described=described, guides=guides)
    if not figures:
        yield ChecklistItem(
            NO_FIGURES,
            _("%(section)s沒有任何數據。") % {"section": described},
            admin_url(section, FIGURES_INLINE_ANCHOR),
        )
        return
    if not charted_codes(section, figures):
        yield ChecklistItem(
            NO_CHARTS,
            _("%(section)s沒有圖表：主題「%(topic)s」的圖表不含本章任何一筆數據的代碼。")
            % {"section": described, "topic": section.topic},
            admin_url(section, FIGURES_INLINE_ANCHOR),
        )


def charted_codes(section: Section, figures: Sequence[Figure]) -> set[str]:
    """The codes of ``figures`` (the section's, in order) that some chart of the section page draws.

    The same specs the page draws from (``specs_for`` with the figures' codes and units): a chart
    is drawn when its spec names at least one of the section's codes.
    """
    codes = {figure.code for figure in figures}
    specs = specs_for(section.topic, ((figure.code, figure.unit_id) for figure in figures))
    return {code for spec in specs for code in spec.codes if code in codes}


def _figure_items(figure: Figure) -> Iterable[ChecklistItem]:
    described = _("數據 %(code)s「%(name)s」") % {"code": figure.code, "name": figure.name or figure.name_en}
    fields = [
        ("name", _("中文名稱")),
        ("name_en", _("英文名稱")),
        ("theme", _("中文主題")),
        ("theme_en", _("英文主題")),
    ]
    yield from _missing_text(figure, fields, described=described, guides={})
    if figure.is_linked_rate:
        message = rate_error(figure, figure.numerator, figure.denominator, [])
        if message:
            yield ChecklistItem(
                RATE,
                _("%(figure)s與分子、分母不符：%(problem)s") % {"figure": described, "problem": message},
                admin_url(figure, "value"),
            )
    if not clause_states(
        figure.source_quote or "", value=figure.stated_value, unit=figure.unit_id, qualifier=figure.qualifier
    ):
        yield ChecklistItem(
            CLAUSE,
            _("%(figure)s的原文引句「%(quote)s」沒有載明所載數值。")
            % {"figure": described, "quote": figure.source_quote},
            admin_url(figure, "source_quote"),
        )


def source_paragraph_items(report: Report, sections: Sequence[Section], figures: Sequence[Figure]):
    """Items for the source paragraphs (sections', figures') past the end of the report's attached text.

    The text's paragraph count comes with the sections (``text_paragraphs``, annotated by
    ``_checklists``), so this reads nothing. Without a text there is nothing to check against
    (the forms keep a paragraph at 1 or more).
    """
    last = sections[0].text_paragraphs if sections else None
    if last is None:
        return
    for obj, described in [
        *((section, _("章節「%(heading)s」") % {"heading": section.heading}) for section in sections),
        *((figure, _("數據 %(code)s「%(name)s」") % {"code": figure.code, "name": figure.name}) for figure in figures),
    ]:
        if obj.source_paragraph > last:
            yield ChecklistItem(
                SOURCE_PARAGRAPH,
                _("%(object)s的來源段落是第 %(paragraph)s 段，但附上的原文只有 %(last)s 段。")
                % {"object": described, "paragraph": obj.source_paragraph, "last": last},
                admin_url(obj, "source_paragraph"),
            )


def unit_items(figures: Sequence[Figure]) -> Iterable[ChecklistItem]:
    """Items for the units ``figures`` use (their ``unit`` joined) that have no English name: an English page
    would write the Chinese unit on a chart's axis and in its exports. Units added by an import start so."""
    units = {figure.unit_id: figure.unit for figure in figures if not figure.unit.name_en}
    for code in sorted(units):
        yield ChecklistItem(
            UNIT_ENGLISH,
            _("單位「%(unit)s」缺少英文名稱。") % {"unit": code},
            admin_url(units[code], "name_en"),
        )


def _checklists(reports: Sequence[Report], *, previous: Report | None = None) -> dict[int, Checklist]:
    """The checklists of ``reports`` by pk, read in 2 queries (sections, figures with their counts joined).

    With ``previous`` (the report published before the one report given) its sections are read
    too (1 more query), for the guides of missing summaries.
    """
    saved = [report for report in reports if report.pk is not None]
    sections_of = defaultdict(list)
    figures_of = defaultdict(list)
    if saved:
        sections = Section.objects.filter(report__in=saved).annotate(
            text_paragraphs=F("report__source_text__paragraph_count")
        )
        for section in sections.order_by("report_id", "position"):
            sections_of[section.report_id].append(section)
        figures = Figure.objects.filter(report__in=saved).select_related("numerator", "denominator", "unit")
        for figure in figures.order_by("position", "pk"):
            figures_of[figure.section_id].append(figure)
    previous_sections = {}
    if previous is not None:
        previous_sections = {section.topic: section for section in previous.sections.all()}
    checklists = {}
    for report in reports:
        checklist = Checklist(report=report)
        items = checklist.items
        items += _report_items(report, previous=previous)
        sections = sections_of.get(report.pk, [])
        if not sections:
            items.append(ChecklistItem(NO_SECTIONS, _("報告沒有任何章節。"), admin_url(report, "sections-group")))
        all_figures = []
        for section in sections:
            section.report = report
            figures = figures_of.get(section.pk, [])
            all_figures += figures
            items += _section_items(section, figures, previous=previous_sections.get(section.topic))
            for figure in figures:
                figure.report, figure.section = report, section
                items += _figure_items(figure)
        items += source_paragraph_items(report, sections, all_figures)
        items += unit_items(all_figures)
        checklists[report.pk] = checklist
    return checklists


def report_checklist(*, report: Report) -> Checklist:
    """Everything ``report`` would publish missing or wrong, with last year's summaries as guides.

    ``report``'s own text is read from the object given (a change form's unsaved values count);
    its sections and figures from the database. 4 queries whatever the number of figures:
    the published report before, its sections, this report's sections, its figures (rates'
    counts joined); 3 when no report was published before. A report not yet saved reads no
    sections or figures.
    """
    previous = Report.objects.just_before(report.year).first() if report.year else None
    return _checklists([report], previous=previous)[report.pk]


def checklist_counts(*, reports: Sequence[Report]) -> dict[int, int]:
    """The number of open items of each of ``reports`` by pk (no guides): 2 queries whatever their number."""
    return {pk: len(checklist) for pk, checklist in _checklists(list(reports)).items()}


def publish_report(*, report: Report, user, change_set=None, reason: str = PUBLISH_REASON) -> Report:
    """Publish ``report`` when its checklist is empty, recording ``user``, ``reason`` and ``change_set``
    (the admin save it is part of, if any) in its history.

    Locks the report row, so two editors publishing at once publish it once. Raises
    ``PublishRefused`` with the open items (nothing written) while any is open. A report
    already published is returned unchanged.
    """
    with transaction.atomic():
        stored = Report.objects.select_for_update().get(pk=report.pk)
        if stored.published:
            return stored
        checklist = report_checklist(report=stored)
        if not checklist.ready:
            raise PublishRefused(checklist)
        # A release time (``release_at``) still ahead keeps it from readers until then (``reports.models.released``).
        stored.published, stored.published_at = True, timezone.now()
        stored._change_reason = reason
        stored._history_user = user
        stored._change_set = change_set
        stored.save(update_fields=["published", "published_at"])
    return stored
