"""The read-replica router and its middleware, without a replica (tests_cluster/ runs them against one)."""

import time

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import OperationalError, connections
from django.http import HttpResponse
from django.template import engines
from django.template.response import TemplateResponse
from django.test import RequestFactory

from metrics.models import Figure
from wanzhou_police import replica
from wanzhou_police.replica import (
    PIN_COOKIE,
    PRIMARY,
    REPLICA,
    PrimaryPinMiddleware,
    PrimaryReplicaRouter,
    ReplicaState,
    is_admin_path,
    read_alias,
)


@pytest.fixture
def replica_ok(monkeypatch):
    monkeypatch.setattr(replica.REPLICA_STATE, "usable", lambda: True)
    monkeypatch.setattr(connections[PRIMARY], "in_atomic_block", False)


def serve(request, view=None):
    """Run ``request`` through the middleware; the alias a model read got inside it, and the response."""
    seen = {}

    def get_response(request):
        seen["figure"] = PrimaryReplicaRouter().db_for_read(Figure)
        seen["user"] = PrimaryReplicaRouter().db_for_read(User)
        return HttpResponse("ok")

    response = PrimaryPinMiddleware(get_response)(request)
    return seen, response


def test_settings_without_a_replica_install_no_router_and_no_middleware():
    assert "replica" not in settings.DATABASES
    assert settings.DATABASE_ROUTERS == []
    assert "wanzhou_police.replica.PrimaryPinMiddleware" not in settings.MIDDLEWARE


def test_read_your_writes_outlasts_the_lag_limit_and_one_check():
    assert settings.READ_YOUR_WRITES_SECONDS > (
        settings.DATABASE_REPLICA_MAX_LAG_SECONDS + settings.DATABASE_REPLICA_CHECK_SECONDS
    )


@pytest.mark.parametrize(
    ("path", "admin"),
    [
        ("/admin/", True),
        ("/admin/metrics/figure/1/change/", True),
        ("/en/admin/", True),
        ("/zh-hans/admin/x", True),
        ("/reports/2021/", False),
        ("/metrics/admin/", False),
        ("/administration/", False),
        ("/", False),
    ],
)
def test_is_admin_path_in_every_language(path, admin):
    assert is_admin_path(path) is admin


def test_router_outside_a_request_reads_the_primary(replica_ok):
    assert read_alias() == PRIMARY
    assert PrimaryReplicaRouter().db_for_write(Figure) == PRIMARY


def test_router_allows_migrations_only_on_the_primary():
    router = PrimaryReplicaRouter()
    assert router.allow_migrate(PRIMARY, "metrics") is True
    assert router.allow_migrate(REPLICA, "metrics") is False


def test_get_reads_content_from_the_replica_and_security_state_from_the_primary(replica_ok):
    seen, response = serve(RequestFactory().get("/reports/2021/"))
    assert seen == {"figure": REPLICA, "user": PRIMARY}
    assert PIN_COOKIE not in response.cookies


def test_get_inside_a_transaction_reads_the_primary(replica_ok, monkeypatch):
    monkeypatch.setattr(connections[PRIMARY], "in_atomic_block", True)
    seen, _ = serve(RequestFactory().get("/reports/2021/"))
    assert seen["figure"] == PRIMARY


def test_replica_not_usable_sends_reads_to_the_primary(monkeypatch):
    monkeypatch.setattr(replica.REPLICA_STATE, "usable", lambda: False)
    monkeypatch.setattr(connections[PRIMARY], "in_atomic_block", False)
    seen, _ = serve(RequestFactory().get("/reports/2021/"))
    assert seen["figure"] == PRIMARY


def test_admin_reads_the_primary(replica_ok):
    seen, _ = serve(RequestFactory().get("/en/admin/metrics/figure/"))
    assert seen["figure"] == PRIMARY


def test_post_reads_the_primary_and_pins_the_browser_for_read_your_writes(replica_ok):
    seen, response = serve(RequestFactory().post("/admin/metrics/figure/1/change/"))
    assert seen["figure"] == PRIMARY
    cookie = response.cookies[PIN_COOKIE]
    assert cookie["max-age"] == settings.READ_YOUR_WRITES_SECONDS
    assert cookie["httponly"] is True
    follow = RequestFactory().get("/reports/2021/")
    follow.COOKIES[PIN_COOKIE] = cookie.value
    seen, response = serve(follow)
    assert seen["figure"] == PRIMARY
    assert PIN_COOKIE not in response.cookies


