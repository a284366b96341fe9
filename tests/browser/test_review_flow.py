"""A second pair of eyes in a real browser: an editor proposes a correction, an approver returns it with a reason,
the editor revises it, the approver approves it; the revision then shows on /revisions/, the metric page and in
the explorer, in the three languages, on a desktop and on a phone."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from metrics.models import Figure, Proposal
from tests.admin_forms import PLAIN
from tests.loading import load_fixture

# Two accounts drive Chromium through a dozen pages of the live server: seconds, not milliseconds.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("second_approval_on"),
]

PASSWORD = "browser-test-pw"
REASON = "依核對後的統計更正"
RETURNED = "請附上統計科的核對表"
WIDTHS = {"desktop": 1280, "phone": 390}
LANGUAGES = {"zh-hant": "", "zh-hans": "/zh-hans", "en": "/en"}


@pytest.fixture
def portal(live_server, django_user_model):
    load_fixture()
    call_command("setup_roles", verbosity=0)
    for role in ("editor", "approver"):
        user = django_user_model.objects.create_user(username=role, password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=role))
    return live_server


def logged_in(browser, base_url: str, username: str, width: int = 1280):
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form.stacked-form button[type=submit]")
    return page


def propose(page, base_url: str, figure: Figure, value: str) -> None:
    page.goto(f"{base_url}/admin/metrics/figure/{figure.pk}/change/")
    page.fill("input[name=value]", value)
    page.fill("input[name=correction_reason]", REASON)
    with page.expect_navigation():
        page.click("input[name=_save]")


def test_propose_return_revise_approve_then_the_revision_shows_everywhere(browser, portal, artifacts_dir):
    folder = artifacts_dir / "review"
    folder.mkdir(exist_ok=True)
    figure = Figure.objects.get(report__year=2021, code=PLAIN)
    editor = logged_in(browser, portal.url, "editor")
    approver = logged_in(browser, portal.url, "approver")

    propose(editor, portal.url, figure, "15")
    assert editor.locator("text=已提交核准").count() == 1
    assert Figure.objects.get(pk=figure.pk).value == 14
    editor.goto(f"{portal.url}/reports/2021/stability/")
    assert editor.locator("#pending-changes").count() == 1
    editor.screenshot(path=str(folder / "editor-section-pending.png"), full_page=True)
    approver.goto(f"{portal.url}/reports/2021/stability/")
    assert approver.locator("#pending-changes").count() == 0

    proposal = Proposal.objects.get()
    approver.goto(f"{portal.url}/admin/metrics/proposal/")
    approver.click(f"a[href$='/admin/metrics/proposal/{proposal.pk}/change/']")
    assert approver.locator("#proposal-diff tr.changed").count() == 1
    approver.screenshot(path=str(folder / "approver-diff.png"), full_page=True)
    approver.fill("input[name=return_reason]", RETURNED)
    with approver.expect_navigation():
        approver.click("input[name=_return]")

    editor.goto(f"{portal.url}/admin/metrics/figure/{figure.pk}/change/")
    assert editor.locator(f"text={RETURNED}").count() == 1
    editor.screenshot(path=str(folder / "editor-returned.png"), full_page=True)
    propose(editor, portal.url, figure, "16")

    revised = Proposal.objects.pending().get()
    approver.goto(f"{portal.url}/admin/metrics/proposal/{revised.pk}/change/")
    with approver.expect_navigation():
        approver.click("input[name=_approve]")
    assert Figure.objects.get(pk=figure.pk).value == 16

    for device, width in WIDTHS.items():
        reader = logged_in(browser, portal.url, "approver", width=width)
        for language, prefix in LANGUAGES.items():
            reader.goto(f"{portal.url}{prefix}/revisions/")
            row = reader.locator("#revisions tbody tr")
            assert row.count() == 1
            assert "16" in row.inner_text() and "14" in row.inner_text()
            reader.screenshot(path=str(folder / f"{device}-{language}-revisions.png"), full_page=True)
            reader.goto(f"{portal.url}{prefix}/metrics/{PLAIN}/")
            assert reader.locator("#previous-versions tbody tr").count() == 1
            assert reader.locator(".corrections .correction-mark").count() == 1
            reader.screenshot(path=str(folder / f"{device}-{language}-metric.png"), full_page=True)
            reader.goto(f"{portal.url}{prefix}/metrics/?q={PLAIN}")
            assert reader.locator(".correction-mark").count() >= 1
            assert reader.locator(f"text={REASON}").count() >= 1
            reader.screenshot(path=str(folder / f"{device}-{language}-explorer.png"), full_page=True)
        reader.context.close()
