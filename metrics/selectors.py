"""Read-side functions for the pages that show a report's figures; each returns data and states its query count."""

import dataclasses
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Case, Exists, F, Max, OuterRef, Prefetch, QuerySet, Subquery, TextField, Value, When
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.caching import cached
from common.languages import citation
from metrics.changes import Change, change
from metrics.charts.builders import section_charts
from metrics.charts.rendering import PHONE_WIDTH, data_uri
from metrics.charts.rows import Chart, chart_rows
from metrics.charts.series import series_chart
from metrics.charts.specs import SECTION_CHARTS, chart_spec
from metrics.choices import ProposalKind, ProposalStatus, RevisionKind
from metrics.models import CODE_PATTERN, ChartImage, Figure, ProposedChange, Unit
from metrics.publication import checklist_counts, checklist_url
from metrics.text.marks import mark_quotes
from reports.models import ContentRevision, NamedItem, NotableCase, Report, Section, SourceText, released


@dataclass
class SectionFigures:
    """A section with its figures in reading order."""

    section: Section
    figures: list[Figure]

    @property
    def headline_figures(self) -> list[Figure]:
        return [figure for figure in self.figures if figure.headline]


@dataclass
class ReportOverview:
    report: Report
    sections: list[SectionFigures]


@dataclass
class SectionPage:
    report: Report
    section: Section
    figures: list[Figure]
    cases: list[NotableCase]
    named_lists: list[tuple[str, list[NamedItem]]]


def _report_or_404(year: int, *, drafts: bool, reports: QuerySet | None = None) -> Report:
    """The report of ``year`` (from ``reports``, default all) annotated ``has_source_text``; a draft only when
    ``drafts`` (for editors), else Http404 as for no report. 1 query."""
    reports = (Report.objects.all() if reports is None else reports).annotate(
        has_source_text=Exists(SourceText.objects.filter(report=OuterRef("pk")))
    )
    if not drafts:
        reports = reports.published()
    report = reports.for_year(year)
    if report is None:
        raise Http404(_("沒有 %(year)s 年度的工作報告。") % {"year": year})
    return report


def report_overview(*, year: int, drafts: bool = False) -> ReportOverview:
    """The report of ``year`` and each section's figures in order.

    Raises Http404 for an unknown year, or a draft unless ``drafts``. 3 queries whatever the number of figures.
    """
    report = _report_or_404(year, drafts=drafts)
    sections = list(report.sections.order_by("position"))
    figures = list(Figure.objects.filter(report=report).select_related("unit").order_by("position", "pk"))
    for section in sections:
        section.report = report
    by_section = {section.pk: SectionFigures(section=section, figures=[]) for section in sections}
    for figure in figures:
        figure.report = report
        figure.source_text_attached = report.has_source_text
        by_section[figure.section_id].figures.append(figure)
        figure.section = by_section[figure.section_id].section
    return ReportOverview(report=report, sections=list(by_section.values()))


def section_page(*, year: int, slug: str, drafts: bool = False) -> SectionPage:
    """One section with its figures (context joined), cases (figures prefetched) and named lists.

    Raises Http404 for an unknown year or slug, or a draft unless ``drafts``.
    6 queries (5 without cases) whatever the number of figures.
    """
    report = _report_or_404(year, drafts=drafts)
    section = report.sections.filter(slug=slug).first()
    if section is None:
        raise Http404(_("%(year)s 年度報告沒有「%(slug)s」這一章。") % {"year": year, "slug": slug})
    section.report = report
    figures = list(Figure.objects.for_section(section))
    for figure in figures:
        figure.source_text_attached = report.has_source_text
    cases = list(
        section.cases.order_by("position").prefetch_related(
            Prefetch(
                "figures",
                queryset=Figure.objects.select_related("unit").order_by("position"),
                to_attr="ordered_figures",
            )
        )
    )
    named_lists: dict[str, list[NamedItem]] = {}
    for item in section.named_items.order_by("kind", "position"):
        named_lists.setdefault(item.get_kind_display(), []).append(item)
    return SectionPage(
        report=report, section=section, figures=figures, cases=cases, named_lists=list(named_lists.items())
    )


