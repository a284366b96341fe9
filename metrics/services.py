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

from metrics.choices import UnitKind
from metrics.models import MAX_DECIMALS, Figure, Unit, linked_rate_errors, linked_set, lock_figures
from metrics.text.clauses import stated_decimals
from metrics.text.units import KIND_COUNT, KIND_MONEY, KIND_PERCENT, KIND_POINTS, KIND_TIME, KIND_WEIGHT, unit_kind
from reports.models import Report, Section

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
    """A heading of the text: a section of the report to be, with the slug and topic proposed for it."""

    paragraph: int
    text: str
    slug: str
    topic: str


@dataclass(frozen=True)
class AcceptedFigure:
    """One row the editor accepted, as edited."""

    slug: str
    code: str
    name: str
    theme: str
    value: Decimal
    unit: str
    qualifier: str
    paragraph: int
    quote: str


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


def create_report(
    *,
    year: int,
    agency: str,
    title: str,
    source_name: str,
    headings: Sequence[Heading],
    figures: Sequence[AcceptedFigure],
) -> Report:
    """Create the draft report, a section for each of ``headings`` that holds an accepted figure, and the figures,
    in one transaction.

    A section takes its heading's text, paragraph, slug and topic, and its place among
    ``headings`` as position. Every row is saved on its own (not bulk) so each gets a
    history row carrying the reason; the acting user comes from the request
    (simple-history's middleware). A figure is imported as its clause states it:
    ``stated_value`` is the value, ``decimals`` the clause's places; a correction is an
    edit made afterwards, with its reason. Raises ``ValidationError`` (from
    ``full_clean``, or for a figure whose slug is none of ``headings``') and rolls
    everything back when a row breaks a rule.
    """
    reason = _("從原文匯入：%(source)s") % {"source": source_name or title}
    used = {figure.slug for figure in figures}
    unknown = used - {heading.slug for heading in headings}
    if unknown:
        raise ValidationError(_("原文沒有代號為「%(slug)s」的章節。") % {"slug": "、".join(sorted(unknown))})
    with transaction.atomic():
        report = Report(year=year, agency=agency, title=title, source_name=source_name, published=False)
        report.full_clean()
        report._change_reason = reason
        report.save()
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
        for position, accepted in enumerate(figures, start=1):
            figure = Figure(
                report=report,
                section=sections[accepted.slug],
                code=accepted.code,
                name=accepted.name,
                theme=accepted.theme,
                value=accepted.value,
                stated_value=accepted.value,
                # A clause that does not state the value is refused by full_clean, which names what it does state.
                decimals=stated_decimals(
                    accepted.quote,
                    value=accepted.value,
                    unit=accepted.unit,
                    qualifier=accepted.qualifier,
                    most=MAX_DECIMALS,
                ),
                unit_id=accepted.unit,
                qualifier=accepted.qualifier,
                source_paragraph=accepted.paragraph,
                source_quote=accepted.quote,
                position=position,
            )
            # Figure.clean() states each of the table's constraints in the editor's words; validating them again
            # as constraints would cost a query per constraint (8 a figure), and the database enforces them anyway.
            # The report and section were saved just above and every unit read or added: none needs a query.
            figure.unit = units[accepted.unit]
            figure.full_clean(exclude=["report", "section", "unit"], validate_constraints=False)
            figure._change_reason = reason
            figure.save()
    return report
