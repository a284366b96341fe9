"""Page fragments cached per content revision.

Callers pass the current ``ContentRevision`` revision as the cache version (the
generation-key pattern): a save anywhere bumps it, and so does a report's release
time passing (``"<edits>.<released>"``), so the next request in every process asks
for a version nobody has stored yet, and entries of older revisions are never read
again and age out.
"""

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.utils.translation import get_language

#: Entries only go stale through a revision bump; this merely bounds their life.
PAGE_CACHE_SECONDS = 24 * 60 * 60

T = TypeVar("T")


def cache_key(parts: tuple) -> str:
    """A short key for ``parts`` (any printable values) in the active language."""
    raw = "\x1f".join(str(part) for part in (*parts, get_language()))
    return "portal:" + hashlib.sha256(raw.encode("utf-8")).hexdigest()


def cached(parts: tuple, build: Callable[[], T], *, revision: int | str) -> T:
    """The value stored for ``parts`` at ``revision``; on a miss ``build()`` makes and stores it.

    If ``build()`` raises (Http404, say) nothing is stored.
    """
    key = cache_key(parts)
    value = cache.get(key, version=revision)
    if value is None:
        value = build()
        cache.set(key, value, PAGE_CACHE_SECONDS, version=revision)
    return value
