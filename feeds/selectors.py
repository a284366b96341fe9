"""Reads for the feeds: whom a feed request reads for, and each feed's entries. Each states its query count."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser

from common.roles import SEE_DRAFTS_PERMISSION, may_read, public_mode
from feeds.models import FeedToken
from metrics.models import Figure
from metrics.selectors import figure_series
from reports.models import Report, released

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


def revisions(*, drafts: bool = False, limit: int = FEED_ITEMS) -> list[Revision]:
    """The latest changes to published figures, newest first: today the corrections (a published value other than
    the one the report states, with its reason and time). 1 query.

    The revisions feed reads only this function: when a fuller record of revisions exists (who proposed
    and approved each), this is the one place to point at it.
    """
    figures = Figure.objects.with_context().filter(corrected_at__isnull=False).corrections()
    if not drafts:
        figures = figures.filter(released("report__"))
    return [
        Revision(
            figure=figure,
            before=figure.stated_value,
            after=figure.value,
            reason=figure.correction_reason,
            at=figure.corrected_at,
        )
        for figure in figures.order_by("-corrected_at", "-pk")[:limit]
    ]


def metric_entries(*, code: str, drafts: bool = False) -> list[Figure]:
    """Each report's figure of ``code`` the reader may see, newest year first (``figure_series``: Http404 when
    none). 1 query."""
    return list(reversed(figure_series(code=code, drafts=drafts)))[:FEED_ITEMS]
