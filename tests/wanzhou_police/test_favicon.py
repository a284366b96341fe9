"""The portal's own icon: linked from every portal and admin page, and answered at /favicon.ico."""

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module")]

ICON_LINK = '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'


def test_favicon_ico_redirects_anyone_to_the_svg_icon(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.svg"
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert icon["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in b"".join(icon.streaming_content)


def test_favicon_is_linked_from_portal_pages(viewer_client, report_2021):
    assert ICON_LINK in viewer_client.get("/reports/").content.decode()


def test_favicon_is_linked_from_the_admin_login(client):
    assert ICON_LINK in client.get("/admin/login/").content.decode()


@pytest.mark.parametrize("path", ["/admin/", "/admin/metrics/figure/", "/admin/metrics/figure/1/history/"])
def test_favicon_is_linked_from_admin_pages(editor_client, report_2021, path):
    assert ICON_LINK in editor_client.get(path).content.decode()
