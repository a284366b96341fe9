"""The import's review page in a real browser: it fits a 1280-px window, every column readable."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from tests.loading import load_fixture

# Each test drives Chromium through pages of the live server: seconds, not milliseconds.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PASSWORD = "browser-test-pw"
YEAR_AFTER = (Path(__file__).parents[1] / "metrics/importing/texts/year_after.txt").read_text(encoding="utf-8")
#: The narrowest a column of the review may be and its text still read: a few characters of Chinese.
MIN_COLUMN_PX = 90


@pytest.fixture
def import_portal(live_server, django_user_model):
    load_fixture()
    call_command("setup_roles", verbosity=0)
    user = django_user_model.objects.create_user(username="editor", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="editor"))
    return live_server


def test_import_review_fits_1280px_with_readable_columns(browser, import_portal, artifacts_dir):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-TW")
    page = context.new_page()
    page.goto(f"{import_portal.url}/admin/login/?next=/admin/metrics/figure/import/")
    page.fill("input[name=username]", "editor")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.fill("input[name=year]", "2022")
    page.fill("input[name=title]", "2022年工作報告（測試數據）")
    page.fill("textarea[name=text]", YEAR_AFTER)
    with page.expect_navigation():
        page.click("input[name=propose]")
    page.screenshot(path=str(artifacts_dir / "admin-import-review-1280.png"), full_page=True)
    page.locator("table.import-rows").first.evaluate("el => el.scrollIntoView()")
    page.screenshot(path=str(artifacts_dir / "admin-import-review-rows-1280.png"))

    assert page.locator("tbody.import-row").count() == 18
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 1280, f"the review page is {scroll_width}px wide"
    fields = ("select[name$='-slug']", "input[name$='-code']", "input[name$='-name_en']", "input[name$='-quote']")
    for selector in fields:
        box = page.locator(selector).first.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 1280, f"{selector} is off screen: {box}"
        assert box["width"] >= MIN_COLUMN_PX, f"{selector} is {box['width']}px wide"
    english = page.locator("input[name='sections-2-heading_en']")
    assert english.input_value().startswith("Tackling problems at the source")
    context.close()
