"""Hostile URLs on the portal's own pages, logged in: a page, a 400 or a 404, never a 500.

(The explorer and its exports have their own property test, tests/metrics/explorer/test_fuzz.py.)
"""

from urllib.parse import quote

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PATHS = ("/", "/reports/", "/reports/2021/", "/reports/2021/mediation/", "/reports/2021/mediation/chart.csv")
YEARS = ("0", "-1", "99999999999999999999", "2021.0", "abc", "%00", "%E2%80%AE2021")
SLUGS = ("nowhere", "..", "%00", "a" * 300, "mediation%00", "%E5%8C%96%E8%A7%A3")
PARAMS = ("sort", "page", "per_page", "year", "section", "next", "_export", "lang")
VALUES = ("\x00", "\x01", "-", "--value", "abc", "1.5", "99999999999999999999", "\u202e", "字" * 3000, "")


@pytest.fixture
def viewer(report_2021, make_user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(make_user("viewer"))
    return client


def test_portal_hostile_urls_never_answer_500(viewer):
    urls = [f"/reports/{year}/" for year in YEARS]
    urls += [f"/reports/2021/{slug}/" for slug in SLUGS]
    urls += [f"{path}?{param}={quote(value)}" for path in PATHS for param in PARAMS for value in VALUES]
    answers = {url: viewer.get(url).status_code for url in urls}
    assert {url: status for url, status in answers.items() if status >= 500} == {}
    assert set(answers.values()) <= {200, 302, 400, 404}
    assert len(urls) == 413
