"""Production settings, Content-Security-Policy and login throttling."""

import io
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import RequestFactory, override_settings

from wanzhou_police.security import client_ip, require_own_secret_key

pytestmark = pytest.mark.django_db

PROJECT = Path(settings.BASE_DIR)
WITH_AXES = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]


def production_env(**extra) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="wanzhou_police.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="portal.wanzhou.example",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://portal.wanzhou.example",
        **extra,
    )
    return env


def run_deploy_check(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_with_zero_warnings():
    result = run_deploy_check(production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_behind_a_tls_proxy_pass_check_deploy():
    result = run_deploy_check(production_env(DJANGO_BEHIND_PROXY="1"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_flags_a_switched_off_ssl_redirect_without_a_proxy():
    result = run_deploy_check(production_env(DJANGO_SECURE_SSL_REDIRECT="0"))
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


def test_check_deploy_accepts_a_switched_off_ssl_redirect_behind_the_redirecting_proxy():
    """The set-up in docs/deploy.md, where nginx redirects http itself: `make serve` must start."""
    result = run_deploy_check(production_env(DJANGO_BEHIND_PROXY="1", DJANGO_SECURE_SSL_REDIRECT="0"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_docs_and_makefile_agree_on_the_ssl_redirect_switch():
    readme = (PROJECT / "docs" / "deploy.md").read_text(encoding="utf-8")
    makefile = (PROJECT / "Makefile").read_text(encoding="utf-8")
    assert "check --deploy --fail-level WARNING" in makefile
    row = next(line for line in readme.splitlines() if line.startswith("| `DJANGO_SECURE_SSL_REDIRECT`"))
    assert "DJANGO_BEHIND_PROXY=1" in row
    assert "will then warn" not in row


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_ssl_redirect_trusts_the_proxy_header_for_https(client):
    assert client.get("/healthz")["Location"] == "https://testserver/healthz"
    assert client.get("/healthz", HTTP_X_FORWARDED_PROTO="https").status_code == 200


def test_check_deploy_flags_the_development_secret_key():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = run_deploy_check(env)
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/accounts/login/")
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";") if part.strip())
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["img-src"] == "'self' data: blob:"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


@override_settings(AUTHENTICATION_BACKENDS=WITH_AXES)
def test_login_is_refused_after_repeated_failures_for_one_user(client, django_user_model):
    django_user_model.objects.create_user(username="staff", password="right-password")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/accounts/login/", {"username": "staff", "password": "wrong"})
        assert response.status_code == 200
        assert "帳號或密碼不正確" in response.content.decode()
    assert client.post("/accounts/login/", {"username": "staff", "password": "wrong"}).status_code == 429
    locked = client.post("/accounts/login/", {"username": "staff", "password": "right-password"})
    assert locked.status_code == 429
    assert "暫時無法登入" in locked.content.decode()
    assert "15 分鐘" in locked.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(AUTHENTICATION_BACKENDS=WITH_AXES)
def test_login_below_the_failure_limit_still_succeeds(client, django_user_model):
    django_user_model.objects.create_user(username="staff", password="right-password")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/accounts/login/", {"username": "staff", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "staff", "password": "right-password"})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_client_ip_ignores_forwarded_headers_unless_behind_our_proxy():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "10.0.0.5"
    with override_settings(BEHIND_PROXY=True):
        request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.0.0.9")
        assert client_ip(request) == "10.0.0.9"


@override_settings(BEHIND_PROXY=True, PROXY_HOPS=2)
def test_client_ip_reads_the_configured_hop_from_the_end():
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.0.0.9, 10.1.1.1")
    assert client_ip(request) == "10.0.0.9"
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.1.1.1")
    assert client_ip(request) == "127.0.0.1"


@override_settings(BEHIND_PROXY=True)
def test_client_ip_normalises_ipv6():
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="2001:DB8:0:0::1")
    assert client_ip(request) == "2001:db8::1"


@override_settings(BEHIND_PROXY=True)
@pytest.mark.parametrize(
    "forwarded",
    ["not-an-ip", "999.1.1.1", "1.2.3.4:5678", "\x00", "1" * 5000, "1.2.3.4, not-an-ip", "", ",", "[::1]"],
)
def test_client_ip_ignores_and_logs_a_hop_that_is_not_an_address(forwarded, caplog):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == "10.0.0.5"
    assert "is not an IP address, ignored" in caplog.text
    assert len(caplog.text) < 1000


def test_client_ip_is_none_without_any_address():
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="")) is None


@pytest.mark.parametrize(
    ("https", "key", "refused"),
    [
        (True, "django-insecure-local", True),
        (True, "a-long-random-production-key", False),
        (False, "django-insecure-x", False),
    ],
)
def test_wsgi_guard_refuses_the_development_key_only_in_production(https, key, refused):
    with override_settings(HTTPS=https, SECRET_KEY=key, DEBUG=False):
        if refused:
            with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY"):
                require_own_secret_key()
        else:
            require_own_secret_key()


def test_client_ip_warns_when_a_proxy_header_arrives_without_proxy_mode(caplog):
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.7")
    assert client_ip(request) == "127.0.0.1"
    assert "DJANGO_BEHIND_PROXY is off" in caplog.text


def failed_login(client, username: str, address: str, path: str = "/accounts/login/"):
    return client.post(path, {"username": username, "password": "wrong"}, REMOTE_ADDR=address)


@override_settings(AUTHENTICATION_BACKENDS=WITH_AXES)
def test_lockout_of_a_user_name_holds_only_for_the_address_that_failed(client, django_user_model):
    """Failing logins with a superuser's name from one address cannot lock the superuser out elsewhere."""
    django_user_model.objects.create_superuser(username="chief", password="right-password")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        failed_login(client, "chief", "203.0.113.9")
    locked = client.post(
        "/accounts/login/", {"username": "chief", "password": "right-password"}, REMOTE_ADDR="203.0.113.9"
    )
    assert locked.status_code == 429
    elsewhere = client.post(
        "/admin/login/", {"username": "chief", "password": "right-password"}, REMOTE_ADDR="198.51.100.4"
    )
    assert elsewhere.status_code == 302
    assert "_auth_user_id" in client.session


@override_settings(AUTHENTICATION_BACKENDS=WITH_AXES, AXES_IP_FAILURE_LIMIT=8)
def test_lockout_of_an_address_after_failures_across_many_user_names(client, django_user_model):
    django_user_model.objects.create_user(username="other", password="right-password")
    answers = [failed_login(client, f"guess-{attempt}", "203.0.113.9").status_code for attempt in range(8)]
    assert answers == [200] * 7 + [429]
    refused = client.post(
        "/accounts/login/", {"username": "other", "password": "right-password"}, REMOTE_ADDR="203.0.113.9"
    )
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    allowed = client.post(
        "/accounts/login/", {"username": "other", "password": "right-password"}, REMOTE_ADDR="198.51.100.4"
    )
    assert allowed.status_code == 302


@override_settings(AUTHENTICATION_BACKENDS=WITH_AXES)
@pytest.mark.parametrize(
    ("command", "args"),
    [("axes_reset_username", ["staff"]), ("axes_reset_ip", ["203.0.113.9"]), ("axes_reset", [])],
)
def test_an_administrator_lifts_a_lock_with_the_readme_commands(client, django_user_model, command, args):
    django_user_model.objects.create_user(username="staff", password="right-password")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        failed_login(client, "staff", "203.0.113.9")
    call_command(command, *args, stdout=io.StringIO())
    response = client.post(
        "/accounts/login/", {"username": "staff", "password": "right-password"}, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 302
