"""A second pair of eyes on what the public sees: proposals of changes to published figures and of publications.

One editor proposes (``propose_figures``, ``propose_publication``); a second person with the
approver role approves (``approve``) or returns it with a reason the proposer reads
(``return_proposal``). Nobody decides their own proposal. Until approval the figures keep their
published values, so every page, export and the explorer show those. Approval applies the
linked set's row locks and version checks of an ordinary save (``services.lock_linked_figures``,
``metrics.models.linked_rate_errors``): a proposal made against a version that has changed since,
or one that would break a linked rate given what was approved meanwhile, is refused as a whole.

``settings.SECOND_APPROVAL_REQUIRED`` turns the second pair of eyes off (a bureau with one
editor): saves then take effect at once, as before, and ``record_direct_change`` keeps the
record of revisions whole.

Writes are keyword-only and atomic; refusals are ``services.SaveRefused`` with the messages.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from common.versioning import new_change_set
from metrics.choices import ProposalKind, ProposalStatus
from metrics.formatting import format_figure, plain_number
from metrics.models import Figure, Proposal, ProposedChange, linked_rate_errors, linked_set
from metrics.publication import PublishRefused, publish_report, report_checklist
from metrics.rates import expected_rate, rate_matches
from metrics.services import REVERTED_FIELDS, SaveRefused, lock_linked_figures
from metrics.services import revert_change_set as services_revert
from reports.models import Report

#: The fields of a published figure whose change needs a second person's approval.
REVIEWED_FIELDS = ("value", "qualifier", "correction_reason")

SELF_DECISION = _lazy("您不能核准或退回自己提議的修改：請由另一位核准者處理。")
NOT_PENDING = _lazy("這項提議已經%(status)s，不能再核准或退回。")
STALE = _lazy(
    "「%(name)s」在提議之後又被修改過（版本 %(base)s → %(stored)s），這項提議已過期，沒有核准："
    "請退回，由提議者依目前的數值重新提議。"
)
GONE = _lazy("提議中的數據已被刪除，這項提議無法核准。")
ALREADY_PENDING = _lazy("「%(name)s」已有一項待核准的修改（#%(pk)s）：請待核准或退回後再修改。")
RETURN_NEEDS_REASON = _lazy("退回時須寫明原因，提議者會看到。")
ALREADY_PUBLISHED = _lazy("這份報告已經發布。")
NOT_APPROVER = _lazy("只有核准者可以核准或退回修改。")
APPROVAL_REASON = "核准 %(proposer)s 的提議 #%(pk)s：%(reason)s"

APPROVE_PERMISSION = "metrics.approve_proposal"


def second_approval_required() -> bool:
    """Whether changes to what the public sees wait for a second person (``SECOND_APPROVAL_REQUIRED``)."""
    return getattr(settings, "SECOND_APPROVAL_REQUIRED", True)


def needs_review(figure: Figure, changed: Iterable[str]) -> bool:
    """Whether a save of ``figure`` that changes the fields ``changed`` must be proposed rather than written."""
    if not second_approval_required() or figure.pk is None:
        return False
    if not set(changed) & set(REVIEWED_FIELDS):
        return False
    return Report.objects.filter(pk=figure.report_id, published=True).exists()


def pending_problems(figures: Iterable[Figure]) -> list[str]:
    """Messages for the figures that already have a pending proposal (one query)."""
    by_pk = {figure.pk: figure for figure in figures if figure.pk is not None}
    if not by_pk:
        return []
    rows = ProposedChange.objects.filter(figure__in=by_pk, proposal__status=ProposalStatus.PENDING)
    return [
        str(ALREADY_PENDING % {"name": by_pk[figure].name, "pk": proposal})
        for figure, proposal in rows.values_list("figure_id", "proposal_id").order_by("figure_id")
    ]


def propose_figures(*, figures: Sequence[Figure], user, reason: str = "") -> Proposal:
    """Propose the values ``figures`` carry (unsaved: value, qualifier, correction reason) as one proposal.

    Each figure's ``version`` is the version the proposal is made against. Locks the linked
    set; refuses (``SaveRefused``, nothing written) when a figure has a pending proposal
    already, was saved since its version, or the proposed values break a linked rate.
    """
    with transaction.atomic(using=router.db_for_write(Proposal)):
        figures = list(figures)
        stored = lock_linked_figures(edited=figures)
        problems = pending_problems(figures)
        for figure in figures:
            current = stored.get(figure.pk)
            if current is None:
                problems.append(str(GONE))
            elif current.version != figure.version:
                problems.append(str(STALE % {"name": current.name, "base": figure.version, "stored": current.version}))
        if problems:
            raise SaveRefused(problems)
        if problems := linked_rate_errors(figures, stored=stored):
            raise SaveRefused(problems)
        proposal = Proposal.objects.create(
            kind=ProposalKind.FIGURES, report_id=figures[0].report_id, reason=reason or "", proposed_by=user
        )
        ProposedChange.objects.bulk_create(
            change_row(proposal, stored[figure.pk], figure.value, figure.qualifier, figure.correction_reason)
            for figure in figures
        )
    return proposal


def change_row(proposal, current: Figure, value, qualifier, correction_reason) -> ProposedChange:
    return ProposedChange(
        proposal=proposal,
        figure=current,
        base_version=current.version,
        stated_value=current.stated_value,
        decimals=current.decimals,
        old_value=current.value,
        old_qualifier=current.qualifier,
        old_correction_reason=current.correction_reason,
        value=value,
        qualifier=qualifier,
        correction_reason=correction_reason if Decimal(value) != current.stated_value else "",
    )


def record_direct_change(
    *, before: dict[int, Figure], after: Sequence[Figure], user, reason: str = "", change_set=None
):
    """With the second pair of eyes off: record a save of published figures as an approved proposal without an
    approver, so the record of revisions lists it. ``before`` are the figures as stored before the save, by pk."""
    changed = [
        figure
        for figure in after
        if figure.pk in before
        and any(getattr(figure, name) != getattr(before[figure.pk], name) for name in REVIEWED_FIELDS)
    ]
    if not changed:
        return None
    with transaction.atomic(using=router.db_for_write(Proposal)):
        now = timezone.now()
        proposal = Proposal.objects.create(
            kind=ProposalKind.FIGURES,
            report_id=changed[0].report_id,
            reason=reason or "",
            proposed_by=user,
            proposed_at=now,
            status=ProposalStatus.APPROVED,
            decided_at=now,
            change_set=change_set,
        )
        ProposedChange.objects.bulk_create(
            change_row(proposal, before[figure.pk], figure.value, figure.qualifier, figure.correction_reason)
            for figure in changed
        )
    return proposal


def propose_publication(*, report: Report, user, reason: str = "") -> Proposal:
    """Propose publishing the draft ``report``; refused while its checklist has open items, or one is pending."""
    with transaction.atomic(using=router.db_for_write(Proposal)):
        stored = Report.objects.select_for_update().get(pk=report.pk)
        if stored.published:
            raise SaveRefused([str(ALREADY_PUBLISHED)])
        pending = Proposal.objects.pending().filter(kind=ProposalKind.PUBLISH, report=stored).first()
        if pending is not None:
            return pending
        checklist = report_checklist(report=stored)
        if not checklist.ready:
            raise PublishRefused(checklist)
        return Proposal.objects.create(kind=ProposalKind.PUBLISH, report=stored, reason=reason or "", proposed_by=user)


def _decidable(proposal_id: int, user) -> Proposal:
    """The pending proposal, locked; refused for its proposer, for a user without the approver role, or once decided."""
    proposal = Proposal.objects.select_for_update().select_related("proposed_by").get(pk=proposal_id)
    if not proposal.is_pending:
        raise SaveRefused([str(NOT_PENDING % {"status": proposal.get_status_display()})])
    if proposal.proposed_by_id == user.pk:
        raise SaveRefused([str(SELF_DECISION)])
    if not user.has_perm(APPROVE_PERMISSION):
        raise SaveRefused([str(NOT_APPROVER)])
    return proposal


def approve(*, proposal_id: int, user) -> Proposal:
    """Approve a pending proposal: write its figures' values (or publish its report) as ``user``'s save.

    Refused (``SaveRefused``, nothing written) for the proposer, once decided, when a figure was
    saved since the proposal (stale) or its values, with whatever was approved meanwhile, break a
    linked rate; a publication whose checklist has open items is refused with them. The figures'
    history rows carry ``user`` and a reason naming the proposer and the proposal; the correction
    stamp names the proposer.
    """
    with transaction.atomic(using=router.db_for_write(Proposal)):
        proposal = _decidable(proposal_id, user)
        change_set = new_change_set()
        if proposal.kind == ProposalKind.PUBLISH:
            try:
                publish_report(
                    report=proposal.report, user=user, change_set=change_set, reason=approval_reason(proposal)[:100]
                )
            except PublishRefused as refusal:
                raise SaveRefused(refusal.messages) from None
        else:
            _apply_figures(proposal, user=user, change_set=change_set)
        proposal.status, proposal.decided_by, proposal.decided_at = ProposalStatus.APPROVED, user, timezone.now()
        proposal.change_set = change_set
        proposal.save()
    return proposal


def approval_reason(proposal: Proposal) -> str:
    """The reason the approval's history rows carry: the proposer, the proposal and its reason (data, in Chinese)."""
    return APPROVAL_REASON % {
        "proposer": proposal.proposed_by.get_username(),
        "pk": proposal.pk,
        "reason": proposal.reason or "—",
    }