@dataclass(frozen=True)
class TextPiece:
    """A run of a paragraph, and the figure whose clause it is (None: plain text)."""

    text: str
    figure: Figure | None = None


@dataclass(frozen=True)
class TextParagraph:
    """One paragraph of a report's text: its number, its text in pieces, the section it heads (if it is a
    heading), and the figures it states whose clause is not marked in it (not found verbatim, or inside
    a shorter clause's mark)."""

    number: int
    text: str
    pieces: tuple[TextPiece, ...]
    section: Section | None = None
    unmarked: tuple[Figure, ...] = ()


@dataclass(frozen=True)
class ReportText:
    """A report and its attached text paragraph by paragraph; ``source`` None (and no paragraphs) without one."""

    report: Report
    source: SourceText | None
    sections: list[Section]
    paragraphs: list[TextParagraph]


def report_text(*, year: int, drafts: bool = False) -> ReportText:
    """The report of ``year`` with its text, each figure's clause marked in its paragraph, each section's
    heading paragraph known.

    Raises Http404 for an unknown year, or a draft unless ``drafts``. 3 queries (the report with its
    text, its sections, its figures) whatever its length; 1 when no text is attached.
    """
    report = _report_or_404(year, drafts=drafts, reports=Report.objects.select_related("source_text"))
    try:
        source = report.source_text
    except ObjectDoesNotExist:
        return ReportText(report=report, source=None, sections=[], paragraphs=[])
    sections = list(report.sections.order_by("position"))
    for section in sections:
        section.report = report
    figures_by_paragraph: dict[int, list[Figure]] = {}
    for figure in Figure.objects.filter(report=report).order_by("position", "pk"):
        figures_by_paragraph.setdefault(figure.source_paragraph, []).append(figure)
    headings = {section.source_paragraph: section for section in sections}
    paragraphs = []
    for number, line in source.paragraphs():
        figures = figures_by_paragraph.get(number, [])
        marked = mark_quotes(line, [figure.source_quote for figure in figures])
        pieces = tuple(
            TextPiece(piece.text, None if piece.quote is None else figures[piece.quote]) for piece in marked.pieces
        )
        unmarked = tuple(figures[index] for index in marked.unmarked)
        paragraphs.append(TextParagraph(number, line, pieces, headings.get(number), unmarked))
    return ReportText(report=report, source=source, sections=sections, paragraphs=paragraphs)


class Comparison(NamedTuple):
    """A figure's comparable figure of the year before (report joined) and the change from it."""

    previous: Figure
    change: Change


@dataclass(frozen=True)
class YearBefore:
    """The year a report is compared with: the published report just before it and that report's figures by code.

    ``report`` is None when there is no earlier published report, or when it states no
    figure (there is then nothing to compare with). ``Figure.objects.with_previous()`` is
    the same rule in SQL, for querysets (the explorer, the exports, the metric page).
    """

    report: Report | None
    figures: dict[str, Figure]

    def compare(self, figure: Figure) -> Comparison | None:
        """Last year's figure of ``figure``'s code in ``figure``'s unit and the change from it; None
        when last year's report lacks the code or states it in another unit (the two numbers do not compare)."""
        before = self.figures.get(figure.code)
        if before is None or before.unit_id != figure.unit_id:
            return None
        return Comparison(
            previous=before,
            # Last year's unit row: joined, and the same unit as this figure's (compared above).
            change=change(before.value, figure.value, before.unit, qualifiers=(before.qualifier, figure.qualifier)),
        )

    def comparisons(self, figures: Iterable[Figure]) -> dict[str, Comparison]:
        """``compare`` of each of ``figures`` that has a comparable figure last year, keyed by code."""
        return {figure.code: compared for figure in figures if (compared := self.compare(figure)) is not None}


