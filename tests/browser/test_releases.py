"""The release calendar and a public page in a real browser, in public mode, without logging in: at a desktop
and a phone width, nothing wider than the screen, no serious accessibility fault, with screenshots."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from reports.models import Report
from tests.browser.test_accessibility import WCAG_22_AA
from tests.browser.test_portal_pages import PageWatch
from tests.factories import make_ready_draft
from tests.loading import load_fixture

# Chromium against the live server: seconds, not milliseconds.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture
def public_portal(live_server, settings):
    load_fixture()
    draft = make_ready_draft(title="2022年工作綜述（測試數據：排定發布）")
    Report.objects.filter(pk=draft.pk).update(release_at=timezone.now() + timedelta(days=30))
    settings.PUBLIC_MODE = True
    return live_server


def serious_violations(page) -> list[str]:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    return [
        violation["id"]
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def test_release_calendar_and_a_section_page_open_to_anyone_on_desktop_and_phone(browser, public_portal, artifacts_dir):
    for name, width in WIDTHS.items():
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        watch = PageWatch(page)

        page.goto(f"{public_portal.url}/releases/")
        upcoming = page.locator("#upcoming tbody tr")
        assert upcoming.count() == 1 and "2022" in upcoming.first.inner_text()
        assert "排定發布" in upcoming.first.inner_text()
        past = page.locator("#past tbody tr")
        assert past.count() == 1 and past.first.locator("a").first.inner_text() == "2021"
        if name == "phone":
            page.click(".site-menu > summary")  # a phone's header folds its links, the login too, into a menu
        assert page.locator("a[href^='/accounts/login/']").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert serious_violations(page) == []
        watch.collect_csp_violations()
        page.screenshot(path=str(artifacts_dir / f"releases-public-{name}.png"), full_page=True)

        page.goto(f"{public_portal.url}/reports/2021/mediation/")
        assert page.url.endswith("/reports/2021/mediation/"), "no login asked"
        assert page.locator("text=17,918起").first.is_visible()
        assert page.locator("a[href='/metrics/']").count() == 0, "the explorer is not offered to anyone"
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        watch.collect_csp_violations()
        page.screenshot(path=str(artifacts_dir / f"section-public-{name}.png"), full_page=True)

        page.goto(f"{public_portal.url}/reports/2022/")
        assert page.locator("h1").first.inner_text() != "2022年工作綜述（測試數據：排定發布）"
        assert watch.errors == [] or all("404" in error for error in watch.errors)
        assert watch.csp_violations == []
        assert watch.hosts == {urlsplit(public_portal.url).netloc}
        context.close()
