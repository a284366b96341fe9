"""The portal in a real browser: login, every page's charts drawn, no errors, no foreign hosts, phone width."""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from reports.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "browser-test-pw"


@pytest.fixture
def portal(live_server, django_user_model):
    """The 2021 report and the roles loaded into the live server's database, plus a viewer account."""
    call_command("loaddata", "wanzhou_2021", verbosity=0)
    call_command("setup_roles", verbosity=0)
    user = django_user_model.objects.create_user(username="viewer", password=PASSWORD)
    user.groups.add(Group.objects.get(name="viewer"))
    return live_server


RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}:${event.columnNumber}`;
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI || "inline"} at ${where}`);
});
"""


class PageWatch:
    """Collects console errors, page errors, Content-Security-Policy violations and every request's host."""

    def __init__(self, page):
        self.page = page
        self.errors: list[str] = []
        self.hosts: set[str] = set()
        self.csp_violations: list[str] = []
        page.add_init_script(RECORD_CSP_VIOLATIONS)
        page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("request", lambda request: self.hosts.add(urlsplit(request.url).netloc))

    def collect_csp_violations(self) -> None:
        """Call after each page has settled: the record lives in that page's window."""
        self.csp_violations += self.page.evaluate("window.__cspViolations")


def log_in(page, base_url: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", "viewer")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_load_state("networkidle")


def portal_paths(year: int) -> list[str]:
    report = Report.objects.get(year=year)
    return [f"/reports/{year}/"] + [section.get_absolute_url() for section in report.sections.order_by("position")]


def assert_every_chart_drawn(page) -> int:
    page.wait_for_load_state("networkidle")
    containers = page.locator("[data-chart-payload]")
    count = containers.count()
    assert count > 0, f"no chart containers on {page.url}"
    for index in range(count):
        container = containers.nth(index)
        container.locator(".main-svg").first.wait_for(state="attached", timeout=10_000)
        assert container.locator(".main-svg").count() >= 1, f"chart {index} on {page.url} drew no SVG"
        assert container.locator('.modebar-btn[data-title*="png" i]').count() == 1, f"chart {index}: no PNG button"
    return count


def test_portal_login_form_then_every_page_draws_its_charts(browser, portal, artifacts_dir):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch = PageWatch(page)
    log_in(page, portal.url)
    assert page.url.rstrip("/").endswith("/reports/2021"), page.url

    drawn = {}
    for path in portal_paths(2021):
        page.goto(portal.url + path)
        drawn[path] = assert_every_chart_drawn(page)
        watch.collect_csp_violations()
        name = path.strip("/").replace("/", "-")
        page.screenshot(path=str(artifacts_dir / f"desktop-{name}.png"), full_page=True)

    page.goto(portal.url + "/metrics/?section=mediation&kind=rates")
    page.wait_for_load_state("networkidle")
    assert page.locator("table tbody tr").count() == 6
    watch.collect_csp_violations()
    page.screenshot(path=str(artifacts_dir / "desktop-metrics-explorer.png"), full_page=True)
    context.close()

    assert drawn["/reports/2021/"] == 3
    assert all(count >= 2 for path, count in drawn.items() if path != "/reports/2021/")
    assert watch.errors == []
    assert watch.csp_violations == []
    assert watch.hosts == {urlsplit(portal.url).netloc}


def test_portal_pages_fit_a_390px_phone(browser, portal, artifacts_dir):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    watch = PageWatch(page)
    log_in(page, portal.url)
    for path in ("/reports/2021/", "/reports/2021/mediation/"):
        page.goto(portal.url + path)
        assert_every_chart_drawn(page)
        watch.collect_csp_violations()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than a 390px phone"
        page.screenshot(path=str(artifacts_dir / f"phone-{path.strip('/').replace('/', '-')}.png"), full_page=True)
    page.goto(portal.url + "/metrics/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, "explorer overflows"
    page.screenshot(path=str(artifacts_dir / "phone-metrics-explorer.png"), full_page=True)
    context.close()
    assert watch.errors == []
    assert watch.csp_violations == []
