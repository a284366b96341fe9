"""Page cache for the portal, keyed by a content revision kept in the database.

Any save or delete of a report, section, case, named-list entry or figure bumps
``ContentRevision.number`` (signals wired in ``ReportsConfig.ready``). Every key
includes the revision, so an edit is visible on the very next request in every
process; entries of older revisions are never read again and age out.
"""

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db.models import F
from django.utils.translation import get_language

from reports.models import ContentRevision

#: Entries only become stale through a revision bump; this merely bounds their life.
PAGE_CACHE_SECONDS = 24 * 60 * 60

T = TypeVar("T")


def current_revision() -> int:
    """The revision number now (0 before the first change). One indexed query."""
    return ContentRevision.objects.filter(pk=1).values_list("number", flat=True).first() or 0


def bump_revision(**signal_kwargs) -> None:
    """Mark all cached pages stale. Usable directly or as a post_save/post_delete receiver."""
    if ContentRevision.objects.filter(pk=1).update(number=F("number") + 1) == 0:
        ContentRevision.objects.get_or_create(pk=1, defaults={"number": 1})


def cache_key(parts: tuple, revision: int) -> str:
    """A short key for ``parts`` (any printable values) in the current language and revision."""
    raw = "\x1f".join(str(part) for part in (*parts, get_language(), revision))
    return "portal:" + hashlib.sha256(raw.encode("utf-8")).hexdigest()


def cached(parts: tuple, build: Callable[[], T]) -> T:
    """The cached value for ``parts`` at the current revision, built (and stored) on a miss.

    ``build`` may raise (e.g. Http404); nothing is stored then.
    """
    key = cache_key(parts, current_revision())
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, PAGE_CACHE_SECONDS)
    return value
