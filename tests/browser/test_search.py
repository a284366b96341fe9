"""The search box and results page in a real browser: desktop and phone, three languages."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from reports.models import Report
from reports.services import attach_source
from search.models import SearchEntry
from tests.loading import load_fixture

# Drives Chromium through pages of the live server: seconds, not milliseconds.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PASSWORD = "browser-test-pw"
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True}
#: A query typed in Simplified characters, and the text each page shows it in.
QUERY = "纠纷"
MARKED = {"": "糾紛", "/zh-hans": "纠纷", "/en": "糾紛"}


@pytest.fixture
def portal(live_server, django_user_model, source_text_2021):
    # Committed (a transactional test): the index is written as it is on a real save.
    load_fixture()
    call_command("setup_roles", verbosity=0)
    attach_source(report=Report.objects.get(year=2021), text=source_text_2021, origin="wanzhou-2021.txt")
    assert SearchEntry.objects.filter(kind="paragraph").exists()
    user = django_user_model.objects.create_user(username="viewer", password=PASSWORD)
    user.groups.add(Group.objects.get(name="viewer"))
    return live_server


def test_search_from_the_header_box_on_desktop_and_phone_in_three_languages(browser, portal, artifacts_dir):
    for device, options in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(**options)
        page = context.new_page()
        page.goto(f"{portal.url}/accounts/login/")
        page.fill("input[name=username]", "viewer")
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("form.stacked-form button[type=submit]")
        for prefix in ("", "/zh-hans", "/en"):
            page.goto(f"{portal.url}{prefix}/reports/2021/")
            box = page.locator("#site-search-q")
            assert box.is_visible(), (device, prefix)
            box.fill(QUERY)
            with page.expect_navigation():
                box.press("Enter")
            assert page.url.startswith(f"{portal.url}{prefix}/search/?q="), page.url
            assert page.locator("h2#group-figure").is_visible()
            assert page.locator("h2#group-paragraph").count() == 1
            assert page.locator("mark").first.inner_text() == MARKED[prefix]
            assert page.locator(".search-result").count() >= 10
            assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, (device, prefix)
            name = prefix.strip("/") or "zh-hant"
            page.screenshot(path=str(artifacts_dir / f"{device}-search-{name}.png"), full_page=device == "phone")
        # The kind filter keeps the query and narrows the list.
        page.goto(f"{portal.url}/en/search/?q=fireworks")
        with page.expect_navigation():
            page.locator('.search-filters a[href*="kind=figure"]').click()
        assert "kind=figure" in page.url and "q=fireworks" in page.url
        assert page.locator(".search-group").count() == 1
        context.close()