def test_a_forged_or_expired_pin_is_ignored(replica_ok, monkeypatch):
    _, response = serve(RequestFactory().post("/x/"))
    value = response.cookies[PIN_COOKIE].value
    forged = RequestFactory().get("/reports/2021/")
    forged.COOKIES[PIN_COOKIE] = value[:-2] + "xx"
    assert serve(forged)[0]["figure"] == REPLICA
    later = time.time() + settings.READ_YOUR_WRITES_SECONDS + 1
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    expired = RequestFactory().get("/reports/2021/")
    expired.COOKIES[PIN_COOKIE] = value
    assert serve(expired)[0]["figure"] == REPLICA


def test_replica_state_probes_once_per_interval(monkeypatch):
    state = ReplicaState()
    calls = []
    monkeypatch.setattr(state, "probe", lambda: calls.append(1) or ("lagging", 9.0))
    assert state.usable() is False
    assert state.usable() is False
    assert len(calls) == 1
    assert (state.status, state.lag_seconds) == ("lagging", 9.0)
    monkeypatch.setattr(state, "_checked_at", time.monotonic() - settings.DATABASE_REPLICA_CHECK_SECONDS)
    monkeypatch.setattr(state, "probe", lambda: calls.append(1) or ("ok", 0.0))
    assert state.usable() is True
    assert len(calls) == 2


def test_a_read_that_meets_the_replica_gone_is_run_again_on_the_primary(replica_ok, monkeypatch):
    monkeypatch.setattr(replica.REPLICA_STATE, "probe", lambda: ("unavailable", None))
    monkeypatch.setattr(replica, "close_replica", lambda: None)
    aliases = []

    def view(request):
        aliases.append(read_alias())
        if aliases[-1] == REPLICA:
            raise OperationalError("server closed the connection unexpectedly")
        return HttpResponse("from the primary")

    middleware = PrimaryPinMiddleware(lambda request: None)
    request = RequestFactory().get("/reports/2021/")

    def get_response(request):
        middleware.process_view(request, view, (), {})
        try:
            return view(request)
        except OperationalError as error:
            return middleware.process_exception(request, error)

    middleware.get_response = get_response
    response = middleware(request)
    assert response.content == b"from the primary"
    assert aliases == [REPLICA, PRIMARY]
    assert replica.REPLICA_STATE.status == "unavailable"


def test_a_template_response_whose_rendering_met_the_replica_gone_is_rendered_from_the_primary(replica_ok, monkeypatch):
    monkeypatch.setattr(replica.REPLICA_STATE, "probe", lambda: ("unavailable", None))
    monkeypatch.setattr(replica, "close_replica", lambda: None)
    middleware = PrimaryPinMiddleware(lambda request: None)
    request = RequestFactory().get("/healthz")

    def view(request):
        return TemplateResponse(request, engines["django"].from_string("{{ where }}"), {"where": read_alias()})

    def get_response(request):
        middleware.process_view(request, view, (), {})
        read_alias()
        return middleware.process_exception(request, OperationalError("gone while rendering"))

    middleware.get_response = get_response
    response = middleware(request)
    assert response.is_rendered
    assert response.content == b"default"


def test_replica_state_unavailable_is_probed_less_often(monkeypatch):
    state = ReplicaState()
    calls = []
    monkeypatch.setattr(state, "probe", lambda: calls.append(1) or ("unavailable", None))
    assert state.usable() is False
    monkeypatch.setattr(state, "_checked_at", time.monotonic() - settings.DATABASE_REPLICA_CHECK_SECONDS * 1.5)
    assert state.usable() is False
    assert len(calls) == 1
    monkeypatch.setattr(
        state, "_checked_at", time.monotonic() - settings.DATABASE_REPLICA_CHECK_SECONDS * replica.UNAVAILABLE_BACKOFF
    )
    state.usable()
    assert len(calls) == 2


def test_an_error_while_the_replica_answers_is_left_to_the_outage_handling(replica_ok, monkeypatch):
    monkeypatch.setattr(replica.REPLICA_STATE, "probe", lambda: ("ok", 0.0))
    monkeypatch.setattr(replica, "close_replica", lambda: None)
    middleware = PrimaryPinMiddleware(lambda request: None)
    request = RequestFactory().get("/reports/2021/")
    results = []

    def get_response(request):
        read_alias()
        results.append(middleware.process_exception(request, OperationalError("primary gone")))
        return HttpResponse()

    middleware.get_response = get_response
    middleware(request)
    assert results == [None]