def _apply_figures(proposal: Proposal, *, user, change_set) -> None:
    changes = list(proposal.changes.order_by("figure_id"))
    stored = lock_linked_figures(edited=[Figure(pk=change.figure_id) for change in changes])
    problems, edited = [], []
    for change in changes:
        current = stored.get(change.figure_id)
        if current is None:
            problems.append(str(GONE))
            continue
        if current.version != change.base_version:
            problems.append(str(STALE % {"name": current.name, "base": change.base_version, "stored": current.version}))
            continue
        current.value, current.qualifier = change.value, change.qualifier
        current.correction_reason = change.correction_reason
        edited.append(current)
    if problems:
        raise SaveRefused(problems)
    if problems := linked_rate_errors(edited, stored=stored):
        raise SaveRefused(problems)
    reason = approval_reason(proposal)
    now = timezone.now()
    for figure in edited:
        if figure.is_correction:
            figure.corrected_at, figure.corrected_by = now, proposal.proposed_by
        figure._change_reason = reason[:100]
        figure._change_set = change_set
        figure._history_user = user
        figure.save()


def return_proposal(*, proposal_id: int, user, reason: str) -> Proposal:
    """Return a pending proposal to its proposer with ``reason`` (required); nothing else changes."""
    reason = (reason or "").strip()
    if not reason:
        raise SaveRefused([str(RETURN_NEEDS_REASON)])
    with transaction.atomic(using=router.db_for_write(Proposal)):
        proposal = _decidable(proposal_id, user)
        proposal.status, proposal.decided_by, proposal.decided_at = ProposalStatus.RETURNED, user, timezone.now()
        proposal.return_reason = reason[:200]
        proposal.save()
    return proposal


