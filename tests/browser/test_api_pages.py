"""The API's pages in Chromium: the token page (create, copy once, revoke) and the documentation page
drawn by Swagger UI from our own static files, under the portal's CSP; screenshots into ``artifacts/``."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from tests.browser.test_admin_csp import RECORD_CSP_VIOLATIONS
from tests.loading import load_fixture

# Drives Chromium through pages of the live server: seconds, not milliseconds.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PASSWORD = "browser-test-pw"


def test_token_page_and_api_docs(browser, live_server, django_user_model, artifacts_dir):
    load_fixture()
    call_command("setup_roles", verbosity=0)
    user = django_user_model.objects.create_user(username="analyst", password=PASSWORD)
    user.groups.add(Group.objects.get(name="analyst"))

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    outside: list[str] = []
    page.on("request", lambda request: request.url.startswith(live_server.url) or outside.append(request.url))

    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", "analyst")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit], input[type=submit]")

    page.goto(live_server.url + reverse("api-pages:tokens"))
    page.fill("input[name=name]", "筆電上的 pandas")
    page.select_option("select[name=days]", "90")
    page.get_by_role("button", name="建立權杖").click()
    secret = page.locator("#new-token").inner_text()
    assert secret.startswith("wzk_")
    assert page.locator(".token-table tbody tr").count() == 1
    page.screenshot(path=str(artifacts_dir / "api-tokens.png"), full_page=True)

    # The secret works, once read off the page.
    answer = page.request.get(
        live_server.url + reverse("api:reports"), headers={"Authorization": f"Bearer {secret}", "Cookie": ""}
    )
    assert answer.status == 200 and answer.json()[0]["year"] == 2021

    page.reload()
    assert page.locator("#new-token").count() == 0
    page.get_by_role("button", name="撤銷").click()
    assert page.locator(".token-table").get_by_text("已撤銷").is_visible()

    page.goto(live_server.url + reverse("api:docs"))
    page.locator(".swagger-ui .opblock").first.wait_for()
    assert page.locator(".swagger-ui .opblock").count() >= 7
    assert page.get_by_text("/api/v1/figures/").first.is_visible()
    page.screenshot(path=str(artifacts_dir / "api-docs.png"), full_page=False)

    assert page.evaluate("window.__cspViolations") == []
    assert errors == []
    assert outside == []
    context.close()
