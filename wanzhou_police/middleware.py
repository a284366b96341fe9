"""The portal's middleware: the request time limit, answers for a database outage, and the login requirement."""

from django.conf import settings
from django.contrib.auth import middleware as auth_middleware

from wanzhou_police.limits import RequestTimeLimitExceeded, WorkerTimeout, deadline
from wanzhou_police.outages import DATABASE
from wanzhou_police.views import database_unavailable, time_limit_exceeded


class RequestTimeLimitMiddleware:
    """Stops the request's work after ``settings.REQUEST_TIME_LIMIT_SECONDS`` and answers 503.

    Right after the header middleware (security, static files, CSP), whose work
    is short and whose headers every answer should carry, and before everything
    that reads the database or renders. The interruption is usually raised inside
    an inner middleware or the view and answered there by ``views.server_error``;
    this one answers when the limit runs out between two middleware, and for
    gunicorn's own timeout (``WorkerTimeout``, which Django's handlers let
    through). A streaming response's body is produced after this returns and is
    bounded by gunicorn's timeout alone. See wanzhou_police/limits.py.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            with deadline(settings.REQUEST_TIME_LIMIT_SECONDS):
                return self.get_response(request)
        except (RequestTimeLimitExceeded, WorkerTimeout):
            return time_limit_exceeded(request)


class DatabaseOutageMiddleware:
    """While this process knows the database is down, every request gets the 503 page at once.

    The outage becomes known at the first request whose database access fails
    (``views.server_error``). From then on each request is answered here, before
    the session, authentication or any view runs, except the health check, which
    reports the outage itself. No request waits for the database meanwhile: the
    outage's prober thread tries it every ``DATABASE.retry_seconds``
    (wanzhou_police/outages.py), and its first success lets requests through
    again. Place it after the static-file and header middleware (their work
    needs no database) and before the session middleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if DATABASE.is_down and not getattr(view_func, "probes_the_database", False):
            return database_unavailable()
        return None


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware, asking the view before the user.

    Django's loads the user (the session, from the database) before it reads
    ``login_not_required``; the answer is the same either way, but this way the
    views that need no login (the health check, the login forms) never read the
    session, so they keep answering while the database is down.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
