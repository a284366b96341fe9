"""Reads from a PostgreSQL streaming replica, writes and fresh reads from the primary.

Only in use when ``DATABASE_REPLICA_URL`` is set (settings add the ``replica`` alias,
``PrimaryReplicaRouter`` and ``PrimaryPinMiddleware``); without it nothing here runs.

Which database a read goes to:

- **the primary** outside a request (management commands, shells, threads), inside any
  ``transaction.atomic`` block (a locked save reads what it locks: ``select_for_update``
  is a write in Django's routing anyway), for the security state (sessions, users, groups,
  permissions, login throttling: a logout or a revoked role holds on the next request
  everywhere), for every unsafe request (POST, …), for the admin, and for a browser that
  wrote within ``READ_YOUR_WRITES_SECONDS`` (a signed cookie set on every unsafe request),
  so an editor always reads their own change;
- **the replica** for the other reads of a request, while it answers and its replay is at
  most ``DATABASE_REPLICA_MAX_LAG_SECONDS`` behind; this is checked at most once every
  ``DATABASE_REPLICA_CHECK_SECONDS`` per process, so a lagging or stopped replica costs one
  short probe a second, not a query per request.

The cookie outlives the lag limit plus one check interval: once it has expired, a replica
the router still reads from has replayed past the write (see ``ReplicaState.probe``).
"""

import logging
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.signing import BadSignature
from django.db import Error, InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)

PRIMARY = "default"
REPLICA = "replica"

#: Apps whose rows decide who may do what: always read where they were last written.
PRIMARY_ONLY_APPS = frozenset({"sessions", "auth", "axes", "contenttypes"})

#: The signed cookie that pins a browser to the primary after a write; its value is unused.
PIN_COOKIE = "wz_primary"
PIN_SALT = "wanzhou_police.replica.pin"

#: Methods that only read; every other method writes, or may.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

#: On the replica: how far its replay is behind, in seconds (0 when it has replayed all it
#: received and that is all the primary had written when asked, see ``probe``).
LAG_SQL = """
SELECT pg_is_in_recovery(),
       pg_last_wal_replay_lsn() >= %s::pg_lsn,
       COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()), 'Infinity')
"""


#: While the replica does not answer, it is probed this many check intervals apart.
UNAVAILABLE_BACKOFF = 3


@dataclass
class _Route:
    """One request's choice: ``alias`` is decided at its first read and kept for the rest."""

    replica_allowed: bool
    alias: str | None = None


# Outside a request (default None) every read goes to the primary.
_route: ContextVar[_Route | None] = ContextVar("wanzhou_police_replica_route", default=None)


class ReplicaState:
    """Whether this process may read from the replica now, probed at most once per interval."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._checked_at = float("-inf")
        self.status = "unknown"
        self.lag_seconds: float | None = None

    def usable(self) -> bool:
        now = time.monotonic()
        # A replica that does not answer may cost its whole connect timeout: tried less often.
        interval = settings.DATABASE_REPLICA_CHECK_SECONDS * (
            UNAVAILABLE_BACKOFF if self.status == "unavailable" else 1
        )
        if now - self._checked_at >= interval and self._lock.acquire(blocking=False):
            try:
                self._checked_at = now
                self._set(*self.probe())
            finally:
                self._lock.release()
        return self.status == "ok"

    def probe(self) -> tuple[str, float | None]:
        """("ok" | "lagging" | "unavailable", lag in seconds).

        The replica is caught up when its replay has reached the primary's current WAL
        position, read just before; else its lag is the age of the last transaction it
        replayed, which over-counts (it is the time since the primary's last commit before
        that) and so never lets a read through too early.
        """
        try:
            with connections[PRIMARY].cursor() as cursor:
                cursor.execute("SELECT pg_current_wal_lsn()")
                (primary_lsn,) = cursor.fetchone()
        except Error:
            return "unavailable", None  # the primary's own outage handling answers for it
        try:
            with connections[REPLICA].cursor() as cursor:
                cursor.execute(LAG_SQL, [primary_lsn])
                in_recovery, caught_up, age = cursor.fetchone()
        except Error as error:
            close_replica()
            if self.status != "unavailable":
                logger.warning("replica unavailable, reading from the primary: %s", error)
            return "unavailable", None
        if not in_recovery:
            return "unavailable", None  # promoted or misconfigured: not a replica of ours
        lag = 0.0 if caught_up else float(age)
        if lag > settings.DATABASE_REPLICA_MAX_LAG_SECONDS:
            if self.status != "lagging":
                logger.warning("replica %.1f s behind, reading from the primary", lag)
            return "lagging", lag
        return "ok", lag

    def mark_unavailable(self) -> None:
        """A read on the replica just failed: the primary until the next probe."""
        close_replica()
        self._checked_at = time.monotonic()
        self._set("unavailable", None)

    def _set(self, status: str, lag: float | None) -> None:
        if status == "ok" and self.status in {"lagging", "unavailable"}:
            logger.warning("replica back in use")
        self.status, self.lag_seconds = status, lag


REPLICA_STATE = ReplicaState()


def close_replica() -> None:
    """Drop this thread's replica connection, broken or not; the next use opens a new one."""
    try:
        connections[REPLICA].close()
    except Error:
        connections[REPLICA].connection = None


