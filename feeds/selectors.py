"""Reads for the feeds: whom a feed request reads for, and each feed's entries. Each states its query count."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser

from common.roles import SEE_DRAFTS_PERMISSION, may_read, public_mode
from feeds.models import FeedToken
from metrics.models import Figure
from metrics.selectors import figure_series, revision_list
from reports.models import Report

#: Entries in one feed: the newest this many; a bound we chose, whatever the database holds.
FEED_ITEMS = 50


@dataclass(frozen=True)
class Reader:
    """Whom a feed answers for: an account (by its token) or, in public mode, anyone."""

    user: object
    drafts: bool


def feed_reader(token: str | None) -> Reader | None:
    """The reader of a feed request with ``token`` (None: the URL without one); None when the feed is a 404.

    Without a token: anyone in public mode, else nobody. With one: its account, when the token is
    not revoked, the account is active and may read (``may_read``), else nobody; an unknown token is
    the same 404 as no token, so a feed never tells which tokens exist. 1 query for a token (its row
    and account), 2 more for the account's permissions; none without a token.
    """
    if token is None:
        return Reader(user=AnonymousUser(), drafts=False) if public_mode() else None
    if len(token) > 100:
        return None
    row = FeedToken.objects.active().select_related("user").filter(digest=FeedToken.digest_of(token)).first()
    if row is None or not row.user.is_active or not may_read(row.user):
        return None
    return Reader(user=row.user, drafts=row.user.has_perm(SEE_DRAFTS_PERMISSION))


def feed_reports(*, drafts: bool = False) -> list[Report]:
    """The reports released (with ``drafts``, for editors, every report), the newest year first. 1 query."""
    reports = Report.objects.all() if drafts else Report.objects.published()
    return list(reports.order_by("-year")[:FEED_ITEMS])


@dataclass(frozen=True)
class Revision:
    """A change to a published figure: the figure (report, section and unit joined), the value before and after,
    why, and when."""

    figure: Figure
    before: object
    after: object
    reason: str
    at: datetime
    kind: str = "correction"

    @property
    def key(self) -> str:
        """What tells this revision from any other: the figure and the time."""
        return f"{self.figure.pk}-{self.at.isoformat()}"


def revisions(*, limit: int = FEED_ITEMS) -> list[Revision]:
    """The latest changes to published figures, newest first, as the record of revisions
    (``metrics.selectors.revision_list``, ``/revisions/``) holds them: each approved change with the value
    before and after, why (the correction's reason, else the proposal's) and when it was approved. 1 query.
    """
    changes = revision_list().select_related("proposal")[:limit]
    return [
        Revision(
            figure=change.figure,
            before=change.old_value,
            after=change.value,
            reason=change.correction_reason or change.proposal.reason,
            at=change.proposal.decided_at,
            kind=change.kind,
        )
        for change in changes
    ]


def metric_entries(*, code: str, drafts: bool = False) -> list[Figure]:
    """Each report's figure of ``code`` the reader may see, newest year first (``figure_series``: Http404 when
    none). 1 query."""
    return list(reversed(figure_series(code=code, drafts=drafts)))[:FEED_ITEMS]
