"""Time limits: a request that runs too long is stopped and answered, in process and under gunicorn.

The gunicorn tests run the project's config (sync workers) with short limits on
test-only views (tests/wanzhou_police/fault_urls.py) that sleep, spin, block the
alarm signal as C code would, or run a long SQL statement. Before the sync
workers, gthread kept heart-beating and each of them ran its full 8 s under a
3 s timeout.
"""

import signal
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings

from tests.wanzhou_police.servers import gunicorn, postgres_reachable
from wanzhou_police import outages
from wanzhou_police.limits import TIME_LIMIT_EXCEEDED_ENVIRON_KEY, RequestTimeLimitExceeded, deadline

pytestmark = pytest.mark.django_db

FAULT_URLS = "tests.wanzhou_police.fault_urls"
TIME_LIMIT_PAGE = "處理時間過長"
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_sleep and statement_timeout are PostgreSQL's"
)


# --- In process -----------------------------------------------------------------------


def test_deadline_interrupts_python_code_at_its_seconds():
    start = time.monotonic()
    with pytest.raises(RequestTimeLimitExceeded), deadline(0.2):
        time.sleep(5)
    assert time.monotonic() - start < 1


def test_deadline_disarms_and_restores_the_alarm_handler():
    before = signal.getsignal(signal.SIGALRM)
    with deadline(5):
        assert signal.getitimer(signal.ITIMER_REAL)[0] > 0
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is before


def test_deadline_is_not_armed_outside_the_main_thread():
    finished = []

    def work():
        with deadline(0.1):
            time.sleep(0.3)
        finished.append(True)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert finished == [True]


@override_settings(ROOT_URLCONF=FAULT_URLS, REQUEST_TIME_LIMIT_SECONDS=0.3)
@pytest.mark.parametrize("path", ["/_test/sleep/5", "/_test/spin/5"])
def test_request_past_its_time_limit_is_answered_503_at_the_limit(path):
    start = time.monotonic()
    response = Client(raise_request_exception=False).get(path)
    assert time.monotonic() - start < 1.5
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Content-Security-Policy" in response
    assert TIME_LIMIT_PAGE in response.content.decode()
    assert response.wsgi_request.environ[TIME_LIMIT_EXCEEDED_ENVIRON_KEY] is True
    assert not outages.DATABASE.is_down


@override_settings(ROOT_URLCONF=FAULT_URLS, REQUEST_TIME_LIMIT_SECONDS=0.3)
@pytest.mark.parametrize(
    ("prefix", "lang", "title"),
    [("/en", "en", "Request took too long"), ("/zh-hans", "zh-Hans", "处理时间过长")],
    ids=["en", "zh-hans"],
)
def test_time_limit_page_speaks_the_page_language(prefix, lang, title):
    response = Client(raise_request_exception=False).get(f"{prefix}/_test/sleep/5")
    assert response.status_code == 503
    assert f'<html lang="{lang}">' in response.content.decode()
    assert title in response.content.decode()


@override_settings(ROOT_URLCONF=FAULT_URLS, REQUEST_TIME_LIMIT_SECONDS=2)
def test_request_within_its_time_limit_is_served(client):
    response = client.get("/_test/sleep/0")
    assert response.status_code == 200
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@on_postgresql
def test_postgresql_connections_carry_the_statement_timeout():
    with connection.cursor() as cursor:
        cursor.execute("SELECT setting FROM pg_settings WHERE name = 'statement_timeout'")
        assert int(cursor.fetchone()[0]) == round(settings.DATABASE_STATEMENT_TIMEOUT_SECONDS * 1000) > 0


@on_postgresql
@override_settings(ROOT_URLCONF=FAULT_URLS)
def test_statement_past_the_statement_timeout_is_answered_503_without_an_outage():
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 200")  # the test client shares this connection
    start = time.monotonic()
    response = Client(raise_request_exception=False).get("/_test/database-sleep/5")
    assert time.monotonic() - start < 1.5
    assert response.status_code == 503
    assert TIME_LIMIT_PAGE in response.content.decode()
    assert not outages.DATABASE.is_down
    # An ordinary exception from the driver: the worker is fine and is kept.
    assert TIME_LIMIT_EXCEEDED_ENVIRON_KEY not in response.wsgi_request.environ


