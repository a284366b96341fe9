"""The figure admin in a real browser: the list fits a 1280-px window, with numbers at their stated places."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from metrics.models import Figure
from tests.browser.test_portal_pages import ALL_DRAWN
from tests.loading import load_fixture

# Each test drives Chromium through pages of the live server: seconds, not milliseconds.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("second_approval_off"),
]

PASSWORD = "browser-test-pw"


@pytest.fixture
def admin_portal(live_server, django_user_model):
    """The 2021 report in the live server's database, one figure corrected, and an editor account."""
    load_fixture()
    call_command("setup_roles", verbosity=0)
    Figure.objects.filter(code="stability.permitted_event_plans").update(value=15, correction_reason="核對後更正")
    user = django_user_model.objects.create_user(username="editor", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="editor"))
    return live_server


def test_figure_list_fits_1280px_without_sideways_scrolling(browser, admin_portal, artifacts_dir):
    context = browser.new_context(viewport={"width": 1280, "height": 768}, locale="zh-TW")
    page = context.new_page()
    page.goto(f"{admin_portal.url}/admin/login/?next=/admin/metrics/figure/")
    page.fill("input[name=username]", "editor")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    page.screenshot(path=str(artifacts_dir / "admin-figure-list-1280.png"), full_page=False)

    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 1280, f"the figure list is {scroll_width}px wide"
    results = page.locator("#changelist .results")
    assert results.evaluate("el => el.scrollWidth <= el.clientWidth"), "the list scrolls sideways inside its box"
    table = page.locator("#result_list")
    assert table.bounding_box()["x"] + table.bounding_box()["width"] <= 1280
    values = page.locator("#result_list input[name$='-value']")
    shown = {values.nth(i).input_value() for i in range(values.count())}
    assert {"17918", "98.66", "1275.5"} <= shown
    assert not any(text.endswith(".00") for text in shown)
    assert page.locator("#result_list .correction-mark").count() == 1
    context.close()


def test_correction_is_marked_on_the_section_page_and_overview(browser, admin_portal, artifacts_dir):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-TW")
    page = context.new_page()
    page.goto(f"{admin_portal.url}/admin/login/?next=/reports/2021/stability/")
    page.fill("input[name=username]", "editor")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    note = page.locator("aside.corrections")
    assert note.is_visible()
    assert "公布 15場，報告原載 14場" in note.inner_text()
    assert "原因：核對後更正" in note.inner_text()
    note.screenshot(path=str(artifacts_dir / "section-correction-note.png"))
    page.goto(f"{admin_portal.url}/reports/2021/")
    page.wait_for_function(ALL_DRAWN)
    card = page.locator(".figure-card.is-correction")
    assert card.count() == 1
    assert "報告原載 14場" in card.inner_text()
    page.locator("#section-stability").screenshot(path=str(artifacts_dir / "overview-correction-card.png"))
    context.close()


def log_in_as(browser, base_url: str, username: str, next_url: str):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-TW")
    page = context.new_page()
    page.goto(f"{base_url}/admin/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    return context, page


def test_stale_change_form_shows_the_conflict_and_keeps_the_typed_value(
    browser, admin_portal, artifacts_dir, django_user_model
):
    other = django_user_model.objects.create_user(username="editor-a", password=PASSWORD, is_staff=True)
    other.groups.add(Group.objects.get(name="editor"))
    figure = Figure.objects.get(code="stability.government_event_plans")
    url = f"/admin/metrics/figure/{figure.pk}/change/"
    context_b, page_b = log_in_as(browser, admin_portal.url, "editor", url)
    context_a, page_a = log_in_as(browser, admin_portal.url, "editor-a", url)
    page_a.fill("input[name=name]", "政府活動安保")
    with page_a.expect_navigation():
        page_a.click("input[name=_save]")

    page_b.fill("input[name=value]", "40")
    page_b.fill("input[name=correction_reason]", "依分局通報更正")
    with page_b.expect_navigation():
        page_b.click("input[name=_save]")
    page_b.screenshot(path=str(artifacts_dir / "admin-figure-conflict.png"), full_page=False)

    errors = page_b.locator("ul.errorlist").first.inner_text()
    assert "在您開啟表單後已被 editor-a 修改" in errors
    assert "指標名稱：目前儲存的是「政府活動安保」，您送出的是「政府活動安保方案」。" in errors
    assert page_b.input_value("input[name=value]") == "40"
    assert page_b.input_value("input[name=name]") == "政府活動安保"
    with page_b.expect_navigation():
        page_b.click("input[name=_save]")
    stored = Figure.objects.get(pk=figure.pk)
    assert (stored.value, stored.name) == (40, "政府活動安保")
    context_a.close()
    context_b.close()
