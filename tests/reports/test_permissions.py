"""Cached permission sets: cheap on every page, yet a change of role applies on the next request."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.caching import revisions

pytestmark = pytest.mark.django_db

SECTION = "/reports/2021/mediation/"


def test_permission_checks_are_served_from_the_cache_after_the_first_request(client, make_user, report_2021):
    client.force_login(make_user("viewer"))
    client.get(SECTION)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(SECTION).status_code == 200
    assert not [q for q in queries.captured_queries if "auth_permission" in q["sql"]]


def test_removing_a_users_role_applies_on_the_next_request(client, make_user, report_2021):
    user = make_user("viewer")
    client.force_login(user)
    assert client.get(SECTION).status_code == 200
    user.groups.clear()
    assert client.get(SECTION).status_code == 403


def test_taking_a_permission_from_a_group_applies_on_the_next_request(client, make_user, report_2021):
    client.force_login(make_user("analyst"))
    assert client.get("/metrics/?_export=csv").status_code == 200
    Group.objects.get(name="analyst").permissions.remove(Permission.objects.get(codename="export_figure"))
    assert client.get("/metrics/?_export=csv").status_code == 403


def test_deactivating_an_account_applies_on_the_next_request(client, make_user, report_2021):
    user = make_user("viewer")
    client.force_login(user)
    assert client.get(SECTION).status_code == 200
    user.is_active = False
    user.save()
    response = client.get(SECTION)
    assert response.status_code == 302, "an inactive account is logged out, then asked to log in"
    assert response["Location"].startswith("/accounts/login/")


def test_a_login_does_not_invalidate_everyones_permissions(client, django_user_model, roles):
    django_user_model.objects.create_user(username="staff", password="pw-for-tests")
    before = revisions().access
    assert client.login(username="staff", password="pw-for-tests")
    client.get("/healthz")
    assert revisions().access == before
