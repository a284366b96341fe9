"""The report's text page in a real browser on a phone: no sideways scroll, a paragraph link lands on its paragraph."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from reports.models import Report
from reports.services import attach_source
from tests.loading import load_fixture

# Drives Chromium through pages of the live server: seconds, not milliseconds.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PASSWORD = "browser-test-pw"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True}


@pytest.fixture
def portal(live_server, django_user_model, source_text_2021):
    load_fixture()
    call_command("setup_roles", verbosity=0)
    attach_source(report=Report.objects.get(year=2021), text=source_text_2021, origin="wanzhou-2021.txt")
    user = django_user_model.objects.create_user(username="viewer", password=PASSWORD)
    user.groups.add(Group.objects.get(name="viewer"))
    return live_server


def test_text_page_fits_a_phone_and_paragraph_links_land_on_their_paragraph(browser, portal, artifacts_dir):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{portal.url}/accounts/login/")
    page.fill("input[name=username]", "viewer")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form.stacked-form button[type=submit]")
    for prefix in ("", "/zh-hans", "/en"):
        page.goto(f"{portal.url}{prefix}/reports/2021/text/")
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, prefix
        assert page.locator(".source-text mark a").count() == 54
        name = prefix.strip("/") or "zh-hant"
        page.screenshot(path=str(artifacts_dir / f"phone-report-text-{name}.png"), full_page=True)
    page.goto(f"{portal.url}/reports/2021/mediation/")
    with page.expect_navigation():
        page.locator('.figure-table a[href="/reports/2021/text/#p-19"]').first.click()
    assert page.url.endswith("/reports/2021/text/#p-19")
    target = page.locator("#p-19")
    assert target.evaluate("el => el.matches(':target')")
    box = target.bounding_box()
    assert box is not None and 0 <= box["y"] < 844
    page.screenshot(path=str(artifacts_dir / "phone-report-text-p19.png"))
    context.close()

    # On a desktop, in each language: the paragraph a link points to, its clauses marked and linked.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{portal.url}/accounts/login/")
    page.fill("input[name=username]", "viewer")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form.stacked-form button[type=submit]")
    for prefix in ("", "/zh-hans", "/en"):
        page.goto(f"{portal.url}{prefix}/reports/2021/text/#p-19")
        marked = page.locator("#p-19 mark a")
        assert marked.count() >= 3 and marked.first.get_attribute("href").startswith(f"{prefix}/metrics/")
        name = prefix.strip("/") or "zh-hant"
        page.screenshot(path=str(artifacts_dir / f"report-text-p19-1280-{name}.png"))
    context.close()