@dataclass(frozen=True)
class DiffRow:
    """One line of a proposal's diff: a figure stored → proposed, or a linked rate recomputed from its counts."""

    name: str
    stored: str
    proposed: str
    changed: bool
    is_rate: bool = False
    consistent: bool = True
    computed: str = ""
    #: The correction reason stored → proposed, when the proposal changes it.
    reason_stored: str = ""
    reason_proposed: str = ""


def proposal_diff(proposal: Proposal) -> list[DiffRow]:
    """Every figure the proposal changes (stored → proposed) and every rate linked to them, recomputed
    from the proposed counts (``metrics.rates``). Two queries: the changes, then the linked set."""
    changes = {change.figure_id: change for change in proposal.changes.select_related("figure__unit")}
    figures = [change.figure for change in changes.values()]
    linked = Figure.objects.filter(pk__in=linked_set(figures)).select_related("unit").order_by("position", "pk")
    by_pk = {figure.pk: figure for figure in linked}
    rows = []
    for figure in linked:
        change = changes.get(figure.pk)
        new_value = change.value if change else figure.value
        new_qualifier = change.qualifier if change else figure.qualifier
        stored_text = format_figure(figure.value, figure.unit, figure.qualifier, figure.decimals)
        proposed_text = format_figure(new_value, figure.unit, new_qualifier, figure.decimals)
        if figure.is_linked_rate and figure.numerator_id in by_pk and figure.denominator_id in by_pk:

            def proposed(pk):
                return changes[pk].value if pk in changes else by_pk[pk].value

            n, d = proposed(figure.numerator_id), proposed(figure.denominator_id)
            expected = expected_rate(n, d, figure.decimals)
            rows.append(
                DiffRow(
                    name=figure.name,
                    stored=stored_text,
                    proposed=proposed_text,
                    changed=change is not None,
                    is_rate=True,
                    consistent=rate_matches(new_value, n, d, figure.decimals),
                    computed="—" if expected is None else f"{plain_number(n)} ÷ {plain_number(d)} × 100 = {expected}%",
                    reason_stored=figure.correction_reason if change else "",
                    reason_proposed=change.correction_reason if change else "",
                )
            )
        else:
            rows.append(
                DiffRow(
                    name=figure.name,
                    stored=stored_text,
                    proposed=proposed_text,
                    changed=change is not None
                    and (
                        (new_value, new_qualifier) != (figure.value, figure.qualifier)
                        or change.correction_reason != figure.correction_reason
                    ),
                    reason_stored=figure.correction_reason if change else "",
                    reason_proposed=change.correction_reason if change else "",
                )
            )
    return rows