def read_alias() -> str:
    """The database a read goes to now (see the module's docstring)."""
    route = _route.get()
    if route is None or not route.replica_allowed or connections[PRIMARY].in_atomic_block:
        return PRIMARY
    if route.alias is None:
        route.alias = REPLICA if REPLICA_STATE.usable() else PRIMARY
    return route.alias


class PrimaryReplicaRouter:
    """``DATABASE_ROUTERS`` entry: writes and migrations on the primary, reads by ``read_alias``."""

    def db_for_read(self, model, **hints):
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return PRIMARY
        return read_alias()

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies of it

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


def is_admin_path(path: str) -> bool:
    """``/admin/…`` in any language (``/en/admin/…``)."""
    parts = path.lstrip("/").split("/", 2)
    if parts[0] in {code for code, _ in settings.LANGUAGES}:
        parts = parts[1:]
    return bool(parts) and parts[0] == "admin"


def pinned_by_cookie(request) -> bool:
    try:
        request.get_signed_cookie(PIN_COOKIE, salt=PIN_SALT, max_age=settings.READ_YOUR_WRITES_SECONDS)
    except (KeyError, BadSignature):
        return False
    return True


class PrimaryPinMiddleware:
    """Decides per request whether reads may use the replica, and pins a writer to the primary.

    A request that reads from the replica and meets it gone (stopped between two probes)
    is run once more on the primary (a safe method: running the view again changes
    nothing), so stopping the replica never shows an error page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        writes = request.method not in SAFE_METHODS
        allowed = not (writes or is_admin_path(request.path_info) or pinned_by_cookie(request))
        token = _route.set(_Route(replica_allowed=allowed))
        try:
            response = self.get_response(request)
        finally:
            _route.reset(token)
        if writes:
            response.set_signed_cookie(
                PIN_COOKIE,
                "1",
                salt=PIN_SALT,
                max_age=settings.READ_YOUR_WRITES_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        request.replica_view = (view_func, view_args, view_kwargs)

    def process_exception(self, request, exception):
        route = _route.get()
        if not isinstance(exception, OperationalError | InterfaceError) or route is None or route.alias != REPLICA:
            return None
        close_replica()  # a connection the replica dropped stays unusable; a working one is simply reopened
        if REPLICA_STATE.probe()[0] == "ok":
            return None  # the replica is fine: the error is the primary's, for its own handling
        REPLICA_STATE.mark_unavailable()
        logger.warning("replica failed during %s %s, answered from the primary", request.method, request.path)
        route.alias = PRIMARY
        view_func, view_args, view_kwargs = request.replica_view
        response = view_func(request, *view_args, **view_kwargs)
        # A TemplateResponse whose rendering met the replica is not rendered again by Django.
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        return response


def replica_state() -> str | None:
    """For /healthz: None without a replica, else "ok", "lagging (N s)" or "unavailable" in this process."""
    if REPLICA not in settings.DATABASES:
        return None
    REPLICA_STATE.usable()
    if REPLICA_STATE.status == "lagging":
        return f"lagging ({REPLICA_STATE.lag_seconds:.1f} s)"
    return REPLICA_STATE.status
