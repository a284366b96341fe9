"""A report scheduled for a release time: hidden from readers until then, then shown everywhere at once, with
nobody acting, through one rule (``reports.models.released``) and a page-cache revision that counts the release
times passed (``ContentRevision.current``)."""

import xml.etree.ElementTree as ET
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from feeds.services import create_token
from reports.models import ContentRevision, Report
from reports.selectors import release_calendar
from tests.admin_forms import admin_form_data, change_url
from tests.factories import make_mediation_2022, make_ready_draft

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module")]

ATOM = "{http://www.w3.org/2005/Atom}"
REAL_NOW = timezone.now()
RELEASE_AT = (REAL_NOW + timedelta(hours=1)).replace(microsecond=0)
BEFORE, AFTER = RELEASE_AT - timedelta(seconds=1), RELEASE_AT + timedelta(seconds=1)
#: 2022's 化解矛盾糾紛 (tests.factories.MEDIATION_2022), which no 2021 page states.
VALUE_2022 = "19,726"


@contextmanager
def clock(moment):
    """``timezone.now()`` is ``moment`` everywhere inside (the rule, the views, the sessions)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


@pytest.fixture
def scheduled() -> Report:
    """2022, published (approved) and scheduled for ``RELEASE_AT``."""
    report = make_mediation_2022().report
    Report.objects.filter(pk=report.pk).update(release_at=RELEASE_AT, published_at=REAL_NOW)
    return Report.objects.get(pk=report.pk)


def text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8")


def upcoming(page: str) -> str:
    """The calendar's table of releases announced ('' when it shows none)."""
    return page[page.index('id="upcoming"') : page.index('id="past"')] if 'id="upcoming"' in page else ""


def past(page: str) -> str:
    return page[page.index('id="past"') :]


def everything(client, token: str) -> dict[str, tuple[int, str]]:
    """Every answer where 2022 appears once released: status and text."""
    paths = {
        "home": "/",
        "report list": "/reports/",
        "overview": "/reports/2022/",
        "section": "/reports/2022/mediation/",
        "2021's year switch (cached navigation)": "/reports/2021/",
        "explorer": "/metrics/?year=2022",
        "explorer year choices": "/metrics/",
        "export csv": "/metrics/?_export=csv",
        "export json": "/metrics/?year=2022&_export=json",
        "metric page": "/metrics/mediation.disputes_resolved/",
        "metric csv": "/metrics/mediation.disputes_resolved/csv/",
        "chart csv": "/reports/2022/mediation/charts/disputes.csv",
        "releases": "/releases/",
        "reports feed": f"/feeds/{token}/reports.atom",
        "metric feed": f"/feeds/{token}/metrics/mediation.disputes_resolved.atom",
    }
    answers = {}
    for name, path in paths.items():
        response = client.get(path)
        answers[name] = (response.status_code, response.get("Location", "") + text(response))
    return answers


def test_a_scheduled_report_appears_everywhere_at_once_at_its_release_time(
    scheduled, analyst_client, django_user_model
):
    token = create_token(user=django_user_model.objects.get(username="analyst-user"), label="reader")[1]
    with clock(BEFORE):
        before = everything(analyst_client, token)
    with clock(AFTER):
        after = everything(analyst_client, token)

    for name in ("overview", "section", "chart csv"):
        assert before[name][0] == 404 and after[name][0] == 200, name
    assert before["home"][1] == "/reports/2021/" and after["home"][1] == "/reports/2022/"
    assert 'href="/reports/2022/"' not in before["report list"][1]
    assert 'href="/reports/2022/"' in after["report list"][1]
    assert 'href="/reports/2022/"' not in before["2021's year switch (cached navigation)"][1]
    assert 'href="/reports/2022/"' in after["2021's year switch (cached navigation)"][1]
    assert 'value="2022"' not in before["explorer year choices"][1]
    assert 'value="2022"' in after["explorer year choices"][1]
    for name in ("explorer", "metric page"):
        assert VALUE_2022 not in before[name][1] and VALUE_2022 in after[name][1], name
    assert before["export json"][0] == 400 and after["export json"][0] == 200, "2022 is no year to filter by, then is"
    for name in ("export csv", "export json", "metric csv"):
        assert "19726" not in before[name][1] and "19726" in after[name][1], name
    # The calendar announces it first, then lists it as released at its time.
    assert '<th scope="row">2022</th>' in upcoming(before["releases"][1])
    assert '<a href="/reports/2022/">2022</a>' not in past(before["releases"][1])
    assert upcoming(after["releases"][1]) == ""
    assert '<a href="/reports/2022/">2022</a>' in past(after["releases"][1])
    release_time = timezone.localtime(RELEASE_AT).strftime("%Y-%m-%d %H:%M")
    assert release_time in before["releases"][1] and release_time in after["releases"][1]
    for name in ("reports feed", "metric feed"):
        entries = [entry.findtext(f"{ATOM}title") for entry in ET.fromstring(before[name][1]).iter(f"{ATOM}entry")]
        assert entries and not any(title.startswith("2022") for title in entries), name
        entries = [entry.findtext(f"{ATOM}title") for entry in ET.fromstring(after[name][1]).iter(f"{ATOM}entry")]
        assert entries[0].startswith("2022"), name