def year_before(*, report: Report) -> YearBefore:
    """The published report before ``report`` (the highest earlier year) and its figures, report and section joined.

    Figures are compared by code and unit, whatever their sections: a section of a later year
    whose topic is last year's shares its codes, so its figures compare across the topic link.

    A draft in between is passed over; an older report never stands in for a year that
    lacks a code (``YearBefore.compare``). 1 query: the earlier report is a subquery,
    joined to its figures.
    """
    earlier = Report.objects.just_before(report.year).values("pk")[:1]
    figures = list(Figure.objects.filter(report=Subquery(earlier)).select_related("report", "section", "unit"))
    before = figures[0].report if figures else None
    for figure in figures:
        figure.report = figure.section.report = before
    return YearBefore(report=before, figures={figure.code: figure for figure in figures})


def figure_series(*, code: str, drafts: bool = False) -> list[Figure]:
    """Every published report's figure of ``code`` (drafts' too when ``drafts``), oldest year first.

    Context joined, and each annotated by ``with_previous()``: a change is shown only against
    the report just before, never across a year that lacks the code. Raises Http404 when no
    such report has the code, without a query for a code no figure could have
    (``CODE_PATTERN``: PostgreSQL refuses a NUL in a query). 1 query.
    """
    if not re.fullmatch(CODE_PATTERN, code):
        raise Http404(_("沒有代碼為「%(code)s」的數據。") % {"code": code})
    series = list(_series_figures(drafts=drafts).filter(code=code).order_by("report__year"))
    if not series:
        raise Http404(_("沒有代碼為「%(code)s」的數據。") % {"code": code})
    for figure in series:
        figure.section.report = figure.report
    return series


def every_figure_series(*, drafts: bool = False) -> dict[str, list[Figure]]:
    """``figure_series`` of every code at once: each code with a figure the reader may see, in the
    database's order of codes, and its figures oldest year first. 1 query.
    """
    series: dict[str, list[Figure]] = {}
    for figure in _series_figures(drafts=drafts).order_by("code", "report__year"):
        figure.section.report = figure.report
        series.setdefault(figure.code, []).append(figure)
    return series


def _series_figures(*, drafts: bool) -> QuerySet:
    """The figures a series is made of: context joined, each with the year before and whether its report's
    text is attached; drafts' only when ``drafts``."""
    figures = Figure.objects.with_context().with_previous().with_source_text()
    return figures if drafts else figures.filter(released("report__"))


@dataclass(frozen=True)
class ChartFigures:
    """The figures of one section chart for its CSV, and the report they come from (for the citation)."""

    report: Report
    figures: QuerySet


def section_codes_and_units(section: Section) -> list[tuple[str, str]]:
    """(code, unit) of every figure of ``section`` in its order, as ``specs_for`` reads them. 1 query."""
    return list(Figure.objects.filter(section=section).order_by("position", "pk").values_list("code", "unit"))


def chart_figures(*, year: int, slug: str, key: str, drafts: bool = False) -> ChartFigures:
    """The figures of chart ``key`` of section ``slug`` in the report of ``year``, in the chart's order.

    The chart is looked up by the section's topic (``metrics.charts.specs``). ``figures`` is a
    ``Figure.objects.for_export()`` queryset (context joined) for the export rows. Raises
    Http404 for an unknown section, chart or year, a draft unless ``drafts``, or a chart
    without figures. 2 queries (the section with its report, whether the chart has figures), 3 for a
    topic whose charts go by unit;
    reading ``figures`` is one more.
    """
    sections = Section.objects.select_related("report").filter(report__year=year, slug=slug)
    if not drafts:
        sections = sections.filter(released("report__"))
    section = sections.first()
    spec = None
    if section is not None:
        # A topic without specs charts its figures by unit: only then are the section's codes read (1 query).
        codes_and_units = () if section.topic in SECTION_CHARTS else section_codes_and_units(section)
        spec = chart_spec(section.topic, key, codes_and_units)
    if spec is not None:
        order = Case(*(When(code=code, then=index) for index, code in enumerate(spec.codes)))
        figures = Figure.objects.for_export().filter(section=section, code__in=spec.codes)
        if figures.exists():
            return ChartFigures(report=section.report, figures=figures.order_by(order))
    raise Http404(_("沒有這張圖表。"))