REVERT_NEEDS_FORM = _lazy(
    "這次儲存還改了已發布數據的其他欄位（%(names)s），無法整次送交核准：請在各筆數據的修改頁修改。"
)
#: The fields a change-set revert puts back, as attributes to compare, less the reviewed ones and the stamp.
_OTHER_REVERTED = tuple(
    "unit_id" if name == "unit" else name
    for name in REVERTED_FIELDS
    if name not in (*REVIEWED_FIELDS, "corrected_at", "corrected_by_id")
)


def revert_change_set(*, change_set, reason: str, user, acting_change_set) -> tuple[list[Figure], Proposal | None]:
    """A change-set revert (``services.revert_change_set``) under the second pair of eyes.

    When the save touched figures of a published report and approval is required, the revert is
    worked out (and checked) in a savepoint that is rolled back, and its values are proposed
    instead: ``([], proposal)``. Such a revert that would also put back other fields is refused
    (those go through the figure's form). Otherwise the revert is written, and with approval off
    recorded for the record of revisions: ``(reverted, None)``.
    """
    with transaction.atomic(using=router.db_for_write(Figure)):
        before = None
        if not second_approval_required():
            pks = Figure.history.filter(change_set=change_set).values_list("id", flat=True)
            before = Figure.objects.filter(pk__in=pks, report__published=True).in_bulk()
        point = transaction.savepoint()
        reverted = services_revert(change_set=change_set, reason=reason, user=user, acting_change_set=acting_change_set)
        if before is not None:
            record_direct_change(before=before, after=reverted, user=user, reason=reason, change_set=acting_change_set)
            return reverted, None
        published = set(
            Report.objects.filter(pk__in={figure.report_id for figure in reverted}, published=True).values_list(
                "pk", flat=True
            )
        )
        if not published:
            return reverted, None
        transaction.savepoint_rollback(point)
        stored = Figure.objects.in_bulk([figure.pk for figure in reverted])
        others = [
            figure.name
            for figure in reverted
            if any(getattr(figure, name) != getattr(stored[figure.pk], name) for name in _OTHER_REVERTED)
        ]
        if others:
            raise SaveRefused([str(REVERT_NEEDS_FORM % {"names": "、".join(others)})])
        candidates = []
        for figure in reverted:
            current = stored[figure.pk]
            if any(getattr(figure, name) != getattr(current, name) for name in REVIEWED_FIELDS):
                figure.version = current.version
                candidates.append(figure)
        if not candidates:
            return [], None
        return [], propose_figures(figures=candidates, user=user, reason=reason or "")
