"""robots.txt and the sitemap: answered only in public mode (404 otherwise), naming only what anyone may read."""

import xml.etree.ElementTree as ET

import pytest
from django.test import override_settings

from tests.factories import make_ready_draft

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module")]

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.mark.parametrize("path", ["/robots.txt", "/sitemap.xml"])
def test_robots_and_sitemap_are_a_404_outside_public_mode(client, viewer_client, path):
    assert client.get(path).status_code == 404
    assert viewer_client.get(path).status_code == 404


@override_settings(PUBLIC_MODE=True)
def test_robots_keeps_crawlers_from_the_closed_parts_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    closed = ["admin/", "accounts/", "feeds/", "metrics/?"]
    assert lines == [
        "User-agent: *",
        *(f"Disallow: /{prefix}{path}" for prefix in ("", "zh-hans/", "en/") for path in closed),
        "Sitemap: http://testserver/sitemap.xml",
    ]
    # The metric pages stay open: no rule is a prefix of /metrics/<code>/.
    assert not any("/metrics/mediation.disputes_resolved/".startswith(line.split(" ")[1]) for line in lines[1:-1])


@override_settings(PUBLIC_MODE=True)
def test_sitemap_lists_the_released_pages_in_every_language_and_no_draft(client):
    make_ready_draft()
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    locations = {loc.text for loc in ET.fromstring(response.content).iter(f"{SITEMAP}loc")}
    for path in (
        "/reports/2021/",
        "/en/reports/2021/",
        "/zh-hans/reports/2021/mediation/",
        "/metrics/mediation.disputes_resolved/",
        "/releases/",
    ):
        assert f"http://testserver{path}" in locations, path
    assert not [location for location in locations if "2022" in location]
