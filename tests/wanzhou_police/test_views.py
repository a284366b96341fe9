"""The health check, the CSRF failure page, the last-resort error handler and the answers during an outage."""

import re

import pytest
from django.db import OperationalError
from django.test import Client, RequestFactory

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


LOGIN_FORMS = ("/accounts/login/", "/admin/login/")


def assert_portal_page_without_inline_style_or_script(response) -> str:
    body = response.content.decode()
    assert "<style" not in body and " style=" not in body
    assert all(" src=" in tag for tag in re.findall(r"<script\b[^>]*>", body))
    policy = response["Content-Security-Policy"]
    assert "style-src 'self'" in policy and "unsafe-inline" not in policy
    assert 'class="site-header"' in body  # the portal's base page, not Django's
    return body


@pytest.mark.parametrize("path", LOGIN_FORMS)
def test_csrf_failure_on_a_login_form_is_the_portals_403_page(path, django_assert_num_queries):
    client = Client(enforce_csrf_checks=True)
    client.get(path)  # the form page sets the CSRF cookie
    with django_assert_num_queries(0):
        response = client.post(path, {"username": "staff", "password": "x"})  # without the form's token
    assert response.status_code == 403
    body = assert_portal_page_without_inline_style_or_script(response)
    assert "<title>表單已過期</title>" in body
    assert "沒有通過安全檢查，所以沒有處理" in body
    assert "表單頁面開啟太久" in body
    assert 'href="/accounts/login/"' in body


def test_csrf_failure_without_a_cookie_asks_to_allow_cookies():
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "staff", "password": "x"})
    assert response.status_code == 403
    assert "請允許本站使用 Cookie" in assert_portal_page_without_inline_style_or_script(response)


def test_csrf_failure_when_logged_in_keeps_the_navigation(viewer_client, report_2021, django_assert_num_queries):
    viewer_client.handler.enforce_csrf_checks = True
    viewer_client.get("/")  # the CSRF cookie
    # Session, user; the navigation: the user's and groups' permissions (whether it holds drafts), revision,
    # reports, sections.
    with django_assert_num_queries(7):
        response = viewer_client.post("/accounts/logout/")
    assert response.status_code == 403
    body = assert_portal_page_without_inline_style_or_script(response)
    assert "表單已過期" in body
    assert 'href="/"' in body and "登出" in body
    assert "_auth_user_id" in viewer_client.session  # nothing was done: still logged in


@pytest.mark.parametrize(("prefix", "title"), [("/en", "Form expired"), ("/zh-hans", "表单已过期")])
def test_csrf_failure_page_speaks_the_page_language(prefix, title):
    client = Client(enforce_csrf_checks=True)
    client.get(f"{prefix}/accounts/login/")
    response = client.post(f"{prefix}/accounts/login/", {"username": "staff", "password": "x"})
    assert response.status_code == 403
    assert f"<title>{title}</title>" in assert_portal_page_without_inline_style_or_script(response)
