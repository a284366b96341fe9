"""Writes of figures that are more than one model save: keyword-only, each under ``transaction.atomic``.

Selectors read, services write, views and the admin compose. A service either
writes everything it was asked to or nothing, and says why not with an exception
that carries the editor's messages.
"""

from collections.abc import Collection, Iterable, Sequence
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from metrics.models import Figure, linked_rate_errors, linked_set, lock_figures

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
