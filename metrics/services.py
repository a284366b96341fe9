"""Writes that are more than one model save: keyword-only, each under ``transaction.atomic``.

Selectors read, services write, views and the admin compose. A service either
writes everything it was asked to or nothing, and says why not with an exception
that carries the editor's messages.
"""

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from metrics.charts.rendering import Drawing
from metrics.choices import UnitKind
from metrics.models import MAX_DECIMALS, ChartImage, Figure, Unit, linked_rate_errors, linked_set, lock_figures
from metrics.rates import rate_error
from metrics.text.clauses import stated_decimals
from metrics.text.extraction import paragraphs
from metrics.text.units import KIND_COUNT, KIND_MONEY, KIND_PERCENT, KIND_POINTS, KIND_TIME, KIND_WEIGHT, unit_kind
from reports.models import ContentRevision, Report, Section
from reports.services import PASTED_IN_THE_IMPORT, attach_source

#: Fields a change-set revert puts back; the version, correction stamp and links stay as the revert writes them.
REVERTED_FIELDS = (
    "name",
    "theme",
    "headline",
    "value",
    "stated_value",
    "decimals",
    "unit",
    "qualifier",
    "correction_reason",
    "corrected_at",
    "corrected_by_id",
    "numerator_id",
    "denominator_id",
    "case_id",
    "code",
    "source_paragraph",
    "source_quote",
    "position",
)
REVERT_STALE = _lazy(
    "「%(name)s」在這次儲存之後又被 %(user)s 修改過（版本 %(saved)s → %(stored)s），無法整次還原；"
    "請先還原之後的那次儲存，或在修改頁直接修改。"
)
REVERT_ADDED_OR_DELETED = _lazy("這次儲存新增或刪除了「%(name)s」，無法整次還原；請在數據列表中新增或刪除。")
REVERT_GONE = _lazy("「%(name)s」已被刪除，無法還原這次儲存。")


class SaveRefused(Exception):
    """A multi-row write that was refused as a whole; ``messages`` say why, for the editor."""

    def __init__(self, messages: Sequence[str]):
        super().__init__("; ".join(messages))
        self.messages = list(messages)


def lock_linked_figures(*, edited: Iterable[Figure], deleted: Collection[int] = ()) -> dict[int, Figure]:
    """Lock the figures a save of ``edited`` touches and return them as stored, by pk.

    The linked set is the edited figures, the rates linked to them (less ``deleted``) and
    those rates' counts, locked in pk order (``SELECT … FOR UPDATE``) until the caller's
    transaction ends, so two saves of one rate's figures run one after the other. Called
    inside ``transaction.atomic`` (the admin's change views are); outside one it only reads.
    """
    edited = list(edited)
    return lock_figures(linked_set(edited, deleted=deleted) | set(deleted))


