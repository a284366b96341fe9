"""A change of role applies on the next request, whatever made the change."""

import pytest
from django.contrib.auth.models import Group, Permission

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module")]

SECTION = "/reports/2021/mediation/"


def test_removing_a_group_membership_with_a_queryset_applies_on_the_next_request(client, make_user, report_2021):
    user = make_user("analyst")
    client.force_login(user)
    assert client.get("/metrics/?_export=csv").status_code == 200
    # A queryset delete sends no signal: nothing may depend on one to revoke access.
    user.groups.through.objects.filter(user=user).delete()
    assert client.get("/metrics/?_export=csv").status_code == 403


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
