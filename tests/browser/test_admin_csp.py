"""The admin in Chromium under the portal's Content-Security-Policy: no violation on any page an editor uses.

The list, change (with inline rows and autocomplete widgets), history and
revert pages of the figure and section admins, each one screenshotted into
``artifacts/``.
"""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from metrics.management.commands.seed_report import record_history_baseline
from metrics.models import Figure
from reports.models import Section
from tests.loading import load_fixture

# Each test drives Chromium through pages of the live server: seconds, not milliseconds.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("second_approval_off"),
]

PASSWORD = "browser-test-pw"

RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


@pytest.fixture
def editor_site(live_server, django_user_model):
    """The 2021 report with its history baseline, and an editor account, in the live server's database."""
    load_fixture()
    call_command("setup_roles", verbosity=0)
    record_history_baseline()
    user = django_user_model.objects.create_user(username="editor", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="editor"))
    return live_server


def admin_pages() -> dict[str, str]:
    figure = Figure.objects.get(report__year=2021, code="mediation.resolution_rate")
    section = Section.objects.get(report__year=2021, slug="mediation")
    return {
        "index": reverse("admin:index"),
        "figure-list": reverse("admin:metrics_figure_changelist"),
        "figure-list-filtered": reverse("admin:metrics_figure_changelist") + "?unit__exact=%25&q=化解",
        "figure-change": reverse("admin:metrics_figure_change", args=[figure.pk]),
        "figure-history": reverse("admin:metrics_figure_history", args=[figure.pk]),
        "figure-revert": reverse(
            "admin:metrics_figure_simple_history", args=[figure.pk, figure.history.first().history_id]
        ),
        "section-change": reverse("admin:reports_section_change", args=[section.pk]),
        "section-history": reverse("admin:reports_section_history", args=[section.pk]),
    }


def test_admin_pages_raise_no_content_security_policy_violation(browser, editor_site, artifacts_dir):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    console_errors: list[str] = []
    # The admin's pages link no icon, so Chromium asks for /favicon.ico (a 404): not a page error.
    page.on(
        "console",
        lambda message: message.type == "error"
        and not message.location.get("url", "").endswith("/favicon.ico")
        and console_errors.append(f"{message.text} {message.location}"),
    )
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    failed: list[str] = []
    page.on("response", lambda response: response.status >= 400 and failed.append(f"{response.status} {response.url}"))

    page.goto(f"{editor_site.url}{reverse('admin:login')}")
    page.fill("input[name=username]", "editor")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")

    violations: dict[str, list[str]] = {}
    for name, path in admin_pages().items():
        response = page.goto(f"{editor_site.url}{path}")
        assert response.status == 200, f"{name}: {response.status}"
        page.wait_for_load_state("networkidle")
        assert "Content-Security-Policy" in {header.title() for header in response.headers}
        violations[name] = page.evaluate("window.__cspViolations")
        page.screenshot(path=str(artifacts_dir / f"admin-{name}.png"), full_page=True)
    context.close()

    assert {name: found for name, found in violations.items() if found} == {}
    assert failed == []
    assert console_errors == []
    assert len(violations) == 8
