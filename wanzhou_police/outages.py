"""The state of each dependency (database, cache) in this process, logged once per incident.

A dependency that stops answering makes every request fail the same way; logging
each of those failures would bury the one line an operator needs. An ``Outage``
logs the first failure with its traceback, stays quiet while the incident lasts,
and logs once more when the dependency answers again.
"""

import logging
import threading
import time

logger = logging.getLogger(__name__)


class Outage:
    """Whether ``name`` is down in this process, and when to try it again.

    ``retry_seconds`` is how long callers that ask ``should_try()`` leave the
    dependency alone after a failure, so an outage costs no time per request.
    """

    def __init__(self, name: str, *, retry_seconds: float) -> None:
        self.name = name
        self.retry_seconds = retry_seconds
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._retry_at = 0.0

    @property
    def is_down(self) -> bool:
        return self._down_since is not None

    def should_try(self) -> bool:
        """True when the dependency is up, or down long enough to be tried again."""
        return self._down_since is None or time.monotonic() >= self._retry_at

    def failed(self, error: BaseException) -> bool:
        """Record a failure; True (and one log line with the traceback) only for the first of an incident."""
        with self._lock:
            self._retry_at = time.monotonic() + self.retry_seconds
            if self._down_since is not None:
                return False
            self._down_since = time.monotonic()
        logger.error("%s unavailable: %s", self.name, error, exc_info=error)
        return True

    def recovered(self) -> None:
        """Record a success; logs once when it ends an incident."""
        if self._down_since is None:
            return
        with self._lock:
            if self._down_since is None:
                return
            seconds = time.monotonic() - self._down_since
            self._down_since = None
        logger.warning("%s available again after %.0f s", self.name, seconds)


#: The database: marked down by the error handler, up again at the next new connection;
#: while down, DatabaseOutageMiddleware answers 503 and tries to connect every ``retry_seconds``.
DATABASE = Outage("database", retry_seconds=2)
#: The shared cache: while down, requests skip it for ``retry_seconds`` and render uncached.
CACHE = Outage("cache", retry_seconds=5)