# --- Under gunicorn ---------------------------------------------------------------------

#: The limits the gunicorn below runs with, in seconds, nested as in production: statement < request < gunicorn.
STATEMENT_LIMIT, REQUEST_LIMIT, GUNICORN_TIMEOUT = 1, 2, 4
#: What a loaded machine may add to a limit before the answer arrives.
SLACK = 1.5


@pytest.fixture(scope="module")
def limited_portal(tmp_path_factory):
    """gunicorn (one sync worker) with short limits, on PostgreSQL's maintenance database: (port, log)."""
    log = tmp_path_factory.mktemp("limits") / "gunicorn.log"
    with gunicorn(
        log,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres",
        DJANGO_REQUEST_TIME_LIMIT=str(REQUEST_LIMIT),
        DJANGO_DB_STATEMENT_TIMEOUT=str(STATEMENT_LIMIT),
        GUNICORN_TIMEOUT=str(GUNICORN_TIMEOUT),
    ) as port:
        yield port, log


def timed_get(port: int, path: str) -> tuple[int | str, str, float]:
    """(status or the name of the connection error, body, seconds); a 503 must carry the CSP."""
    start = time.monotonic()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
            status, body = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read().decode()
        assert "Content-Security-Policy" in error.headers
    except (ConnectionError, urllib.error.URLError) as error:
        status, body = type(error).__name__, ""
    return status, body, time.monotonic() - start


def worker_process(port: int) -> str:
    status, body, _ = timed_get(port, "/_test/sleep/0")
    assert status == 200, body
    return body.split()[-1]


@pytest.mark.parametrize("path", ["/_test/sleep/20", "/_test/spin/20"])
def test_gunicorn_stops_python_work_at_the_request_limit_answers_503_and_replaces_the_worker(limited_portal, path):
    port, log = limited_portal
    before = worker_process(port)
    status, body, seconds = timed_get(port, path)
    assert status == 503, body
    assert TIME_LIMIT_PAGE in body
    assert REQUEST_LIMIT <= seconds < REQUEST_LIMIT + SLACK
    assert worker_process(port) != before
    assert "replacing worker" in log.read_text()


def test_gunicorn_answers_503_when_postgresql_cancels_a_long_statement(limited_portal):
    if not postgres_reachable():
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    port, log = limited_portal
    before = worker_process(port)
    status, body, seconds = timed_get(port, "/_test/database-sleep/20")
    assert status == 503, body
    assert TIME_LIMIT_PAGE in body
    assert STATEMENT_LIMIT <= seconds < STATEMENT_LIMIT + SLACK
    assert worker_process(port) == before
    assert "database unavailable" not in log.read_text()


@pytest.mark.slow(reason="waits out gunicorn's timeout, then a fresh worker's start: about 7 s")
def test_gunicorn_timeout_stops_a_request_the_time_limit_cannot_reach_and_answers_503(limited_portal):
    port, log = limited_portal
    before = worker_process(port)
    status, body, seconds = timed_get(port, "/_test/stuck/20")
    assert status == 503, body
    assert TIME_LIMIT_PAGE in body
    # The arbiter looks at its workers about once a second.
    assert GUNICORN_TIMEOUT <= seconds < GUNICORN_TIMEOUT + 1 + SLACK
    assert worker_process(port) != before
    assert "WORKER TIMEOUT" in log.read_text()


@pytest.mark.slow(reason="waits out gunicorn's timeout and its kill, then a fresh worker's start: about 8 s")
def test_gunicorn_kills_a_worker_frozen_where_no_signal_handler_runs(limited_portal):
    port, log = limited_portal
    before = worker_process(port)
    status, body, seconds = timed_get(port, "/_test/frozen/20")
    assert not isinstance(status, int), (status, body)  # the connection closed without an answer
    # SIGABRT at the timeout's first check, SIGKILL at the next.
    assert GUNICORN_TIMEOUT <= seconds < GUNICORN_TIMEOUT + 2 + SLACK
    assert worker_process(port) != before
    assert "was sent SIGKILL" in log.read_text()