def import_candidates(*, year: int) -> list[Figure]:
    """The figures of the newest published report before ``year``, section joined: what an import matches to.

    1 query (the earlier report is a subquery); empty when there is none.
    """
    earlier = Report.objects.just_before(year).values("pk")[:1]
    return list(Figure.objects.filter(report=Subquery(earlier)).select_related("section").order_by("position", "pk"))


def unit_codes() -> frozenset[str]:
    """Every unit the portal has a row for, as the figures' ``unit_id`` holds it. 1 query."""
    return frozenset(Unit.objects.values_list("code", flat=True))


@dataclass(frozen=True)
class ReportListing:
    """A report on the list of years; a draft (shown to editors only) with its open checklist items and where
    they are listed."""

    report: Report
    open_items: int | None = None
    checklist_url: str = ""

    @property
    def is_draft(self) -> bool:
        return not self.report.published

    @property
    def is_scheduled(self) -> bool:
        """Published and waiting for its release time: shown to editors only until then."""
        return self.report.published and not self.report.is_released


def report_list(*, drafts: bool = False) -> list[ReportListing]:
    """Every published report, newest first; with ``drafts`` (for editors) the drafts among them, each with
    the number of its open publish-checklist items.

    1 query; with ``drafts`` and at least one draft, 2 more whatever the number of drafts
    (``publication.checklist_counts``).
    """
    reports = list((Report.objects.all() if drafts else Report.objects.published()).order_by("-year"))
    unpublished = [report for report in reports if not report.published]
    counts = checklist_counts(reports=unpublished) if unpublished else {}
    return [
        ReportListing(report=report, open_items=counts[report.pk], checklist_url=checklist_url(report))
        if not report.published
        else ReportListing(report=report)
        for report in reports
    ]


class ContentStamp(NamedTuple):
    """The content revision and when content last changed (None when nothing records it)."""

    revision: str
    last_modified: datetime | None


def content_stamp() -> ContentStamp:
    """The revision (1 query) and the newest recorded figure edit, read once per revision (1 query more)."""
    revision = ContentRevision.current()
    last = cached(
        ("content-last-modified",),
        lambda: Figure.history.aggregate(last=Max("history_date"))["last"] or timezone.now(),
        revision=revision,
    )
    return ContentStamp(revision, last)


#: Rows of the record of revisions on one page; the CSV holds every matching row.
REVISIONS_PER_PAGE = 100


def revision_list(*, year: int | None = None, section: str = "", kind: str = "") -> QuerySet:
    """Every approved change to a figure of a published report, newest first, with figure, report, section,
    unit, proposer and approver joined (1 query when read). ``section`` is a section slug; ``kind`` a
    ``RevisionKind`` (a correction publishes another value than the report states)."""
    rows = (
        ProposedChange.objects.filter(
            released("figure__report__"),
            proposal__status=ProposalStatus.APPROVED,
            proposal__kind=ProposalKind.FIGURES,
        )
        .select_related(
            "figure__report", "figure__section", "figure__unit", "proposal__proposed_by", "proposal__decided_by"
        )
        .order_by("-proposal__decided_at", "-pk")
    )
    if year is not None:
        rows = rows.filter(figure__report__year=year)
    if section:
        rows = rows.filter(figure__section__slug=section)
    if kind == RevisionKind.CORRECTION:
        rows = rows.exclude(value=F("stated_value"))
    elif kind == RevisionKind.REVISION:
        rows = rows.filter(value=F("stated_value"))
    return rows


