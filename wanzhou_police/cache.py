"""Django's Redis cache, degraded to an empty cache while Redis does not answer.

The portal's cache holds only what it can rebuild (rendered page fragments), so
a Redis outage must cost speed, never a page: reads miss, writes are dropped.
After a failure the backend leaves Redis alone for ``outages.CACHE.retry_seconds``
(no connection attempt per request), then tries again and is back in use at the
first answer. The outage is logged once, and once more when it ends.
"""

import functools

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

from wanzhou_police.outages import CACHE

#: What a read returns when Redis has no entry or does not answer.
_MISSING = object()


def _missing_key():
    """``incr`` of an absent key raises ValueError (Django's contract); so it does during an outage."""
    raise ValueError("cache unavailable")


def _degrade(fallback):
    """Run the method against Redis; on a Redis error, or during an outage, return ``fallback()``."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if not CACHE.should_try():
                return fallback()
            try:
                result = method(self, *args, **kwargs)
            except RedisError as error:
                CACHE.failed(error)
                return fallback()
            CACHE.recovered()
            return result

        return wrapper

    return decorate


class ResilientRedisCache(RedisCache):
    """``RedisCache`` that treats an unreachable Redis as an empty cache (see the module docstring)."""

    @_degrade(lambda: False)
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().add(key, value, timeout, version)

    def get(self, key, default=None, version=None):
        value = self._get(key, version)
        return default if value is _MISSING else value

    @_degrade(lambda: _MISSING)
    def _get(self, key, version):
        return super().get(key, _MISSING, version)

    @_degrade(lambda: None)
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        super().set(key, value, timeout, version)

    @_degrade(lambda: False)
    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return super().touch(key, timeout, version)

    @_degrade(lambda: False)
    def delete(self, key, version=None):
        return super().delete(key, version)

    @_degrade(dict)
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @_degrade(lambda: False)
    def has_key(self, key, version=None):
        return super().has_key(key, version)

    @_degrade(_missing_key)
    def incr(self, key, delta=1, version=None):
        return super().incr(key, delta, version)

    @_degrade(list)
    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set_many(data, timeout, version)

    @_degrade(lambda: None)
    def delete_many(self, keys, version=None):
        super().delete_many(keys, version)

    @_degrade(lambda: False)
    def clear(self):
        return super().clear()

    def ping(self) -> bool:
        """Ask Redis directly, even during an outage (the health check); True when it answers."""
        try:
            self._cache.get_client(write=True).ping()
        except RedisError as error:
            CACHE.failed(error)
            return False
        CACHE.recovered()
        return True
