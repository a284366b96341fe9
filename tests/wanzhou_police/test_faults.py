"""The portal with its dependencies down: a closed cache port, an unreachable database.

Outages are made by pointing the URLs at closed ports on 127.0.0.1, never by
stopping the machine's PostgreSQL or Redis. The cache outage runs in-process
against the test database; the database outage runs the production settings in
a real gunicorn, whose database URL points at a closed port or at a port that
accepts and never answers, and then brings the database back by opening that
port (a relay to the local PostgreSQL).
"""

import logging
import os
import secrets
import socket
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from tests.wanzhou_police.servers import free_port, gunicorn, postgres_reachable
from wanzhou_police import cache as resilient_cache
from wanzhou_police import outages
from wanzhou_police.outages import Outage

pytestmark = pytest.mark.django_db

CLOSED_CACHE = {
    "default": {
        "BACKEND": "wanzhou_police.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


# --- The cache down --------------------------------------------------------------


@pytest.fixture
def cache_down(monkeypatch):
    """The settings' Redis backend on a closed port, with a fresh outage record retried at every call."""
    outage = Outage("cache", retry_seconds=0)
    monkeypatch.setattr(resilient_cache, "CACHE", outage)
    with override_settings(CACHES=CLOSED_CACHE):
        yield outage


def outage_lines(caplog, text: str) -> list[str]:
    return [record.getMessage() for record in caplog.records if text in record.getMessage()]


def test_cache_down_login_and_every_page_still_answer(cache_down, report_2021, make_user, client, caplog):
    make_user("viewer", username="reader")
    caplog.set_level(logging.INFO, logger="wanzhou_police.outages")
    login = client.post(reverse("login"), {"username": "reader", "password": "pw-for-tests"})
    assert login.status_code == 302
    overview = client.get(reverse("metrics:overview", kwargs={"year": 2021}))
    assert overview.status_code == 200
    assert "2021" in overview.content.decode()
    for section in report_2021.sections.all():
        assert client.get(section.get_absolute_url()).status_code == 200
    assert client.get(reverse("metrics:report-list")).status_code == 200
    assert cache_down.is_down
    assert len(outage_lines(caplog, "cache unavailable")) == 1


def test_cache_down_healthz_names_each_dependency(cache_down, client):
    for path in ("/healthz", "/healthz/"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.content.decode() == "database: ok\ncache: unavailable\n"


def test_cache_down_logged_in_healthz_answers(cache_down, viewer_client):
    response = viewer_client.get("/healthz")
    assert response.status_code == 200
    assert response.content.decode() == "database: ok\ncache: unavailable\n"


class DictRedisClient:
    """Stands in for Django's Redis client once "Redis" answers again."""

    def __init__(self):
        self.data = {}

    def get(self, key, default):
        return self.data.get(key, default)

    def set(self, key, value, timeout):
        self.data[key] = value

    def get_client(self, key=None, *, write=False):
        return self

    def ping(self):
        return True


def test_cache_recovers_by_itself_and_says_so_once(cache_down, caplog):
    caplog.set_level(logging.INFO, logger="wanzhou_police.outages")
    assert cache.get("key") is None
    cache.set("key", "value")
    assert cache.get("key", "default") == "default"
    assert len(outage_lines(caplog, "cache unavailable")) == 1
    cache._cache = DictRedisClient()  # Redis is back
    cache.set("key", "value")
    assert cache.get("key") == "value"
    assert not cache_down.is_down
    assert len(outage_lines(caplog, "cache available again")) == 1


def test_cache_down_is_not_retried_until_the_retry_interval(cache_down, monkeypatch):
    cache_down.retry_seconds = 60
    assert cache.get("key") is None  # fails, and opens the interval
    calls = []
    monkeypatch.setattr(type(cache._cache), "get", lambda *args: calls.append(args))
    assert cache.get("key", "default") == "default"
    assert calls == []


def test_cache_backend_keeps_the_default_and_contract_values_during_an_outage(cache_down):
    assert cache.get("missing", "fallback") == "fallback"
    assert cache.add("key", 1) is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("key") is False
    assert cache.set_many({"a": 1}) == []
    assert cache.delete("key") is False
    assert cache.ping() is False
    with pytest.raises(ValueError):
        cache.incr("counter")


# --- The database down -------------------------------------------------------------

#: Requests a browser, a script or an editor would make; each is tried without and with a session cookie.
DATABASE_DOWN_REQUESTS = [
    ("GET", "/"),
    ("GET", "/reports/"),
    ("GET", "/reports/2021/"),
    ("GET", "/reports/2021/mediation/"),
    ("GET", "/metrics/?_export=csv"),
    ("GET", "/accounts/login/"),
    ("POST", "/accounts/login/"),
    ("GET", "/admin/"),
    ("GET", "/admin/metrics/figure/"),
    ("GET", "/admin/metrics/figure/1/change/"),
    ("POST", "/admin/metrics/figure/1/change/"),
    ("GET", "/admin/login/"),
    ("POST", "/accounts/logout/"),
]
CSRF = "a" * 32


class Relay:
    """A TCP relay from ``port`` to PostgreSQL: the closed database port, opened.

    A ``silent`` relay is a database that accepts connections and never answers
    (a hung server, a firewall that drops): it holds every connection open and
    sends nothing, until ``answer()`` makes it relay the connections that follow.
    """

    def __init__(self, port: int, target: tuple[str, int], *, silent: bool = False):
        self.target = target
        self.silent = silent
        self.held: list[socket.socket] = []
        self.server = socket.create_server(("127.0.0.1", port))
        threading.Thread(target=self._accept, daemon=True).start()

    def answer(self):
        self.silent = False

    def _accept(self):
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            if self.silent:
                self.held.append(client)
                continue
            upstream = socket.create_connection(self.target)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            sink.close()

    def close(self):
        self.server.close()
        for client in self.held:
            client.close()


def http(port: int, method: str, path: str, *, cookie: str = "") -> tuple[int, dict, str]:
    body = f"csrfmiddlewaretoken={CSRF}&username=staff&password=x".encode() if method == "POST" else None
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method)
    request.add_header("Cookie", f"csrftoken={CSRF}" + (f"; sessionid={cookie}" if cookie else ""))
    request.add_header("Referer", f"http://127.0.0.1:{port}/")
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode("utf-8", "replace")


@pytest.fixture
def portal_without_database(tmp_path):
    """gunicorn with the production settings, database and cache on closed ports: (port, database port, log)."""
    database_port = free_port()
    log = tmp_path / "gunicorn.log"
    with gunicorn(
        log,
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{database_port}/postgres",
        CACHE_URL="redis://127.0.0.1:1/0",
    ) as port:
        yield port, database_port, log


def test_database_down_every_request_answers_503_and_recovers_by_itself(portal_without_database):
    """From the first request that needs the database, every request answers 503 until it is back.

    (Before that first failure an anonymous visitor is only redirected to the login
    form, which needs no database.)
    """
    port, database_port, log = portal_without_database
    first = http(port, "GET", "/reports/2021/", cookie=secrets.token_hex(16))
    assert first[0] == 503
    for method, path in DATABASE_DOWN_REQUESTS:
        for cookie in ("", secrets.token_hex(16)):
            status, headers, body = http(port, method, path, cookie=cookie)
            who = "logged in" if cookie else "anonymous"
            assert status == 503, f"{method} {path} ({who}): {status}\n{body[:500]}"
            assert headers["Retry-After"] == "30"
            assert "暫停服務" in body and "資料庫暫時無法連線" in body
            assert "Traceback" not in body
            assert "Content-Security-Policy" in headers
    for path in ("/healthz", "/healthz/"):
        for cookie in ("", secrets.token_hex(16)):
            status, headers, body = http(port, "GET", path, cookie=cookie)
            assert (status, body) == (503, "database: unavailable\ncache: unavailable\n")
            assert headers["Retry-After"] == "30"
    assert http(port, "GET", "/static/css/portal.css")[0] == 200

    server_log = log.read_text()
    assert server_log.count("database unavailable") == 1, server_log[-3000:]
    assert "Internal Server Error" not in server_log

    if not postgres_reachable():
        message = (
            "PostgreSQL is not reachable on 127.0.0.1:5432: the recovery half of the database fault test needs it."
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    relay = Relay(database_port, ("127.0.0.1", 5432))
    try:
        # The outage's prober tries the database again once its retry interval has passed.
        health = wait_for_the_database(port, within=outages.DATABASE.retry_seconds + SLACK)
        login_page = http(port, "GET", "/accounts/login/")
    finally:
        relay.close()
    assert login_page[0] == 200
    assert (health[0], health[2]) == (200, "database: ok\ncache: unavailable\n")
    assert log.read_text().count("database available again") == 1


#: What a loaded machine may add to a wait before the answer arrives: seconds.
SLACK = 1.5


def wait_for_the_database(port: int, *, within: float) -> tuple[int, dict, str]:
    """The first /healthz answer that says the database is up, asking every 0.1 s for ``within`` seconds."""
    deadline = time.monotonic() + within
    while (health := http(port, "GET", "/healthz"))[0] != 200 and time.monotonic() < deadline:
        time.sleep(0.1)
    return health


def timed(port: int, method: str, path: str, **kwargs) -> tuple[int, float]:
    start = time.monotonic()
    status = http(port, method, path, **kwargs)[0]
    return status, time.monotonic() - start


@pytest.mark.slow(reason="watches an outage for several retry intervals, then its end: about 15 s")
def test_database_that_never_answers_costs_one_connect_timeout_then_nothing_until_it_answers(tmp_path):
    """A database that accepts connections and never replies: the first request waits the
    connect timeout (settings.DATABASE_CONNECT_TIMEOUT_SECONDS); once the outage is known no
    request waits for it, while the prober keeps trying; when it answers, pages come back.

    Before the prober (requests themselves retried every 2 s, connect timeout 5 s), two clients
    asking once a second got a median of 2.5 s and 5.0 s for half of their requests, and
    every /healthz took 5.0 s.
    """
    database_port = free_port()
    silent = Relay(database_port, ("127.0.0.1", 5432), silent=True)
    log = tmp_path / "gunicorn.log"
    try:
        with gunicorn(
            log,
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{database_port}/postgres",
            CACHE_URL="redis://127.0.0.1:1/0",
        ) as port:
            connect_timeout = int(settings.DATABASE_CONNECT_TIMEOUT_SECONDS)
            status, seconds = timed(port, "GET", "/reports/2021/", cookie=secrets.token_hex(16))
            assert status == 503
            assert connect_timeout <= seconds < connect_timeout + SLACK
            # Three retry intervals: the prober's tries, each waiting the connect timeout, cost requests nothing.
            answers = []
            watch_until = time.monotonic() + 3 * outages.DATABASE.retry_seconds
            while time.monotonic() < watch_until:
                for method, path in (("GET", "/reports/2021/"), ("POST", "/accounts/login/"), ("GET", "/healthz")):
                    answers.append((method, path, *timed(port, method, path, cookie=secrets.token_hex(16))))
                time.sleep(0.1)
            assert {status for *_, status, _ in answers} == {503}
            slowest = max(answers, key=lambda answer: answer[-1])
            assert slowest[-1] < 1, slowest
            assert len(silent.held) >= 2  # the prober did keep trying

            if not postgres_reachable():
                pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432: the recovery half needs it")
            silent.answer()
            # The prober's try in progress still waits out its connect timeout, then one more interval.
            health = wait_for_the_database(port, within=connect_timeout + outages.DATABASE.retry_seconds + SLACK)
            assert health[0] == 200, health
            assert http(port, "GET", "/accounts/login/")[0] == 200
    finally:
        silent.close()
    server_log = log.read_text()
    assert server_log.count("database unavailable") == 1, server_log[-3000:]
    assert server_log.count("database available again") == 1
    assert "Internal Server Error" not in server_log