def revert_change_set(*, change_set: UUID, reason: str, user, acting_change_set: UUID) -> list[Figure]:
    """Put every figure one save changed back as it was before that save, as one new save.

    Locks the linked set; refuses (``SaveRefused``, nothing written) when the save added or
    deleted a figure, a figure is gone or was saved again since, a reverted figure breaks
    its own rules, or the reverted values break a linked rate. The new history rows carry
    ``reason`` (or "revert the save of <date>"), ``user`` and ``acting_change_set``.
    ``StaleVersion`` from a save racing this one propagates, and everything is rolled back.
    Returns the reverted figures.
    """
    with transaction.atomic(using=router.db_for_write(Figure)):
        records = list(
            Figure.history.filter(change_set=change_set).select_related("history_user").order_by("history_id")
        )
        pairs = [(record, record.prev_record) for record in records]
        problems = [
            str(REVERT_ADDED_OR_DELETED % {"name": record.name})
            for record, previous in pairs
            if record.history_type != "~" or previous is None
        ]
        if problems:
            raise SaveRefused(problems)
        pks = [record.id for record, _previous in pairs]
        stored = lock_linked_figures(edited=Figure.objects.filter(pk__in=pks))
        reverted = []
        for record, previous in pairs:
            current = stored.get(record.id)
            if current is None:
                problems.append(str(REVERT_GONE % {"name": record.name}))
                continue
            if current.version != record.version:
                later = current.history.filter(version__gt=record.version).select_related("history_user").first()
                by = later.history_user if later and later.history_user else _("他人")
                problems.append(
                    str(
                        REVERT_STALE
                        % {"name": current.name, "user": by, "saved": record.version, "stored": current.version}
                    )
                )
                continue
            for field in REVERTED_FIELDS:
                setattr(current, field, getattr(previous, field))
            current.rate_check_deferred = True
            try:
                current.full_clean(exclude=["report", "section"])
            except ValidationError as error:
                problems += [f"「{current.name}」：{message}" for message in error.messages]
            reverted.append(current)
        if problems:
            raise SaveRefused(problems)
        problems = linked_rate_errors(reverted, stored=stored)
        if problems:
            raise SaveRefused(problems)
        saved_at = timezone.localtime(records[0].history_date)
        default_reason = _("還原 %(date)s 的儲存") % {"date": f"{saved_at:%Y-%m-%d %H:%M}"}
        for figure in reverted:
            figure._change_reason = reason or default_reason
            figure._change_set = acting_change_set
            figure._history_user = user
            figure.save()
    return reverted


@dataclass(frozen=True)
class Heading:
    """A heading of the text: a section of the report to be, with the slug and topic proposed for it.

    ``heading_en`` is the section's English heading: last year's section of the same topic's, or as the editor
    wrote it on the review; blank for a new part.
    """

    paragraph: int
    text: str
    slug: str
    topic: str
    heading_en: str = ""


@dataclass(frozen=True)
class AcceptedFigure:
    """One row the editor accepted, as edited.

    ``name_en``, ``theme_en`` and ``headline`` are carried from last year's figure of the code (or
    written by the editor). ``numerator`` and ``denominator`` are codes of other figures of the same
    import that this rate is computed from (``metrics.importing.matching.carried_links``), both or neither.
    """

    slug: str
    code: str
    name: str
    theme: str
    value: Decimal
    unit: str
    qualifier: str
    paragraph: int
    quote: str
    name_en: str = ""
    theme_en: str = ""
    headline: bool = False
    numerator: str = ""
    denominator: str = ""

    @property
    def is_linked_rate(self) -> bool:
        return bool(self.numerator and self.denominator)


#: The portal's kind of a unit a text uses, from what ``metrics.text.units.unit_kind`` reads it as.
KIND_OF_TEXT_KIND = {
    KIND_PERCENT: UnitKind.PERCENT,
    KIND_POINTS: UnitKind.POINTS,
    KIND_MONEY: UnitKind.MONEY,
    KIND_WEIGHT: UnitKind.WEIGHT,
    KIND_TIME: UnitKind.DURATION,
    KIND_COUNT: UnitKind.COUNT,
}
#: Yuan in one unit of money, by the multiplier written before 元 (萬元, 億元); any other money unit counts 1.
YUAN_BY_PREFIX = {"萬": 10_000, "万": 10_000, "億": 100_000_000, "亿": 100_000_000, "千": 1_000}


def new_unit(code: str, *, values: Iterable[Decimal]) -> Unit:
    """An unsaved, validated unit row for ``code`` as a text writes it, which an import adds.

    Its kind is what the text's wording says it measures (count unless it reads as percent,
    points, money, weight or time); it takes a fraction unless it counts things, or when one of
    ``values`` has one; money gets the yuan its 萬/億 prefix says. English forms stay empty for
    an editor to fill (an English page shows the Chinese unit until then).
    """
    kind = KIND_OF_TEXT_KIND.get(unit_kind(code), UnitKind.OTHER)
    fractional = kind != UnitKind.COUNT or any(value != value.to_integral_value() for value in values)
    yuan = YUAN_BY_PREFIX.get(code[0], 1) if kind == UnitKind.MONEY else None
    unit = Unit(code=code, kind=kind, fractional=fractional, yuan=yuan)
    unit.full_clean()
    return unit


