"""Hostile logins on both forms, with login throttling on: a form error, a 400 or a 429, never a 500.

User names and passwords of 150 to 100,000 characters, NUL and other control
characters, bidirectional overrides and invisible marks, and behind the proxy
X-Forwarded-For values that are no address at all or an address with a zone id
of any length. Nobody is logged in, and django-axes records nothing it cannot
store (the same test runs on PostgreSQL, whose columns refuse over-long names,
NUL, non-addresses and long zone ids).
"""

import ipaddress

import pytest
from axes.models import AccessAttempt
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

WITH_AXES = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
LOGIN_FORMS = ("/accounts/login/", "/admin/login/")

HOSTILE_TEXT = (
    "a" * 150,
    "a" * 151,
    "a" * 256,
    "字" * 256,
    "a" * 100_000,
    "\x00",
    "staff\x00",
    "\x00" * 300,
    "\x01\x02\x1b[31m",
    "staff\r\nX-Injected: 1",
    "\x7f",
    "\u202estaff",
    "staff\u202c\u200f",
    "\u2066\u2069",
    "\ufeffstaff",
    "\ud7ff",
    " ",
    "",
)
HOSTILE_FORWARDED = ("not-an-ip", "999.1.1.1", "\x00", "1" * 5000, "1.2.3.4, not-an-ip", "::ffff:999.1.1.1", "", ",,")


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(username="staff", password="right-password")


def assert_refused(response) -> None:
    assert response.status_code in {200, 400, 429}, response.status_code
    if response.status_code == 200:
        assert "form" in response.context and response.context["form"].errors


def assert_nothing_unstorable_recorded() -> None:
    for attempt in AccessAttempt.objects.all():
        assert len(attempt.username or "") <= 255
        assert "\x00" not in (attempt.username or "")


@override_settings(AUTHENTICATION_BACKENDS=WITH_AXES, AXES_FAILURE_LIMIT=1000, AXES_IP_FAILURE_LIMIT=1000)
@pytest.mark.parametrize("path", LOGIN_FORMS)
@pytest.mark.parametrize("text", HOSTILE_TEXT, ids=lambda text: repr(text[:12]) + f"x{len(text)}")
def test_login_hostile_user_name_or_password_is_refused_not_a_crash(client, staff, path, text):
    assert_refused(client.post(path, {"username": text, "password": "right-password"}))
    assert_refused(client.post(path, {"username": "staff", "password": text}))
    assert_refused(client.post(path, {"username": text, "password": text}))
    assert "_auth_user_id" not in client.session
    assert_nothing_unstorable_recorded()


@override_settings(AUTHENTICATION_BACKENDS=WITH_AXES)
@pytest.mark.parametrize("path", LOGIN_FORMS)
def test_login_user_name_over_the_limit_is_a_form_error_and_not_counted(client, staff, path):
    response = client.post(path, {"username": "a" * 256, "password": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert AccessAttempt.objects.count() == 0


@override_settings(AUTHENTICATION_BACKENDS=WITH_AXES, BEHIND_PROXY=True)
@pytest.mark.parametrize("path", LOGIN_FORMS)
@pytest.mark.parametrize("forwarded", HOSTILE_FORWARDED, ids=lambda text: repr(text[:12]) + f"x{len(text)}")
def test_login_failure_behind_the_proxy_with_a_garbage_forwarded_for_is_counted_by_remote_addr(
    client, staff, path, forwarded
):
    response = client.post(
        path, {"username": "staff", "password": "wrong"}, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded
    )
    assert response.status_code == 200
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["10.0.0.5"]


@override_settings(AUTHENTICATION_BACKENDS=WITH_AXES, BEHIND_PROXY=True)
def test_login_behind_the_proxy_counts_the_proxy_appended_address(client, staff):
    client.post(
        "/accounts/login/",
        {"username": "staff", "password": "wrong"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7",
    )
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.7"]


#: X-Forwarded-For values that are IP addresses with a zone id (or IPv4-mapped): the address each counts as.
#: PostgreSQL's inet refuses a zone id of 40 characters or more, and any NUL.
ZONED_FORWARDED = {
    "fe80::1%eth0": "fe80::1",
    "fe80::1%" + "a" * 40: "fe80::1",
    "fe80::1%" + "a" * 5000: "fe80::1",
    "FE80::1%" + "字" * 100: "fe80::1",
    "fe80::1%\x00": "fe80::1",
    "fe80::1%\u202e" + "x" * 60: "fe80::1",
    "2001:db8::7%1": "2001:db8::7",
    "::ffff:203.0.113.9%" + "z" * 64: "203.0.113.9",
    "::ffff:203.0.113.9": "203.0.113.9",
}


@override_settings(
    AUTHENTICATION_BACKENDS=WITH_AXES, BEHIND_PROXY=True, AXES_FAILURE_LIMIT=1000, AXES_IP_FAILURE_LIMIT=1000
)
@pytest.mark.parametrize("path", LOGIN_FORMS)
@pytest.mark.parametrize("forwarded", ZONED_FORWARDED, ids=lambda text: repr(text[:12]) + f"x{len(text)}")
def test_login_failure_behind_the_proxy_counts_a_zoned_address_without_its_zone(client, staff, path, forwarded):
    response = client.post(
        path, {"username": "staff", "password": "wrong"}, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded
    )
    assert response.status_code == 200
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [ZONED_FORWARDED[forwarded]]


@override_settings(AUTHENTICATION_BACKENDS=WITH_AXES, AXES_FAILURE_LIMIT=1000, AXES_IP_FAILURE_LIMIT=1000)
@pytest.mark.parametrize("path", LOGIN_FORMS)
def test_login_failure_from_a_zoned_remote_address_is_counted_without_its_zone(client, staff, path):
    response = client.post(path, {"username": "staff", "password": "wrong"}, REMOTE_ADDR="fe80::1%" + "a" * 40)
    assert response.status_code == 200
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["fe80::1"]


#: Header values a client can send: anything, and anything after an address and a zone marker.
FORWARDED_VALUES = st.one_of(
    st.text(max_size=300),
    st.builds(
        lambda address, zone: f"{address}%{zone}",
        st.ip_addresses().map(str),
        st.text(max_size=300),
    ),
    st.lists(st.ip_addresses().map(str) | st.text(max_size=60), max_size=4).map(", ".join),
).filter(lambda text: "\n" not in text and "\r" not in text)


@pytest.mark.slow(reason="two hundred generated headers on both login forms, each a database write")
@override_settings(
    AUTHENTICATION_BACKENDS=WITH_AXES, BEHIND_PROXY=True, AXES_FAILURE_LIMIT=1000, AXES_IP_FAILURE_LIMIT=1000
)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(forwarded=FORWARDED_VALUES)
def test_login_failure_behind_the_proxy_with_any_forwarded_for_records_a_storable_address(client, staff, forwarded):
    for path in LOGIN_FORMS:
        response = client.post(
            path, {"username": "staff", "password": "wrong"}, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded
        )
        assert response.status_code in {200, 429}
    for address in AccessAttempt.objects.values_list("ip_address", flat=True):
        assert str(ipaddress.ip_address(address)) == address
        assert "%" not in address
