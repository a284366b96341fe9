"""The list of years and the year switch: drafts shown to editors only, marked, with their open checklist items;
never to anyone else, whoever filled the cache first."""

import pytest

from metrics.publication import checklist_url
from metrics.selectors import report_list
from reports.models import Report
from tests.factories import make_ready_draft, make_report

pytestmark = pytest.mark.django_db

#: Session, user, the user's and the groups' permissions.
PER_REQUEST = 4
#: The navigation: the content revision, then (on a cache miss) the reports and their sections.
NAVIGATION = 3


def listing(html: str) -> str:
    return html[html.index('class="report-list"') : html.index("</ul>", html.index('class="report-list"'))]


def year_switch(html: str) -> str:
    return html[html.index('class="year-switch"') : html.index("</details>")]


@pytest.fixture
def drafts(report_2021):
    """2021 published, a 2022 draft ready to publish and a 2023 draft lacking its English title and sections."""
    return make_ready_draft(2022), make_report(2023, published=False, summary="概述", summary_en="S", agency_en="A")


def test_report_list_selector_is_newest_first_in_one_query(django_assert_num_queries):
    for year in (2019, 2021, 2020):
        make_report(year)
    make_report(2022, published=False)
    with django_assert_num_queries(1):
        assert [listing.report.year for listing in report_list()] == [2021, 2020, 2019]


def test_report_list_selector_counts_the_drafts_items_in_three_queries_however_many(drafts, django_assert_num_queries):
    make_report(2024, published=False)
    with django_assert_num_queries(3):
        listings = report_list(drafts=True)
    assert [(item.report.year, item.is_draft, item.open_items) for item in listings] == [
        (2024, True, 5),
        (2023, True, 2),
        (2022, True, 0),
        (2021, False, None),
    ]


def test_report_list_shows_every_year_newest_first(viewer_client, report_2021, django_assert_num_queries):
    make_report(2019)
    with django_assert_num_queries(PER_REQUEST + 1 + NAVIGATION):
        html = viewer_client.get("/reports/").content.decode()
    shown = listing(html)
    assert shown.index("/reports/2021/") < shown.index("/reports/2019/")
    assert "2019年工作綜述（測試數據）" in shown


def test_report_list_shows_editors_the_drafts_marked_with_their_open_items(
    editor_client, drafts, django_assert_num_queries
):
    ready, lacking = drafts
    # The reports, then the drafts' sections and figures (however many drafts), then the navigation.
    with django_assert_num_queries(PER_REQUEST + 3 + NAVIGATION):
        html = editor_client.get("/reports/").content.decode()
    shown = listing(html)
    assert shown.index("/reports/2023/") < shown.index("/reports/2022/") < shown.index("/reports/2021/")
    assert shown.count('class="draft"') == 2 and shown.count("草稿（未發布，只有編輯看得到）") == 2
    # 2023: its English title, no sections.
    assert f'<a class="checklist-link" href="{checklist_url(lacking)}">發布檢查：2 項待處理</a>' in shown
    assert f'<a class="checklist-link" href="{checklist_url(ready)}">發布檢查：可以發布</a>' in shown
    assert checklist_url(lacking) == f"/admin/reports/report/{lacking.pk}/change/#publish-checklist"


@pytest.mark.parametrize("role", ["viewer", "analyst"])
def test_report_list_never_shows_others_a_draft(client, make_user, drafts, role, django_assert_num_queries):
    client.force_login(make_user(role))
    with django_assert_num_queries(PER_REQUEST + 1 + NAVIGATION):
        html = client.get("/reports/").content.decode()
    assert "2022" not in html and "2023" not in html and "草稿" not in html


def test_year_switch_shows_editors_the_drafts_marked(editor_client, drafts):
    switch = year_switch(editor_client.get("/reports/2021/").content.decode())
    assert '<a href="/reports/2022/">2022 <span class="draft-mark">草稿</span></a>' in switch
    assert '<a href="/reports/2023/">2023 <span class="draft-mark">草稿</span></a>' in switch
    assert '<a href="/reports/2021/" aria-current="page">2021</a>' in switch


@pytest.mark.parametrize("first", ["editor", "viewer"])
def test_an_editors_cached_drafts_never_reach_a_viewer(client, make_user, drafts, first):
    """Whoever fills the page cache first, each sees their own: the navigation is cached per whether it holds drafts."""
    editor, viewer = make_user("editor"), make_user("viewer")
    pages = {}
    for user in (editor, viewer) if first == "editor" else (viewer, editor):
        client.force_login(user)
        pages[user.username] = [client.get(path).content.decode() for path in ("/reports/", "/reports/2021/")]
    for html in pages["viewer-user"]:
        assert "/reports/2022/" not in html and "草稿" not in html
    for html in pages["editor-user"]:
        assert '<a href="/reports/2022/">2022 <span class="draft-mark">草稿</span></a>' in year_switch(html)


def test_a_published_draft_loses_its_mark(editor_client, drafts):
    ready, _lacking = drafts
    Report.objects.filter(pk=ready.pk).update(published=True)
    Report.objects.get(pk=ready.pk).save()  # a save bumps the content revision, as the admin's does
    html = editor_client.get("/reports/").content.decode()
    assert listing(html).count('class="draft"') == 1  # 2023's only
    assert '<a href="/reports/2022/">2022</a>' in year_switch(html)