def figure_versions(*, figures: Iterable[Figure]) -> list[ProposedChange]:
    """The approved changes to ``figures`` (a metric's years), newest first: each names the value it replaced.
    1 query."""
    return list(revision_list().filter(figure__in=[figure.pk for figure in figures]))


def revision_filter_choices() -> tuple[list[int], list[tuple[str, str]]]:
    """The years and (slug, heading) sections of published reports that have revisions. 1 query."""
    pairs = (
        revision_list()
        .order_by()
        .values_list("figure__report__year", "figure__section__slug", "figure__section__heading")
        .distinct()
    )
    years, sections = set(), {}
    for year, slug, heading in pairs:
        years.add(year)
        sections.setdefault(slug, heading)
    return sorted(years, reverse=True), sorted(sections.items())


def pending_changes(*, section: Section) -> list[ProposedChange]:
    """The changes awaiting approval to the figures of ``section``, with figure and proposer joined. 1 query."""
    rows = ProposedChange.objects.filter(proposal__status=ProposalStatus.PENDING, figure__section=section)
    return list(rows.select_related("figure__unit", "proposal__proposed_by").order_by("figure__position", "pk"))


def charts_for(
    section,
    figures,
    *,
    year_before: YearBefore,
    comparisons: dict[str, Comparison],
    limit: int | None = None,
) -> list[Chart]:
    """The charts of ``section`` drawn from ``figures`` (the first ``limit``), citing the section's report.

    ``comparisons`` are the page's ``year_before.comparisons``: the charts show last year's
    values beside this year's, citing ``year_before.report``. No query (``with_images`` adds their drawings).
    """
    report, earlier = section.report, year_before.report
    rows = chart_rows(
        figures,
        section_url=section.get_absolute_url(),
        comparisons=comparisons,
    )
    return section_charts(
        section.topic,
        rows,
        slug=section.slug,
        source=citation(report),
        year=report.year,
        csv_url=lambda key: reverse(
            "metrics:chart-csv", kwargs={"year": report.year, "slug": section.slug, "key": key}
        ),
        limit=limit,
        previous_year=earlier.year if earlier else None,
        previous_source=citation(earlier) if earlier else "",
    )


def with_images(charts: list[Chart]) -> list[Chart]:
    """``charts`` with ``rendered`` set on each whose server drawings of every width are stored, and
    ``phone_src`` its phone drawing as a ``data:`` URI (``rendering.data_uri``).

    1 query for all of them, reading the SVG text of the phone drawings only (none when no chart has bars).
    """
    wanted = {key for chart in charts for key in chart.image_keys.values()}
    if not wanted:
        return list(charts)
    phone_svg = Case(When(width=PHONE_WIDTH, then="svg"), default=Value(""), output_field=TextField())
    stored = dict(ChartImage.objects.filter(key__in=wanted).annotate(text=phone_svg).values_list("key", "text"))
    return [
        dataclasses.replace(chart, rendered=True, phone_src=data_uri(stored[chart.phone_image.key]))
        if chart.image_keys and all(key in stored for key in chart.image_keys.values())
        else chart
        for chart in charts
    ]


def every_chart() -> Iterator[Chart]:
    """Every bar chart a page may show in the active language: each section's of every report, drafts
    included (the overview shows each section's first), and each metric's series, as readers and as
    editors see it. For ``render_charts``; about 3 queries a report, and 2 for the series of every code.
    """
    for report in Report.objects.order_by("year"):
        overview = report_overview(year=report.year, drafts=True)
        earlier = year_before(report=overview.report)
        comparisons = earlier.comparisons(figure for part in overview.sections for figure in part.figures)
        for part in overview.sections:
            yield from charts_for(part.section, part.figures, year_before=earlier, comparisons=comparisons)
    published, with_drafts = every_figure_series(), every_figure_series(drafts=True)
    for code, series_with_drafts in with_drafts.items():
        # A code stated only in drafts has no published series.
        for series in (published.get(code), series_with_drafts):
            chart = series_chart(code, series, csv_url="") if series else None
            if chart is not None:
                yield chart
