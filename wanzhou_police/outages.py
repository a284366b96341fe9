"""The state of each dependency (database, cache) in this process, logged once per incident.

A dependency that stops answering makes every request fail the same way; logging
each of those failures would bury the one line an operator needs. An ``Outage``
logs the first failure with its traceback, stays quiet while the incident lasts,
and logs once more when the dependency answers again.
"""

import logging
import threading
import time
from collections.abc import Callable

from django.db import connection

logger = logging.getLogger(__name__)


class Outage:
    """Whether ``name`` is down in this process, and when to try it again.

    ``retry_seconds`` is how long callers that ask ``should_try()`` leave the
    dependency alone after a failure, so an outage costs no time per request.
    With a ``probe`` (a call that raises while the dependency is down), no request
    tries it at all: from the first failure a background thread calls ``probe``
    every ``retry_seconds`` until it succeeds, which ends the outage. A dependency
    that accepts connections and never answers then costs each request nothing
    once the outage is known, however long one try takes.
    """

    def __init__(self, name: str, *, retry_seconds: float, probe: Callable[[], object] | None = None) -> None:
        self.name = name
        self.retry_seconds = retry_seconds
        self.probe = probe
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._retry_at = 0.0
        self._prober: threading.Thread | None = None

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
            if self.probe is not None and self._prober is None:
                self._prober = threading.Thread(target=self._probe_until_up, name=f"{self.name} probe", daemon=True)
                self._prober.start()
            if self._down_since is not None:
                return False
            self._down_since = time.monotonic()
        logger.error("%s unavailable: %s", self.name, error, exc_info=error)
        return True

    def _probe_until_up(self) -> None:
        """The prober thread: ``probe`` every ``retry_seconds`` while down; gone once the dependency is up."""
        while True:
            time.sleep(self.retry_seconds)
            with self._lock:
                # Under the lock, so a failure recorded after this check starts a new prober.
                if self._down_since is None:
                    self._prober = None
                    return
            try:
                self.probe()
            except Exception as error:  # noqa: BLE001  whatever the probe raises, the dependency is still down
                self.failed(error)
            else:
                self.recovered()

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


def connect_to_the_database() -> None:
    """Open a connection and close it again; raises while the database does not answer.

    Run in the prober's own thread, so it has a connection of its own.
    """
    try:
        connection.ensure_connection()
    finally:
        connection.close()


#: The database: marked down by the error handler, up again at the next new connection;
#: while down, DatabaseOutageMiddleware answers 503 at once and a thread of this process
#: tries to connect every ``retry_seconds``.
DATABASE = Outage("database", retry_seconds=2, probe=connect_to_the_database)
#: The shared cache: while down, requests skip it for ``retry_seconds`` and render uncached.
CACHE = Outage("cache", retry_seconds=5)