def unsaved_figure(accepted: AcceptedFigure, *, unit: Unit, position: int) -> Figure:
    """The figure ``create_report`` saves for ``accepted``, in ``unit`` (its row), without report, section or links.

    A figure is imported as its clause states it: ``stated_value`` is the value, ``decimals``
    the clause's places. A clause that does not state the value is left for ``full_clean``,
    which names what the clause does state.
    """
    figure = Figure(
        code=accepted.code,
        name=accepted.name,
        theme=accepted.theme,
        name_en=accepted.name_en,
        theme_en=accepted.theme_en,
        headline=accepted.headline,
        value=accepted.value,
        stated_value=accepted.value,
        decimals=stated_decimals(
            accepted.quote, value=accepted.value, unit=accepted.unit, qualifier=accepted.qualifier, most=MAX_DECIMALS
        ),
        unit_id=accepted.unit,
        qualifier=accepted.qualifier,
        source_paragraph=accepted.paragraph,
        source_quote=accepted.quote,
        position=position,
    )
    figure.unit = unit
    return figure


def figure_problems(*, figures: Sequence[AcceptedFigure]) -> dict[int, list[str]]:
    """What ``create_report`` would refuse of each of ``figures`` on its own, by index, writing nothing.

    The figure's own rules (``Figure.clean``: the clause states the value, a count is whole, a
    percentage at most 100…) in the unit row it would get, a unit the portal lacks as
    ``create_report`` would add it. Links, codes and sections are the caller's to check. 1 query.
    """
    units: dict[str, Unit] = Unit.objects.in_bulk({accepted.unit for accepted in figures})
    problems: dict[int, list[str]] = {}
    for index, accepted in enumerate(figures):
        try:
            unit = units.get(accepted.unit) or new_unit(
                accepted.unit, values=[other.value for other in figures if other.unit == accepted.unit]
            )
            figure = unsaved_figure(accepted, unit=unit, position=index + 1)
            figure.rate_check_deferred = True
            figure.full_clean(
                exclude=["report", "section", "unit", "numerator", "denominator"], validate_constraints=False
            )
        except ValidationError as error:
            problems[index] = error.messages
    return problems


