"""The mediation section in each language in a real browser: charts drawn, text in the page's script, screenshots."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from common.languages import to_simplified
from tests.language_check import CJK
from tests.loading import load_fixture

# Each test drives Chromium through pages of the live server: seconds, not milliseconds.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PASSWORD = "browser-test-pw"
LANGUAGES = {"": "zh-Hant", "/zh-hans": "zh-Hans", "/en": "en"}

#: Every visible text node (SVG chart text included) with the nearest lang, as the browser resolves it.
VISIBLE_TEXTS = """
() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const found = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.trim();
    const element = node.parentElement;
    if (!text || element.closest("script, style, [hidden]")) continue;
    const tagged = element.closest("[lang]");
    found.push([tagged ? tagged.getAttribute("lang") : "", text]);
  }
  return found;
}
"""


@pytest.fixture
def portal(live_server, django_user_model):
    load_fixture()
    call_command("setup_roles", verbosity=0)
    user = django_user_model.objects.create_user(username="viewer", password=PASSWORD)
    user.groups.add(Group.objects.get(name="viewer"))
    return live_server


def log_in(page, base_url: str, prefix: str) -> None:
    page.goto(f"{base_url}{prefix}/accounts/login/")
    page.fill("input[name=username]", "viewer")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form.stacked-form button[type=submit]")


def wrong_script(texts: list[list[str]], lang: str) -> list[str]:
    """Texts in a script the page's language does not use, outside elements marked as Chinese."""
    if lang == "en":
        return [text for where, text in texts if not where.lower().startswith("zh") and CJK.search(text)]
    if lang == "zh-Hans":
        return [text for where, text in texts if where.lower() != "zh-hant" and to_simplified(text) != text]
    return []


@pytest.mark.parametrize(
    ("device", "context_options"),
    [
        ("desktop", {"viewport": {"width": 1280, "height": 900}}),
        ("phone", {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True}),
    ],
)
def test_mediation_section_in_each_language(browser, portal, artifacts_dir, device, context_options):
    context = browser.new_context(**context_options)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, portal.url, "/en")
    assert page.url.endswith("/en/reports/2021/"), page.url
    for prefix, lang in LANGUAGES.items():
        page.goto(f"{portal.url}{prefix}/reports/2021/mediation/")
        page.locator("[data-chart-payload] .main-svg").first.wait_for(state="attached", timeout=10_000)
        assert page.evaluate("document.documentElement.lang") == lang
        assert wrong_script(page.evaluate(VISIBLE_TEXTS), lang) == []
        if device == "phone":
            assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        name = lang.lower()
        page.screenshot(path=str(artifacts_dir / f"{device}-mediation-{name}.png"), full_page=True)
    # The switcher keeps the page: from Traditional to English.
    page.goto(f"{portal.url}/reports/2021/mediation/")
    if device == "phone":
        page.click(".site-menu > summary")  # a phone's header folds its links into a menu
    with page.expect_navigation():
        page.click('.language-switcher a[hreflang="en"]')
    assert page.url.endswith("/en/reports/2021/mediation/")
    context.close()
    assert errors == []
