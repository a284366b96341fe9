"""The health check, the last-resort error handler and the answers during a known database outage."""

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from wanzhou_police import middleware, views
from wanzhou_police.outages import Outage

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/healthz", "/healthz/"])
def test_healthz_names_each_dependency(client, path, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == "database: ok\ncache: ok\n"


def test_healthz_with_a_session_cookie_reads_no_session(client, viewer_client, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert viewer_client.get("/healthz").status_code == 200


def test_healthz_refuses_writes(client):
    assert client.post("/healthz").status_code == 405


def raise_and_handle(error):
    request = RequestFactory().get("/reports/2021/")
    try:
        raise error
    except Exception:
        return views.server_error(request)


def test_server_error_for_a_database_that_does_not_answer_is_the_503_page(monkeypatch):
    monkeypatch.setattr(views, "DATABASE", Outage("database", retry_seconds=2))
    response = raise_and_handle(OperationalError("connection refused"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "資料庫暫時無法連線" in response.content.decode()
    assert views.DATABASE.is_down


def test_server_error_for_anything_else_is_the_500_page(monkeypatch):
    monkeypatch.setattr(views, "DATABASE", Outage("database", retry_seconds=2))
    response = raise_and_handle(KeyError("bug"))
    assert response.status_code == 500
    assert "伺服器錯誤" in response.content.decode()
    assert not views.DATABASE.is_down


@pytest.fixture
def database_known_down(monkeypatch):
    """This process has recorded a database outage (with no prober, so it stays down)."""
    outage = Outage("database", retry_seconds=60)
    outage.failed(OperationalError("no answer"))
    monkeypatch.setattr(views, "DATABASE", outage)
    monkeypatch.setattr(middleware, "DATABASE", outage)
    return outage


def test_known_outage_answers_every_request_503_without_touching_the_database(
    database_known_down, viewer_client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = viewer_client.get("/reports/2021/")
    assert response.status_code == 503
    assert "資料庫暫時無法連線" in response.content.decode()


@pytest.mark.parametrize("path", ["/healthz", "/healthz/"])
def test_healthz_during_a_known_outage_answers_from_the_record(
    database_known_down, client, path, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get(path)
    assert response.status_code == 503
    assert response.content.decode() == "database: unavailable\ncache: ok\n"