def create_report(
    *,
    year: int,
    agency: str,
    title: str,
    source_name: str,
    text: str,
    headings: Sequence[Heading],
    figures: Sequence[AcceptedFigure],
    user=None,
) -> Report:
    """Create the draft report, a section for each of ``headings`` that holds an accepted figure, and the figures,
    in one transaction.

    ``text`` is the report's text the headings and figures were read from (one paragraph a
    line): every heading's and figure's paragraph must lie inside it, and it is kept as the
    report's text (``reports.services.attach_source``, its origin ``source_name``, attached by
    ``user``). A section takes its heading's text, English heading, paragraph, slug and topic, and its place among
    ``headings`` as position. A figure takes its English name and theme and headline flag as
    given, and a rate its ``numerator`` and ``denominator`` (codes of this import) as links,
    checked like any linked rate. Every row is saved on its own (not bulk) so each gets a
    history row carrying the reason; the acting user comes from the request
    (simple-history's middleware). A figure is imported as its clause states it
    (``unsaved_figure``); a correction is an edit made afterwards, with its reason. Raises
    ``ValidationError`` (from ``full_clean``, for a figure whose slug is none of
    ``headings``', a paragraph outside the text, or a link to a code the import lacks) and
    rolls everything back when a row breaks a rule.
    """
    reason = _("從原文匯入：%(source)s") % {"source": source_name or title}
    used = {figure.slug for figure in figures}
    unknown = used - {heading.slug for heading in headings}
    if unknown:
        raise ValidationError(_("原文沒有代號為「%(slug)s」的章節。") % {"slug": "、".join(sorted(unknown))})
    last = sum(1 for _line in paragraphs(text))
    outside = sorted({item.paragraph for item in [*headings, *figures] if not 1 <= item.paragraph <= last})
    if outside:
        raise ValidationError(
            _("原文只有 %(last)s 段，沒有第 %(paragraphs)s 段。")
            % {"last": last, "paragraphs": "、".join(str(number) for number in outside)}
        )
    codes = {accepted.code for accepted in figures}
    missing = sorted(
        {code for accepted in figures for code in (accepted.numerator, accepted.denominator) if code} - codes
    )
    if missing:
        raise ValidationError(_("比率連結的數據不在這次匯入中：%(codes)s。") % {"codes": "、".join(missing)})
    with transaction.atomic():
        report = Report(year=year, agency=agency, title=title, source_name=source_name, published=False)
        report.full_clean()
        report._change_reason = reason
        report.save()
        attach_source(report=report, text=text, origin=source_name or PASTED_IN_THE_IMPORT, user=user)
        sections = {}
        for position, heading in enumerate(headings, start=1):
            if heading.slug not in used:
                continue
            section = Section(
                report=report,
                slug=heading.slug,
                topic=heading.topic,
                position=position,
                heading=heading.text,
                heading_en=heading.heading_en,
                source_paragraph=heading.paragraph,
            )
            section._change_reason = reason
            section.save()
            sections[heading.slug] = section
        # One query for every row's unit; a unit the text uses that the portal has no row for is added.
        units = Unit.objects.in_bulk({accepted.unit for accepted in figures})
        for code in sorted({accepted.unit for accepted in figures} - set(units)):
            units[code] = new_unit(code, values=[accepted.value for accepted in figures if accepted.unit == code])
            units[code]._change_reason = reason
            units[code].save()
        created: dict[str, Figure] = {}
        # The counts before the rates linked to them, so each rate is saved once, with its links.
        in_order = sorted(enumerate(figures, start=1), key=lambda pair: pair[1].is_linked_rate)
        for position, accepted in in_order:
            figure = unsaved_figure(accepted, unit=units[accepted.unit], position=position)
            figure.report, figure.section = report, sections[accepted.slug]
            if accepted.is_linked_rate:
                figure.numerator, figure.denominator = created[accepted.numerator], created[accepted.denominator]
                # Checked here against the counts just saved, without reading them again.
                figure.rate_check_deferred = True
                if message := rate_error(figure, figure.numerator, figure.denominator, []):
                    raise ValidationError(f"「{figure.name}」：{message}")
            # Figure.clean() states each of the table's constraints in the editor's words; validating them again as
            # constraints would cost a query per constraint (8 a figure), and the database enforces them anyway. The
            # report, section, unit and links were saved just above: checking that they exist needs no query.
            figure.full_clean(
                exclude=["report", "section", "unit", "numerator", "denominator"], validate_constraints=False
            )
            figure._change_reason = reason
            figure.save()
            created[accepted.code] = figure
    return report


def store_chart_images(*, drawings: Iterable[Drawing]) -> int:
    """Store server drawings of charts (``metrics.charts.rendering``); returns how many were new.

    When any is new the content revision is bumped, so every cached page of the old revision (drawn
    by plotly.js in the browser) is built again with the drawings. A key already stored is left as it is
    (a key names its content).
    """
    rows = [
        ChartImage(key=drawing.key, width=drawing.width, height=drawing.height, svg=drawing.svg, png=drawing.png or b"")
        for drawing in drawings
    ]
    with transaction.atomic():
        known = set(ChartImage.objects.filter(key__in=[row.key for row in rows]).values_list("key", flat=True))
        new = [row for row in rows if row.key not in known]
        ChartImage.objects.bulk_create(new, ignore_conflicts=True)
        if new:
            ContentRevision.bump()
    return len(new)


def prune_chart_images(*, keep: Collection[str]) -> int:
    """Delete the stored drawings whose keys are not in ``keep`` (no page shows them any more); returns how many."""
    with transaction.atomic():
        deleted, _by_model = ChartImage.objects.exclude(key__in=list(keep)).delete()
    return deleted
