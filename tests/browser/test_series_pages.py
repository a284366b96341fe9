"""The series in a real browser: import the 2021 text as a 2022 test draft, publish it, compare the years."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from metrics.models import Figure
from reports.models import Report
from tests.browser.test_portal_pages import ALL_DRAWN, PageWatch
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
def portal(live_server, django_user_model):
    load_fixture()
    call_command("setup_roles", verbosity=0)
    user = django_user_model.objects.create_user(username="editor", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="editor"))
    return live_server


def test_import_then_year_over_year_section_and_metric_page(browser, portal, artifacts_dir, source_text_2021):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    watch = PageWatch(page)
    page.goto(f"{portal.url}/accounts/login/")
    page.fill("input[name=username]", "editor")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form.stacked-form button[type=submit]")

    page.goto(f"{portal.url}/admin/metrics/figure/import/")
    page.fill("input[name=year]", "2022")
    page.fill("input[name=title]", "2022年工作綜述（測試數據：以2021年原文試匯入）")
    page.fill("textarea[name=text]", source_text_2021)
    with page.expect_navigation():
        page.click("input[name=propose]")
    assert page.locator("tbody.import-row").count() == 54
    assert page.locator("text=嚴防死守安全底線 防控能力穩固提升").count() >= 1
    page.screenshot(path=str(artifacts_dir / "series-import-proposals.png"), full_page=True)
    page.locator("h3.import-heading").first.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "series-import-proposals-top.png"))

    with page.expect_navigation():
        page.click("input[name=create]")
    report = Report.objects.get(year=2022)
    assert not report.published and report.figures.count() == 54
    # Imported as the clause states them: no correction.
    assert not report.figures.corrections().exists()
    # Test data: a few 2022 values moved (as if the 2022 text stated them) so the comparison has something to show;
    # the rate still recomputes from its counts (19462 ÷ 19977 = 97.42%), should the import link it to them.
    # Each clause states its new value, or the checklist would refuse the figure.
    moved = (
        ("mediation.disputes_screened", Decimal(19977), "排查矛盾糾紛19977起"),
        ("mediation.disputes_resolved", Decimal(19462), "化解19462起"),
        ("mediation.resolution_rate", Decimal("97.42"), "化解率97.42%"),
    )
    for code, value, quote in moved:
        Figure.objects.filter(report=report, code=code).update(value=value, stated_value=value, source_quote=quote)

    def publish_action():
        page.goto(f"{portal.url}/admin/reports/report/")
        page.check(f"input[name=_selected_action][value='{report.pk}']")
        page.select_option("select[name=action]", "publish")
        with page.expect_navigation():
            page.click("button[name=index]")

    # The checklist refuses the draft until its English text and our own summaries are written.
    publish_action()
    assert page.locator("text=以下報告的發布檢查尚未完成，沒有發布：").count() == 1
    report.refresh_from_db()
    assert not report.published
    with page.expect_navigation():
        page.click(f"a[href$='/admin/reports/report/{report.pk}/change/#publish-checklist']")
    assert page.locator("#publish-checklist li").count() > 0
    page.screenshot(path=str(artifacts_dir / "series-publish-checklist.png"))
    Report.objects.filter(pk=report.pk).update(
        title_en="2022 Work Review (test data)", agency_en="Wanzhou PSB", summary="測試概述", summary_en="Test summary"
    )
    report.sections.update(summary="測試摘要", summary_en="Test summary", heading_en="Test section")
    for figure in report.figures.filter(name_en=""):
        Figure.objects.filter(pk=figure.pk).update(name_en=f"Figure {figure.code}")
    report.figures.filter(theme_en="").update(theme_en="Test")
    publish_action()
    report.refresh_from_db()
    assert report.published

    # Django's admin pages ask for /favicon.ico, which the portal does not serve; only portal pages are watched.
    watch.errors.clear()
    page.goto(f"{portal.url}/reports/2022/mediation/")
    page.wait_for_function(ALL_DRAWN)
    row = page.locator("#figure-mediation\\.disputes_screened")
    assert "2021 年：18,161起" in row.inner_text() and "▲ +1816起（+10.0%）" in row.inner_text()
    assert "▼ −1.24 個百分點" in page.locator("#figure-mediation\\.resolution_rate").inner_text()
    page.locator("#figure-mediation\\.disputes_screened").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "series-section-year-over-year.png"), full_page=True)

    page.goto(f"{portal.url}/metrics/mediation.disputes_screened/")
    page.wait_for_function(ALL_DRAWN)
    assert page.locator("[data-chart-payload]").count() == 1
    assert page.locator("tr[id^=year-]").count() == 2
    page.screenshot(path=str(artifacts_dir / "series-metric-page.png"), full_page=True)
    watch.collect_csp_violations()
    assert watch.errors == [] and watch.csp_violations == []
    page.close()
