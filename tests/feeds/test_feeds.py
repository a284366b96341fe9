"""The Atom feeds: read with a personal token (or without one in public mode), parsed as Atom, answering only
what the token's account may see; a missing, unknown or revoked token is a 404."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django import forms
from django.test import override_settings

from feeds.models import FeedToken
from feeds.selectors import feed_reader, revisions
from feeds.services import create_token, revoke_token
from metrics import review
from metrics.models import Figure
from tests.factories import make_ready_draft

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module")]

ATOM = "{http://www.w3.org/2005/Atom}"
RESOLVED = "mediation.disputes_resolved"


def entries(response) -> list[dict]:
    """Each Atom entry's title, link, id and updated time; fails unless the body is an Atom feed with its own
    id, title and updated time (RFC 4287's required elements)."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.findtext(f"{ATOM}{required}"), required
    found = []
    for entry in root.iter(f"{ATOM}entry"):
        for required in ("id", "title", "updated"):
            assert entry.findtext(f"{ATOM}{required}"), required
        found.append(
            {
                "title": entry.findtext(f"{ATOM}title"),
                "link": entry.find(f"{ATOM}link").get("href"),
                "summary": entry.findtext(f"{ATOM}summary") or "",
            }
        )
    return found


@pytest.fixture
def viewer_token(make_user) -> str:
    return create_token(user=make_user("viewer"), label="閱讀器")[1]


@pytest.fixture
def corrected(make_user):
    """2021's 化解矛盾糾紛 corrected from the stated 17918 to 17920, with its reason, and recorded as the
    record of revisions records a save made with the second pair of eyes off (``review.record_direct_change``)."""
    figure = Figure.objects.get(report__year=2021, code=RESOLVED)
    before = {figure.pk: Figure.objects.get(pk=figure.pk)}
    figure.value, figure.correction_reason = Decimal("17920"), "依核對後的統計更正"
    figure.stamp_correction(None)
    figure.save()
    review.record_direct_change(before=before, after=[figure], user=make_user("editor"))
    return figure


def test_token_is_shown_once_and_stored_as_its_sha256_only(make_user):
    token, secret = create_token(user=make_user("viewer"), label="閱讀器")
    stored = FeedToken.objects.get(pk=token.pk)
    assert stored.digest == FeedToken.digest_of(secret) and secret not in stored.digest
    assert len(secret) >= 40


def test_reports_feed_with_a_token_lists_the_released_reports(client, viewer_token):
    make_ready_draft(title="草稿不該出現")
    found = entries(client.get(f"/feeds/{viewer_token}/reports.atom"))
    assert [entry["title"] for entry in found] == ["2021 萬州區公安局 2021年工作綜述"]
    assert found[0]["link"] == "http://testserver/reports/2021/"


def test_reports_feed_shows_drafts_to_an_editors_token_only(client, make_user):
    make_ready_draft(title="草稿")
    secret = create_token(user=make_user("editor"), label="編輯的閱讀器")[1]
    titles = [entry["title"] for entry in entries(client.get(f"/feeds/{secret}/reports.atom"))]
    assert titles[0].startswith("2022") and "草稿" in titles[0]


def test_revisions_feed_lists_each_correction_with_old_and_new_values_and_reason(client, viewer_token, corrected):
    found = entries(client.get(f"/feeds/{viewer_token}/revisions.atom"))
    assert [entry["title"] for entry in found] == ["2021 化解矛盾糾紛：17,918起 → 17,920起"]
    assert found[0]["summary"] == "更正原因：依核對後的統計更正"
    assert found[0]["link"] == f"http://testserver/reports/2021/mediation/#figure-{RESOLVED}"


def test_revisions_feed_speaks_the_page_language(client, viewer_token, corrected):
    found = entries(client.get(f"/en/feeds/{viewer_token}/revisions.atom"))
    assert found[0]["title"].startswith(f"2021 {corrected.name_en}")
    assert found[0]["link"] == f"http://testserver/en/reports/2021/mediation/#figure-{RESOLVED}"


def test_revisions_selector_reads_the_record_of_revisions_in_one_query(corrected, django_assert_num_queries):
    draft = make_ready_draft()  # a draft's edits are no revisions: they are not in the record
    draft_figure = Figure.objects.filter(report=draft).first()
    draft_figure.value, draft_figure.correction_reason = draft_figure.value + 1, "草稿更正"
    draft_figure.save()
    with django_assert_num_queries(1):
        found = revisions()
    assert [(revision.figure.code, revision.before, revision.after, revision.kind) for revision in found] == [
        (RESOLVED, Decimal("17918"), Decimal("17920"), "correction")
    ]


def test_metric_feed_has_an_entry_per_year_marking_a_correction(client, viewer_token, corrected):
    found = entries(client.get(f"/feeds/{viewer_token}/metrics/{RESOLVED}.atom"))
    assert [entry["title"] for entry in found] == ["2021 化解矛盾糾紛：17,920起"]
    assert found[0]["summary"] == "報告所載 17,918起，已更正：依核對後的統計更正"
    assert found[0]["link"] == f"http://testserver/metrics/{RESOLVED}/#year-2021"


def test_metric_feed_of_an_unknown_code_is_a_404(client, viewer_token):
    assert client.get(f"/feeds/{viewer_token}/metrics/mediation.no_such.atom").status_code == 404
    assert client.get(f"/feeds/{viewer_token}/metrics/%00.atom").status_code == 404


@pytest.mark.parametrize("feed", ["reports.atom", "revisions.atom", f"metrics/{RESOLVED}.atom"])
def test_feeds_without_a_valid_token_are_a_404_outside_public_mode(client, viewer_token, make_user, feed):
    assert client.get(f"/feeds/{feed}").status_code == 404
    assert client.get(f"/feeds/not-a-token/{feed}").status_code == 404
    assert client.get(f"/feeds/{'x' * 500}/{feed}").status_code == 404
    revoked_user = make_user("analyst")
    token, secret = create_token(user=revoked_user, label="舊的")
    assert client.get(f"/feeds/{secret}/{feed}").status_code == 200
    assert revoke_token(user=revoked_user, pk=token.pk)
    assert client.get(f"/feeds/{secret}/{feed}").status_code == 404


def test_a_token_of_an_account_without_a_role_or_inactive_opens_nothing(client, make_user):
    nobody = create_token(user=make_user(None), label="x")[1]
    inactive = create_token(user=make_user("viewer", username="left", is_active=False), label="x")[1]
    for secret in (nobody, inactive):
        assert client.get(f"/feeds/{secret}/reports.atom").status_code == 404


@override_settings(PUBLIC_MODE=True)
def test_feeds_without_a_token_answer_anyone_in_public_mode_without_drafts(client):
    make_ready_draft(title="草稿")
    found = entries(client.get("/feeds/reports.atom"))
    assert [entry["title"][:4] for entry in found] == ["2021"]


def test_feed_reader_costs_one_query_for_a_token_and_none_without(viewer_token, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert feed_reader(None) is None
    with django_assert_num_queries(3):  # the token with its account, then the account's two permission sets
        reader = feed_reader(viewer_token)
    assert reader.user.username == "viewer-user" and reader.drafts is False


def test_token_page_creates_a_token_shown_once_and_revokes_it(client, make_user):
    user = make_user("viewer")
    client.force_login(user)
    page = client.post("/feeds/", {"label": "我的閱讀器"}).content.decode()
    token = FeedToken.objects.get(user=user)
    secret = page.split("http://testserver/feeds/")[1].split("/reports.atom")[0]
    assert token.digest == FeedToken.digest_of(secret)
    assert secret not in client.get("/feeds/").content.decode(), "shown once"
    assert client.post("/feeds/", {"revoke": str(token.pk)}).status_code == 302
    assert FeedToken.objects.get(pk=token.pk).revoked_at is not None
    assert client.get(f"/feeds/{secret}/reports.atom").status_code == 404


def test_token_page_refuses_bad_input_clearly(client, make_user):
    other = create_token(user=make_user("analyst"), label="別人的")[0]
    client.force_login(make_user("viewer"))
    assert client.post("/feeds/", {"revoke": "abc"}).status_code == 404
    assert client.post("/feeds/", {"revoke": str(other.pk)}).status_code == 404
    assert FeedToken.objects.get(pk=other.pk).revoked_at is None
    response = client.post("/feeds/", {"label": ""})
    required = str(forms.Field.default_error_messages["required"])  # Django's wording, or an installed app's
    assert response.status_code == 400 and required in response.content.decode()


def test_an_account_holds_at_most_ten_active_tokens(client, make_user):
    user = make_user("viewer")
    for index in range(10):
        create_token(user=user, label=f"第{index}個")
    client.force_login(user)
    response = client.post("/feeds/", {"label": "第十一個"})
    assert response.status_code == 400
    assert "最多只能有 10 個有效的訂閱金鑰：請先撤銷不用的。" in response.content.decode()
    assert FeedToken.objects.filter(user=user).count() == 10


def test_token_page_needs_a_login(client):
    response = client.get("/feeds/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
