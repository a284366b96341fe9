"""Public mode (``settings.PUBLIC_MODE``, ``common.roles.public_page``): off, every page needs a login; on, anyone
reads what is published, while the explorer and its exports, drafts and the admin keep their permissions, and an
anonymous reader's cached pages are kept apart from logged-in readers'."""

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from tests.factories import make_ready_draft

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module")]

RESOLVED = "mediation.disputes_resolved"
#: What public mode opens, and a text each page shows.
PUBLIC_PAGES = {
    "/reports/": 'href="/reports/2021/"',
    "/reports/2021/": "2021年工作綜述",
    "/reports/2021/mediation/": "17,918起",
    "/en/reports/2021/mediation/": "17,918",
    f"/metrics/{RESOLVED}/": "17,918起",
    f"/metrics/{RESOLVED}/csv/": "17918",
    "/reports/2021/mediation/charts/disputes.csv": "17918",
    "/releases/": "發布時間表",
}


def body(response) -> str:
    return (b"".join(response.streaming_content) if response.streaming else response.content).decode()


def test_public_mode_is_off_by_default(settings):
    assert settings.PUBLIC_MODE is False


@pytest.mark.parametrize("path", [*PUBLIC_PAGES, "/", "/feeds/"])
def test_without_public_mode_every_page_sends_an_anonymous_reader_to_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/accounts/login/?next=" in response["Location"]


def test_without_public_mode_an_account_without_a_role_is_refused(client, make_user):
    client.force_login(make_user(None))
    assert client.get("/reports/2021/").status_code == 403


@override_settings(PUBLIC_MODE=True)
@pytest.mark.parametrize(("path", "shown"), PUBLIC_PAGES.items())
def test_public_mode_opens_the_published_pages_to_anyone(client, path, shown):
    response = client.get(path)
    assert response.status_code == 200
    assert shown in body(response)


@override_settings(PUBLIC_MODE=True)
def test_public_mode_home_leads_anyone_to_the_newest_report_with_a_login_link(client):
    assert client.get("/")["Location"] == "/reports/2021/"
    page = client.get("/reports/2021/").content.decode()
    assert 'href="/accounts/login/?next=/reports/2021/"' in page and "登出" not in page
    assert 'href="/releases/"' in page and 'href="/metrics/"' not in page


@override_settings(PUBLIC_MODE=True)
@pytest.mark.parametrize(
    "path",
    ["/metrics/", "/metrics/?_export=csv", "/metrics/?year=2021&_export=xlsx", "/feeds/", "/admin/"],
)
def test_public_mode_keeps_the_explorer_exports_tokens_and_admin_behind_the_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "login/?next=" in response["Location"]


@override_settings(PUBLIC_MODE=True)
def test_public_mode_keeps_drafts_with_editors(editor_client):
    client = Client()
    make_ready_draft()
    assert client.get("/reports/2022/").status_code == 404
    assert client.get("/reports/2022/mediation/charts/disputes.csv").status_code == 404
    assert "2022" not in client.get("/releases/").content.decode()
    assert editor_client.get("/reports/2022/").status_code == 200


@override_settings(PUBLIC_MODE=True)
def test_public_mode_keeps_the_many_figure_export_with_analysts(viewer_client):
    assert viewer_client.get("/metrics/?_export=csv").status_code == 403


@override_settings(PUBLIC_MODE=True)
def test_public_mode_lets_an_account_without_a_role_read_what_anyone_may(client, make_user):
    client.force_login(make_user(None))
    assert client.get("/reports/2021/mediation/").status_code == 200
    assert client.get("/metrics/").status_code == 403


@override_settings(PUBLIC_MODE=True)
def test_anonymous_pages_are_cached_apart_from_logged_in_readers(viewer_client):
    viewer_client.get("/reports/2021/mediation/")
    viewer_keys = set(cache._cache)
    Client().get("/reports/2021/mediation/")
    anonymous_keys = set(cache._cache) - viewer_keys
    assert len(anonymous_keys) == 2, "the anonymous reader's own section body and navigation"
