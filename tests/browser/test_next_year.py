"""Next year's report, end to end in a real browser: an editor imports a text in three parts as the year after
2021, the publish checklist refuses it and names what is missing, the editor follows each item's link and fills
it, publishes, and the English pages of the new year then hold no Chinese outside a quoted clause."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from reports.models import Report
from tests.browser.test_portal_pages import ALL_DRAWN
from tests.loading import load_fixture

# Each test drives Chromium through pages of the live server: seconds, not milliseconds.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PASSWORD = "browser-test-pw"
#: Three parts in the 2021 report's style, written for the tests with invented numbers (18 proposals, one new).
YEAR_AFTER = (Path(__file__).parents[1] / "metrics/importing/texts/year_after.txt").read_text(encoding="utf-8")
WIDTHS = (1280, 390)

#: Every text node outside an element marked as Chinese (and outside scripts), with a CJK ideograph in it.
CHINESE_OUTSIDE_CHINESE = """() => {
  const ideograph = /[\\u3400-\\u9fff\\uf900-\\ufaff]/;
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const element = node.parentElement;
    if (!ideograph.test(node.textContent) || element.closest('[lang^="zh"], script, style')) continue;
    found.push(node.textContent.trim().slice(0, 80));
  }
  return found;
}"""


@pytest.fixture
def portal(live_server, django_user_model):
    load_fixture()
    call_command("setup_roles", verbosity=0)
    for role in ("editor", "approver"):
        user = django_user_model.objects.create_user(username=role, password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=role))
    return live_server


def english_for(field: str) -> str:
    return f"Test {field.replace('_en', '').replace('_', ' ')} written for the 2022 draft"


#: What the editor writes into a field the checklist asks for, by the field's name.
def text_for(field: str) -> str:
    if field.endswith("_en"):
        return english_for(field)
    return {"summary": "本年度測試摘要，由編輯自行撰寫。", "theme": "測試主題", "name": "測試指標"}.get(field, "測試")


def checklist_items(page) -> list[tuple[str, str]]:
    return [
        (item.inner_text(), item.locator("a").first.get_attribute("href"))
        for item in page.locator("#publish-checklist li").all()
    ]


def test_next_years_report_imported_checked_completed_and_published_reads_in_english(browser, portal, artifacts_dir):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{portal.url}/accounts/login/")
    page.fill("input[name=username]", "editor")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form.stacked-form button[type=submit]")

    # The import: 18 proposals, all but one matched to 2021's codes and carrying its English text.
    page.goto(f"{portal.url}/admin/metrics/figure/import/")
    page.fill("input[name=year]", "2022")
    page.fill("input[name=title]", "2022年工作綜述（測試數據）")
    page.fill("textarea[name=text]", YEAR_AFTER)
    with page.expect_navigation():
        page.click("input[name=propose]")
    rows = page.locator("tbody.import-row")
    assert rows.count() == 18
    new = rows.filter(has_text="新代碼：請填英文名稱")
    assert new.count() == 1
    assert new.locator("input[name$='-name_en']").input_value() == ""
    new_code = new.locator("input[name$='-code']").input_value()
    carried = rows.filter(has_text="上年代碼").first.locator("input[name$='-name_en']").input_value()
    assert carried and not re.search(r"[\u3400-\u9fff]", carried)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(artifacts_dir / f"next-year-review-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    with page.expect_navigation():
        page.click("input[name=create]")
    report = Report.objects.get(year=2022)
    assert not report.published and report.figures.count() == 18 and report.sections.count() == 3
    assert report.source_text.checksum  # the import kept the text it read

    # The checklist names the new figure's English name and the three summaries, and refuses publishing.
    change_page = f"{portal.url}/admin/reports/report/{report.pk}/change/"
    page.goto(change_page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    items = checklist_items(page)
    messages = [message for message, _href in items]
    assert any(new_code in message and "英文名稱" in message for message in messages), messages
    for section in report.sections.all():
        assert any(section.heading in message and "缺少中文摘要" in message for message in messages), messages
        assert any(section.heading in message and "缺少英文摘要" in message for message in messages), messages
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.locator("#publish-checklist").scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts_dir / f"next-year-checklist-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.check("#id_published")
    with page.expect_navigation():
        page.click("input[name=_continue]")
    assert page.locator(".field-published .errorlist").count() == 1
    report.refresh_from_db()
    assert not report.published

    # The editor follows each item's link to the field it names, fills it and saves, until none is left.
    for _round in range(len(items) + 1):
        page.goto(change_page)
        items = checklist_items(page)
        if not items:
            break
        _message, href = items[0]
        page.goto(portal.url + href)
        field = href.rsplit("#id_", 1)[1]
        page.fill(f"#id_{field}", text_for(field))
        with page.expect_navigation():
            page.click("input[name=_continue]")
        assert page.locator(".errornote").count() == 0, page.locator(".errornote").inner_text()
    assert checklist_items(page) == []
    page.check("#id_published")
    with page.expect_navigation():
        page.click("input[name=_continue]")
    report.refresh_from_db()
    assert not report.published  # proposed: a second person approves what the public sees

    approver = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    approver.goto(f"{portal.url}/admin/login/?next=/admin/metrics/proposal/")
    approver.fill("input[name=username]", "approver")
    approver.fill("input[name=password]", PASSWORD)
    with approver.expect_navigation():
        approver.click("input[type=submit]")
    proposal = report.proposals.get()
    approver.click(f"a[href$='/admin/metrics/proposal/{proposal.pk}/change/']")
    with approver.expect_navigation():
        approver.click("input[name=_approve]")
    approver.context.close()
    report.refresh_from_db()
    assert report.published

    # The new year's English overview, section and metric pages: Chinese only inside a quoted clause.
    slugs = report.sections.values_list("slug", flat=True)
    pages = ["/en/reports/2022/", *(f"/en/reports/2022/{slug}/" for slug in slugs)]
    pages += [f"/en/metrics/{code}/" for code in report.figures.values_list("code", flat=True)]
    for path in pages:
        page.goto(portal.url + path)
        page.wait_for_function(ALL_DRAWN)
        assert page.evaluate(CHINESE_OUTSIDE_CHINESE) == [], path
    section = report.sections.order_by("position").last()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{portal.url}/en/reports/2022/{section.slug}/")
        page.wait_for_function(ALL_DRAWN)
        page.screenshot(path=str(artifacts_dir / f"next-year-english-section-{width}.png"), full_page=True)
    context.close()
