"""Accessibility in a real browser: axe-core (WCAG 2.2 A and AA rules) on every page an analyst uses,
at desktop and phone widths, and every control reachable with the Tab key and showing where focus is.

axe-core comes bundled in axe-playwright-python (pinned in requirements.txt); nothing is downloaded.
Every page's violations of any impact are written to artifacts/axe-summary.json.
"""

import json

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group
from django.core.management import call_command

from reports.models import Report
from tests.browser.test_portal_pages import ALL_DRAWN
from tests.loading import load_fixture

# Each test drives Chromium through pages of the live server: seconds, not milliseconds.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PASSWORD = "a11y-test-pw"
WIDTHS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}
#: The WCAG 2.0, 2.1 and 2.2 success criteria at levels A and AA, as axe-core tags its rules.
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}

FOCUSABLE = (
    "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]), "
    "textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])"
)

#: The controls a keyboard user should reach: focusable, rendered, not taken out of the tab order.
REACHABLE_CONTROLS = f"""
() => Array.from(document.querySelectorAll("{FOCUSABLE}"))
  .filter((el) => el.tabIndex >= 0 && el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== "hidden" && !el.closest("details:not([open]) > :not(summary)"))
  .map((el, index) => {{ el.dataset.a11yId = String(index); return String(index); }})
"""

#: The focused element's id (set above) and whether its focus shows: an outline or a ring of box-shadow.
FOCUSED = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  const shadow = style.boxShadow !== "none";
  return {id: el.dataset.a11yId || null, visible: outline || shadow,
          what: el.outerHTML.slice(0, 120)};
}
"""


@pytest.fixture
def analyst_portal(live_server, django_user_model):
    """The 2021 report and the roles in the live server's database, plus an analyst (who sees every control)."""
    load_fixture()
    call_command("setup_roles", verbosity=0)
    user = django_user_model.objects.create_user(username="analyst", password=PASSWORD)
    user.groups.add(Group.objects.get(name="analyst"))
    return live_server


def pages_to_check() -> list[str]:
    report = Report.objects.get(year=2021)
    sections = [section.get_absolute_url() for section in report.sections.order_by("position")]
    return ["/reports/", "/reports/2021/", *sections, "/metrics/"]


def log_in(page, base_url: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", "analyst")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def settle(page) -> None:
    """Wait until every chart on the page is drawn: axe must see what a person sees."""
    page.wait_for_function(ALL_DRAWN)


def blocking_violations(page) -> tuple[list[dict], dict[str, int]]:
    """axe's serious and critical WCAG 2.2 A/AA violations on ``page``, and every violation's node count by rule."""
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    violations = results.response["violations"]
    counts = {f"{v['id']} ({v['impact']})": len(v["nodes"]) for v in violations}
    blocking = [
        {"rule": v["id"], "impact": v["impact"], "nodes": [node["target"] for node in v["nodes"]], "help": v["help"]}
        for v in violations
        if v["impact"] in BLOCKING_IMPACTS
    ]
    return blocking, counts


@pytest.mark.parametrize("width", list(WIDTHS))
def test_axe_finds_no_serious_or_critical_violation(browser, analyst_portal, artifacts_dir, width):
    context = browser.new_context(**WIDTHS[width])
    page = context.new_page()
    summary, blocking = {}, {}

    page.goto(f"{analyst_portal.url}/accounts/login/")
    settle(page)
    blocking["/accounts/login/"], summary["/accounts/login/"] = blocking_violations(page)

    log_in(page, analyst_portal.url)
    for path in pages_to_check():
        page.goto(analyst_portal.url + path)
        settle(page)
        blocking[path], summary[path] = blocking_violations(page)
    context.close()

    report_path = artifacts_dir / "axe-summary.json"
    recorded = json.loads(report_path.read_text()) if report_path.exists() else {}
    recorded[width] = summary
    report_path.write_text(json.dumps(recorded, ensure_ascii=False, indent=2))
    assert len(blocking) == 7
    assert {path: found for path, found in blocking.items() if found} == {}


def tab_through(page, limit: int = 400) -> tuple[set[str], list[str]]:
    """Press Tab until focus comes round again; the controls reached, and those whose focus did not show."""
    reached, unseen = set(), []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or focused["id"] is None:
            continue
        if focused["id"] in reached:
            break
        reached.add(focused["id"])
        if not focused["visible"]:
            unseen.append(focused["what"])
    return reached, unseen


@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_control_is_reached_by_tab_and_shows_its_focus(browser, analyst_portal, width):
    context = browser.new_context(**WIDTHS[width])
    page = context.new_page()
    log_in(page, analyst_portal.url)
    missed, unseen = {}, {}
    for path in ["/accounts/login/", *pages_to_check()]:
        if path == "/accounts/login/":
            context.clear_cookies()
        elif "sessionid" not in {cookie["name"] for cookie in context.cookies()}:
            log_in(page, analyst_portal.url)
        page.goto(analyst_portal.url + path)
        settle(page)
        controls = set(page.evaluate(REACHABLE_CONTROLS))
        assert controls, f"no controls found on {path}"
        reached, not_shown = tab_through(page)
        if controls - reached:
            missed[path] = len(controls - reached)
        if not_shown:
            unseen[path] = not_shown
    context.close()
    assert missed == {}
    assert unseen == {}
