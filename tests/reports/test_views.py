"""The entry pages: the newest report and the list of years, with their access rules and query counts.

The list's content (drafts for editors) is tested in tests/metrics/test_report_list.py: it is a metrics view."""

import pytest
from django.urls import reverse

from tests.factories import make_report

pytestmark = pytest.mark.django_db

#: Session, user, the user's and the groups' permissions.
PER_REQUEST = 4


@pytest.mark.parametrize("path", ["/", "/reports/"])
def test_entry_pages_redirect_anonymous_users_to_login(client, report_2021, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + f"?next={path}"


@pytest.mark.parametrize("path", ["/", "/reports/"])
def test_entry_pages_refuse_an_account_without_a_role(client, make_user, report_2021, path):
    client.force_login(make_user(None))
    response = client.get(path)
    assert response.status_code == 403
    assert "沒有權限" in response.content.decode()


def test_home_redirects_to_the_newest_report(viewer_client, report_2021, django_assert_num_queries):
    make_report(2019)
    with django_assert_num_queries(PER_REQUEST + 1):
        response = viewer_client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/reports/2021/"


def test_home_without_any_report_says_so(viewer_client):
    response = viewer_client.get("/")
    assert response.status_code == 200
    assert "尚無工作報告" in response.content.decode()
