"""The refusal pages in a browser: a viewer opening an export, and an account with no role, at desktop width."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group
from django.core.management import call_command

from tests.loading import load_fixture

# Each test drives Chromium through pages of the live server: seconds, not milliseconds.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PASSWORD = "forbidden-test-pw"
EXPORT = "/metrics/?year=2021&q=%E5%8C%96%E8%A7%A3&_export=csv"


@pytest.fixture
def accounts(live_server, django_user_model):
    """The 2021 report, the roles, a viewer and an account with no role yet."""
    load_fixture()
    call_command("setup_roles", verbosity=0)
    viewer = django_user_model.objects.create_user(username="wang.viewer", password=PASSWORD)
    viewer.groups.add(Group.objects.get(name="viewer"))
    django_user_model.objects.create_user(username="li.newcomer", password=PASSWORD)
    return live_server


def log_in(page, base_url: str, username: str):
    """Log in through the form; the response of the page the login lands on."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation() as landing:
        page.click("form.stacked-form button[type=submit]")
    return landing.value


def serious_violations(page) -> list[str]:
    results = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]}}
    )
    return [v["id"] for v in results.response["violations"] if v["impact"] in {"serious", "critical"}]


def test_viewer_opening_an_export_is_told_the_role_and_can_go_back(browser, accounts, artifacts_dir):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, accounts.url, "wang.viewer")
    response = page.goto(accounts.url + EXPORT)
    assert response.status == 403
    assert page.locator("h1").inner_text() == "沒有權限"
    assert "這個頁面需要「分析員」角色（群組 analyst）" in page.locator("main").inner_text()
    page.screenshot(path=str(artifacts_dir / "forbidden-viewer-export.png"), full_page=True)
    assert serious_violations(page) == []
    with page.expect_navigation():
        page.get_by_role("link", name="回到數據查詢（保留篩選條件，不匯出）").click()
    assert page.url == accounts.url + "/metrics/?year=2021&q=%E5%8C%96%E8%A7%A3"
    assert page.locator("h1").inner_text() == "數據查詢"
    context.close()


def test_account_without_a_role_lands_on_the_no_role_page_after_login(browser, accounts, artifacts_dir):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    landing = log_in(page, accounts.url, "li.newcomer")
    assert landing.status == 403
    assert page.locator("h1").inner_text() == "您的帳號還沒有角色"
    assert "您已登入為 li.newcomer" in page.locator("main").inner_text()
    page.screenshot(path=str(artifacts_dir / "forbidden-no-role.png"), full_page=True)
    assert serious_violations(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name="登出，改用其他帳號登入").click()
    assert "/accounts/login/" in page.url
    context.close()
