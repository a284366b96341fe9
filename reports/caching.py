"""Caches keyed by revision numbers kept in the database.

Any save or delete of a report, section, case, named-list entry or figure bumps
``ContentRevision.number``; any change to accounts, groups or permissions bumps
``access_number`` (signals wired in ``ReportsConfig.ready``). Page-cache keys
include the first, cached permission sets the second, so a change is visible on
the very next request in every process; entries of older revisions are never
read again and age out.

Both numbers are read with one query, at most once per request.
"""

import hashlib
from collections.abc import Callable
from typing import NamedTuple, TypeVar

from asgiref.local import Local
from django.core.cache import cache
from django.db.models import F
from django.utils.translation import get_language

from reports.models import ContentRevision

#: Entries only become stale through a revision bump; this merely bounds their life.
PAGE_CACHE_SECONDS = 24 * 60 * 60
REVISION_ROW = 1

T = TypeVar("T")


class Revisions(NamedTuple):
    content: int
    access: int


_request_state = Local()


def revisions() -> Revisions:
    """The current revisions: read from the database once per request (0, 0 before any change)."""
    remembered = getattr(_request_state, "revisions", None)
    if remembered is None:
        row = ContentRevision.objects.filter(pk=REVISION_ROW).values_list("number", "access_number").first()
        remembered = Revisions(*(row or (0, 0)))
        _request_state.revisions = remembered
    return remembered


def forget_revisions(**signal_kwargs) -> None:
    """Drop the remembered revisions (at the start of each request, and after a bump)."""
    _request_state.revisions = None


def _bump(field: str) -> None:
    # Migration 0002 creates the row; a database flushed since (tests) gets it back here.
    if ContentRevision.objects.filter(pk=REVISION_ROW).update(**{field: F(field) + 1}) == 0:
        ContentRevision.objects.get_or_create(pk=REVISION_ROW, defaults={field: 1})
    forget_revisions()


def bump_revision(**signal_kwargs) -> None:
    """Mark every cached page stale. Usable directly or as a post_save/post_delete receiver."""
    _bump("number")


def bump_access_revision(**signal_kwargs) -> None:
    """Mark every cached permission set stale, unless the save only stamped a login time."""
    if signal_kwargs.get("update_fields") == frozenset({"last_login"}):
        return
    _bump("access_number")


def cache_key(parts: tuple, revision: int) -> str:
    """A short key for ``parts`` (any printable values) in the current language and revision."""
    raw = "\x1f".join(str(part) for part in (*parts, get_language(), revision))
    return "portal:" + hashlib.sha256(raw.encode("utf-8")).hexdigest()


def cached(parts: tuple, build: Callable[[], T], *, revision: int | None = None) -> T:
    """The cached value for ``parts`` at ``revision`` (the content revision if not given).

    On a miss ``build()`` makes the value, which is stored; if it raises (e.g.
    Http404) nothing is stored.
    """
    key = cache_key(parts, revisions().content if revision is None else revision)
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, PAGE_CACHE_SECONDS)
    return value
