"""Endpoints that belong to no app: the health check, the CSRF failure page, the last-resort error handler."""

import sys

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseServerError
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from wanzhou_police.limits import TIME_LIMIT_EXCEEDED_ENVIRON_KEY, RequestTimeLimitExceeded
from wanzhou_police.outages import DATABASE
from wanzhou_police.replica import replica_state

#: Seconds a client is asked to wait before retrying while the database is down.
RETRY_AFTER_SECONDS = 30

#: Errors that mean "the database did not answer" (refused, dropped, timed out), not a bug in a query.
DATABASE_DOWN_ERRORS = (OperationalError, InterfaceError)

#: PostgreSQL's SQLSTATE query_canceled: a statement ran past ``statement_timeout``
#: (settings.DATABASE_STATEMENT_TIMEOUT_SECONDS); the database itself answered.
QUERY_CANCELED = "57014"


def database_state() -> str:
    """ "ok" or "unavailable"; during a known outage the outage's prober answers, not a new connection."""
    if DATABASE.is_down:
        return "unavailable"
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        DATABASE.failed(error)
        return "unavailable"
    DATABASE.recovered()
    return "ok"


def cache_state() -> str:
    """ "ok" or "unavailable" for a cache that can be asked (Redis); "ok" for the in-process one."""
    ping = getattr(cache, "ping", None)
    if ping is None or ping():
        return "ok"
    return "unavailable"


@login_not_required
@never_cache
@require_safe
def healthz(request):
    """One line per dependency ("database: ok", "cache: unavailable", "replica: lagging (7.0 s)"), plain text.

    200 while the database answers, even with the cache down (pages then render
    uncached); 503 when the database does not. Reads and writes no data.
    """
    database = database_state()
    body = f"database: {database}\ncache: {cache_state()}\n"
    replica = replica_state() if database == "ok" else None
    if replica is not None:  # only with DATABASE_REPLICA_URL; reads fall back to the primary, so still 200
        body += f"replica: {replica}\n"
    status = 200 if database == "ok" else 503
    response = HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response._has_been_logged = True  # once per incident, by outages.DATABASE
    return response


# The health check answers for the database itself (DatabaseOutageMiddleware lets it through):
# with a query while the database is up, with the outage's record while it is down.
healthz.probes_the_database = True


def csrf_failure(request, reason=""):
    """``CSRF_FAILURE_VIEW``: 403 and the portal's page for a form whose security token did not check out.

    Django's own page carries an inline ``<style>`` that the Content-Security-Policy
    blocks. This one is the portal's base page, in the page language, saying that
    nothing was done and how to send the form again; the reason stays in the log
    (Django logs it as "Forbidden (…)"), except that a browser sending no cookie at
    all is told to allow them.
    """
    return render(request, "403_csrf.html", {"no_cookie": reason == REASON_NO_CSRF_COOKIE}, status=403)


def server_error(request):
    """The error handler (``handler500``) for an exception raised anywhere in a request.

    A database that does not answer fails the request wherever it is first needed,
    often in the session or authentication middleware before any view runs, and
    Django turns every middleware's exception into a response on the spot; this
    handler is the one place that sees them all. The database being down gets 503,
    the portal's own page, ``Retry-After``, and one log line per incident, and from
    then on ``DatabaseOutageMiddleware`` answers for it. A request stopped at its
    time limit, or whose query PostgreSQL cancelled at the statement timeout, gets
    503 and the time-limit page, logged by Django with the traceback of where it was
    stopped; the database is not marked down. Anything else is the plain 500 page,
    logged by Django as usual. None of them touches the database.
    """
    error = sys.exc_info()[1]
    if isinstance(error, RequestTimeLimitExceeded):
        return time_limit_exceeded(request)
    if statement_timed_out(error):
        return time_limit_exceeded(request, replace_worker=False)
    if isinstance(error, DATABASE_DOWN_ERRORS):
        DATABASE.failed(error)
        return database_unavailable()
    return _render("500.html", HttpResponseServerError, fallback="server error\n")


def database_unavailable() -> HttpResponse:
    """503, the portal's page saying the database is down, and ``Retry-After``."""
    response = _render("503.html", HttpResponse, fallback="database unavailable, please retry\n")
    response.status_code = 503
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # The outage is logged once per incident (outages.DATABASE), not once per request by Django.
    response._has_been_logged = True
    return response


def statement_timed_out(error: BaseException | None) -> bool:
    """True when ``error`` is PostgreSQL cancelling a statement, not the database going away."""
    return isinstance(error, OperationalError) and getattr(error.__cause__, "pgcode", None) == QUERY_CANCELED


def time_limit_exceeded(request, *, replace_worker: bool = True) -> HttpResponse:
    """503, the portal's page saying the request took too long and was stopped, and ``Retry-After``.

    ``replace_worker`` asks gunicorn (the ``post_request`` hook in gunicorn.conf.py) to
    replace this worker process once the answer is sent: a request interrupted at an
    arbitrary point may have left some library's state half-changed. A statement
    that PostgreSQL cancelled raised an ordinary exception and needs no such care.
    """
    if replace_worker:
        request.environ[TIME_LIMIT_EXCEEDED_ENVIRON_KEY] = True
    response = _render("503_time_limit.html", HttpResponse, fallback="request took too long, stopped\n")
    response.status_code = 503
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _render(template_name: str, response_class, *, fallback: str) -> HttpResponse:
    """The error page without a request context (context processors read the database)."""
    try:
        return response_class(loader.get_template(template_name).render())
    except Exception:  # noqa: BLE001  the error page itself must never fail
        return response_class(fallback, content_type="text/plain; charset=utf-8")
