"""The portal's URLs plus test-only views that run too long, for the time-limit tests' gunicorn.

Never part of the portal: only tests/wanzhou_police/fault_settings.py names this module.
"""

import os
import signal
import time

from django.conf.urls.i18n import i18n_patterns
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse
from django.urls import path

from wanzhou_police import urls as portal

handler403 = portal.handler403
handler500 = portal.handler500


def answer(what: str) -> HttpResponse:
    """``what``, and the worker process that did it (a replaced worker has a new one)."""
    return HttpResponse(f"{what} in process {os.getpid()}\n", content_type="text/plain")


@login_not_required
def sleep(request, seconds):
    """Waits in Python (a slow call to another service, a lock)."""
    time.sleep(seconds)
    return answer(f"slept {seconds} s")


@login_not_required
def spin(request, seconds):
    """Works in Python for ``seconds`` of wall time (a runaway loop)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
    return answer(f"spun {seconds} s")


@login_not_required
def stuck(request, seconds):
    """Stays where the time limit's alarm cannot reach (the alarm is blocked for good).

    Only gunicorn's timeout ends it, and the worker must not serve again.
    """
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    time.sleep(seconds)
    return answer(f"stuck {seconds} s")


@login_not_required
def frozen(request, seconds):
    """Stays where no Python signal handler runs, as a C call that never returns would.

    Only the arbiter's SIGKILL, after gunicorn's timeout, ends it.
    """
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM, signal.SIGABRT})
    time.sleep(seconds)
    return answer(f"frozen {seconds} s")


@login_not_required
def database_sleep(request, seconds):
    """One SQL statement that runs ``seconds`` in PostgreSQL (a query gone wrong)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [seconds])
    return answer(f"database slept {seconds} s")


# In the page languages, as the portal's pages are: /en/_test/… answers in English.
urlpatterns = [
    *i18n_patterns(
        path("_test/sleep/<int:seconds>", sleep),
        path("_test/spin/<int:seconds>", spin),
        path("_test/stuck/<int:seconds>", stuck),
        path("_test/frozen/<int:seconds>", frozen),
        path("_test/database-sleep/<int:seconds>", database_sleep),
        prefix_default_language=False,
    ),
    *portal.urlpatterns,
]