def test_content_revision_changes_when_a_release_time_passes_in_one_query(scheduled, django_assert_num_queries):
    with clock(BEFORE), django_assert_num_queries(1):
        before = ContentRevision.current()
    with clock(AFTER), django_assert_num_queries(1):
        after = ContentRevision.current()
    assert before != after
    assert before.split(".")[0] == after.split(".")[0], "no edit happened: only the release count moved"


def test_editors_see_a_scheduled_report_before_its_time_marked_as_waiting(scheduled, editor_client):
    with clock(BEFORE):
        assert editor_client.get("/reports/2022/mediation/").status_code == 200
        listing = editor_client.get("/reports/").content.decode()
    waiting = f"已發布，{timezone.localtime(RELEASE_AT):%Y-%m-%d %H:%M} 起對讀者顯示（在此之前只有編輯看得到）"
    assert waiting in listing


def test_a_draft_past_its_release_time_stays_hidden_and_is_shown_as_delayed(viewer_client):
    draft = make_ready_draft(title="延後的報告")
    Report.objects.filter(pk=draft.pk).update(release_at=REAL_NOW - timedelta(hours=1))
    assert viewer_client.get("/reports/2022/").status_code == 404
    calendar = viewer_client.get("/releases/").content.decode()
    upcoming = calendar[calendar.index('id="upcoming"') : calendar.index('id="past"')]
    assert "延後的報告" in upcoming and "延後：預定時間已過，尚未發布" in upcoming


def test_release_calendar_page_costs_a_fixed_number_of_queries(scheduled, viewer_client, django_assert_num_queries):
    make_ready_draft(2023)
    viewer_client.get("/releases/")  # the navigation is cached from here on
    # Session, user, its two permission sets, the calendar, the content revision (the navigation is cached).
    with django_assert_num_queries(6):
        viewer_client.get("/releases/")


def test_release_calendar_splits_at_this_moment_in_one_query(scheduled, django_assert_num_queries):
    make_ready_draft(2023)  # a draft without a release time: not announced
    with clock(BEFORE), django_assert_num_queries(1):
        calendar = release_calendar()
    assert [report.year for report in calendar.upcoming] == [2022]
    assert [report.year for report in calendar.past] == [2021]
    with clock(AFTER):
        with django_assert_num_queries(1):
            calendar = release_calendar()
        assert calendar.upcoming == []
        assert [(report.year, report.released_at) for report in calendar.past] == [(2022, RELEASE_AT), (2021, None)]


@pytest.mark.usefixtures("second_approval_off")
def test_admin_schedules_a_draft_and_publishing_records_the_time(editor_client):
    draft = make_ready_draft()
    page = editor_client.get(change_url(draft))
    data = admin_form_data(page, release_at_0="2027-03-01", release_at_1="09:30:00", published="on")
    data["_change_reason"] = data.get("_change_reason") or "排定發布"
    response = editor_client.post(change_url(draft), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = Report.objects.get(pk=draft.pk)
    assert stored.published and stored.published_at is not None
    assert timezone.localtime(stored.release_at).strftime("%Y-%m-%d %H:%M") == "2027-03-01 09:30"
    assert not stored.is_released
    assert not Report.objects.published().filter(pk=draft.pk).exists()


def test_admin_refuses_a_future_release_time_for_a_report_readers_already_see(editor_client, report_2021):
    page = editor_client.get(change_url(report_2021))
    data = admin_form_data(page, release_at_0="2099-01-01", release_at_1="00:00:00")
    data["_change_reason"] = data.get("_change_reason") or "改期"
    response = editor_client.post(change_url(report_2021), data)
    assert response.status_code == 200
    assert "這份報告已對讀者顯示，不能再排定將來的發布時間。" in response.content.decode()
    assert Report.objects.get(pk=report_2021.pk).release_at is None
