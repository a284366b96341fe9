"""A second pair of eyes on what the public sees (metrics.review, the figure, section and report admins, the
proposals' admin): an editor's change waits, unseen on every page and export, until a second person approves it.

The editor and the approver are separate logged-in clients; forms are posted as the browser would
have posted them (tests/admin_forms.py).
"""

import csv
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from metrics import review
from metrics.choices import ProposalKind, ProposalStatus
from metrics.models import Figure, Proposal
from metrics.services import SaveRefused
from reports.models import Report
from tests.admin_forms import (
    PLAIN,
    RATE,
    RESOLVED,
    SCREENED,
    admin_form_data,
    change_url,
    figure,
    inline_field,
    post_change_form,
    post_changelist,
)
from tests.factories import make_ready_draft

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module", "second_approval_on")]

REASON = "依核對後的統計更正"
RETURNED = "請附上統計科的核對表"
SECTION_PAGE = "/reports/2021/stability/"
METRIC_PAGE = f"/metrics/{PLAIN}/"


@pytest.fixture
def people(make_user) -> dict[str, Client]:
    """An editor, an approver, a viewer and an analyst, each on a client of their own."""
    clients = {}
    for role in ("editor", "approver", "viewer", "analyst"):
        client = Client()
        client.force_login(make_user(role, username=f"{role}-user"))
        clients[role] = client
    return clients


def proposal_url(proposal) -> str:
    return reverse("admin:metrics_proposal_change", args=[proposal.pk])


def text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8")


def public_answers(client) -> dict[str, str]:
    """What a reader gets of the 14 場 figure on every page and export that shows it."""
    return {
        path: text(client.get(path))
        for path in (
            SECTION_PAGE,
            "/en/reports/2021/stability/",
            "/reports/2021/",
            METRIC_PAGE,
            f"{METRIC_PAGE}csv/",
            f"/metrics/?q={PLAIN}",
            f"/metrics/?q={PLAIN}&_export=csv",
            f"/metrics/?q={PLAIN}&_export=json",
        )
    }


def test_editor_change_is_invisible_everywhere_until_a_second_user_approves(people):
    plain = figure(PLAIN)
    saved = post_change_form(people["editor"], plain, value="15", correction_reason=REASON)
    assert saved.status_code == 302
    assert figure(PLAIN).value == Decimal("14")
    proposal = Proposal.objects.get()
    assert (proposal.kind, proposal.status, proposal.proposed_by.username) == (
        ProposalKind.FIGURES,
        ProposalStatus.PENDING,
        "editor-user",
    )
    change = proposal.changes.get()
    assert (change.old_value, change.value, change.base_version) == (Decimal("14"), Decimal("15"), plain.version)

    # The editor sees that a change is pending on the section page and on the figure's form ...
    editor_page = text(people["editor"].get(SECTION_PAGE))
    assert 'id="pending-changes"' in editor_page and "15場" in editor_page
    assert f"待核准的修改（#{proposal.pk}" in text(people["editor"].get(change_url(plain)))
    # ... which never reaches a viewer, although the section body is now in the cache.
    for role in ("viewer", "analyst"):
        for path, answer in public_answers(people[role]).items():
            assert "pending-changes" not in answer, path
            assert "15場" not in answer and ",15," not in answer and '"value": 15' not in answer, path

    approved = people["approver"].post(proposal_url(proposal), {"_approve": "1"})
    assert approved.status_code == 302
    stored = figure(PLAIN)
    assert (stored.value, stored.correction_reason, stored.corrected_by.username) == (
        Decimal("15"),
        REASON,
        "editor-user",
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by.username) == (ProposalStatus.APPROVED, "approver-user")
    record = stored.history.first()
    assert record.history_user.username == "approver-user"
    assert "editor-user" in record.history_change_reason and record.change_set == proposal.change_set

    answers = public_answers(people["viewer"])
    assert "15場" in answers[SECTION_PAGE] and "更正" in answers[SECTION_PAGE]
    assert "15場" in answers[METRIC_PAGE] and 'id="previous-versions"' in answers[METRIC_PAGE]
    assert 'id="correction-stability.permitted_event_plans"' in answers[METRIC_PAGE]
    explorer = answers[f"/metrics/?q={PLAIN}"]
    assert "15場" in explorer and 'class="correction-mark"' in explorer and REASON in explorer
    assert "報告原載 14場" in explorer


def test_self_approval_is_refused(people, make_user):
    both = make_user("editor", username="editor-and-approver")
    both.groups.add(*make_user("approver", username="other").groups.all())
    client = Client()
    client.force_login(both)
    post_change_form(client, figure(PLAIN), value="15", correction_reason=REASON)
    proposal = Proposal.objects.get()
    page = text(client.get(proposal_url(proposal)))
    assert 'name="_approve"' not in page and "這是您提議的修改" in page
    refused = client.post(proposal_url(proposal), {"_approve": "1"})
    assert refused.status_code == 200
    assert str(review.SELF_DECISION) in text(refused)
    assert figure(PLAIN).value == Decimal("14")
    with pytest.raises(SaveRefused, match="自己提議"):
        review.approve(proposal_id=proposal.pk, user=both)
    proposal.refresh_from_db()
    assert proposal.is_pending


def test_editor_without_the_approver_role_cannot_decide(people, make_user):
    post_change_form(people["editor"], figure(PLAIN), value="15", correction_reason=REASON)
    other_editor = Client()
    other_editor.force_login(make_user("editor", username="editor-two"))
    assert other_editor.post(proposal_url(Proposal.objects.get()), {"_approve": "1"}).status_code == 403
    assert figure(PLAIN).value == Decimal("14")


def test_return_with_a_reason_reaches_the_proposer_who_revises_it(people):
    plain = figure(PLAIN)
    post_change_form(people["editor"], plain, value="15", correction_reason=REASON)
    proposal = Proposal.objects.get()
    without_reason = people["approver"].post(proposal_url(proposal), {"_return": "1", "return_reason": " "})
    assert str(review.RETURN_NEEDS_REASON) in text(without_reason)
    returned = people["approver"].post(proposal_url(proposal), {"_return": "1", "return_reason": RETURNED})
    assert returned.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.return_reason) == (ProposalStatus.RETURNED, RETURNED)
    assert figure(PLAIN).value == Decimal("14")
    # The proposer reads the reason on the figure's form and in the list of proposals.
    assert RETURNED in text(people["editor"].get(change_url(plain)))
    assert RETURNED in text(people["editor"].get(reverse("admin:metrics_proposal_changelist")))
    # A returned proposal no longer blocks the figure: the editor revises, the approver approves.
    post_change_form(people["editor"], plain, value="16", correction_reason=REASON)
    revised = Proposal.objects.pending().get()
    assert people["approver"].post(proposal_url(revised), {"_approve": "1"}).status_code == 302
    assert figure(PLAIN).value == Decimal("16")


def test_a_second_change_waits_for_the_pending_proposal(people):
    plain = figure(PLAIN)
    post_change_form(people["editor"], plain, value="15", correction_reason=REASON)
    again = post_change_form(people["editor"], plain, value="17", correction_reason=REASON)
    assert again.status_code == 200
    assert "已有一項待核准的修改" in text(again)
    assert Proposal.objects.count() == 1


def test_a_stale_proposal_is_refused_at_approval(people, settings):
    plain = figure(PLAIN)
    post_change_form(people["editor"], plain, value="15", correction_reason=REASON)
    proposal = Proposal.objects.get()
    # Another save lands meanwhile (a field outside the review: the name).
    stored = figure(PLAIN)
    stored.name = "許可活動方案"
    stored.save()
    refused = people["approver"].post(proposal_url(proposal), {"_approve": "1"})
    assert "這項提議已過期" in text(refused)
    assert figure(PLAIN).value == Decimal("14")
    proposal.refresh_from_db()
    assert proposal.is_pending


def test_linked_proposals_approved_one_after_the_other_keep_the_rate(people, make_user):
    """17917/18161 and 17918/18162 each keep 98.66%; together they would be 98.65%."""
    other = Client()
    other.force_login(make_user("editor", username="editor-two"))
    post_change_form(people["editor"], figure(RESOLVED), value="17917", correction_reason=REASON)
    post_change_form(other, figure(SCREENED), value="18162", correction_reason=REASON)
    first, second = Proposal.objects.order_by("pk")
    diff = review.proposal_diff(first)
    rate_row = next(row for row in diff if row.is_rate)
    assert rate_row.consistent and "17917 ÷ 18161" in rate_row.computed
    count_row = next(row for row in diff if row.changed)
    assert (count_row.stored, count_row.proposed, count_row.reason_proposed) == ("17,918起", "17,917起", REASON)
    assert people["approver"].post(proposal_url(first), {"_approve": "1"}).status_code == 302
    refused = people["approver"].post(proposal_url(second), {"_approve": "1"})
    assert "98.65%" in text(refused)
    assert (figure(RESOLVED).value, figure(SCREENED).value, figure(RATE).value) == (
        Decimal("17917"),
        Decimal("18161"),
        Decimal("98.66"),
    )


def test_list_rows_of_one_save_are_one_proposal(people):
    """A count and its rate changed in one list save are proposed, and approved, together."""
    saved = post_changelist(people["editor"], (figure(RESOLVED), "17920", REASON), (figure(RATE), "98.67", REASON))
    assert saved.status_code == 302
    proposal = Proposal.objects.get()
    assert sorted(proposal.changes.values_list("figure__code", flat=True)) == sorted([RESOLVED, RATE])
    assert figure(RESOLVED).value == Decimal("17918")
    people["approver"].post(proposal_url(proposal), {"_approve": "1"})
    assert (figure(RESOLVED).value, figure(RATE).value) == (Decimal("17920"), Decimal("98.67"))


def test_setting_off_saves_at_once_and_records_the_revision(people, settings):
    settings.SECOND_APPROVAL_REQUIRED = False
    post_change_form(people["editor"], figure(PLAIN), value="15", correction_reason=REASON)
    assert figure(PLAIN).value == Decimal("15")
    proposal = Proposal.objects.get()
    assert (proposal.status, proposal.decided_by) == (ProposalStatus.APPROVED, None)
    page = text(people["viewer"].get("/revisions/"))
    assert "15場" in page and "（無第二人核准）" in page


def test_publishing_a_draft_waits_for_approval(people):
    draft = make_ready_draft(2022)
    url = reverse("admin:reports_report_changelist")
    people["editor"].post(url, {"action": "publish", "_selected_action": [draft.pk]})
    assert not Report.objects.get(pk=draft.pk).published
    proposal = Proposal.objects.get(kind=ProposalKind.PUBLISH)
    assert people["viewer"].get("/reports/2022/").status_code == 404
    assert people["approver"].post(proposal_url(proposal), {"_approve": "1"}).status_code == 302
    assert Report.objects.get(pk=draft.pk).published
    assert people["viewer"].get("/reports/2022/").status_code == 200


def test_setting_off_publishes_at_once(people, settings):
    settings.SECOND_APPROVAL_REQUIRED = False
    draft = make_ready_draft(2022)
    people["editor"].post(
        reverse("admin:reports_report_changelist"), {"action": "publish", "_selected_action": [draft.pk]}
    )
    assert Report.objects.get(pk=draft.pk).published
    assert not Proposal.objects.exists()


def test_drafts_are_edited_without_approval(people):
    draft = make_ready_draft(2022)
    count = Figure.objects.filter(report=draft).order_by("pk").first()
    post_change_form(people["editor"], count, value=str(count.value + 1), correction_reason=REASON)
    assert Figure.objects.get(pk=count.pk).value == count.value + 1
    assert not Proposal.objects.exists()


def test_section_inline_proposes_the_values_and_saves_the_rest(people):
    plain = figure(PLAIN)
    url = change_url(plain.section)
    page = people["editor"].get(url)
    data = admin_form_data(
        page,
        **{
            inline_field(page, plain, "value"): "15",
            inline_field(page, plain, "correction_reason"): REASON,
            inline_field(page, plain, "theme"): "新的主題",
        },
    )
    assert people["editor"].post(url, data).status_code == 302
    stored = figure(PLAIN)
    assert (stored.value, stored.theme) == (Decimal("14"), "新的主題")
    change = Proposal.objects.get().changes.get()
    assert (change.value, change.correction_reason, change.base_version) == (Decimal("15"), REASON, stored.version)
    people["approver"].post(proposal_url(change.proposal), {"_approve": "1"})
    assert figure(PLAIN).value == Decimal("15")


def approved_correction(people) -> Proposal:
    post_change_form(people["editor"], figure(PLAIN), value="15", correction_reason=REASON)
    proposal = Proposal.objects.get()
    people["approver"].post(proposal_url(proposal), {"_approve": "1"})
    proposal.refresh_from_db()
    return proposal


def test_revisions_lists_each_change_with_who_and_why(people, django_assert_num_queries):
    approved_correction(people)
    # Session, user, 2 for permissions; the filter choices, the count, the page; the navigation's 4.
    with django_assert_num_queries(11):
        page = text(people["viewer"].get("/revisions/"))
    for expected in ("14場", "15場", REASON, "editor-user", "approver-user", "2021", "更正"):
        assert expected in page
    assert "15場" in text(people["viewer"].get("/revisions/?year=2021&section=stability&kind=correction"))
    assert 'id="no-revisions"' in text(people["viewer"].get("/revisions/?kind=revision"))
    assert 'id="no-revisions"' in text(people["viewer"].get("/revisions/?section=mediation"))
    english = text(people["viewer"].get("/en/revisions/"))
    assert english.count('id="revision-') == 1


def test_revisions_csv_holds_the_rows(people):
    approved_correction(people)
    response = people["viewer"].get("/revisions/?_export=csv")
    rows = list(csv.DictReader(io.StringIO(text(response).lstrip("\ufeff"))))
    assert [(row["metric_code"], row["old_value"], row["new_value"], row["kind"]) for row in rows] == [
        (PLAIN, "14", "15", "correction")
    ]
    assert (rows[0]["proposed_by"], rows[0]["approved_by"], rows[0]["reason"]) == (
        "editor-user",
        "approver-user",
        REASON,
    )


@pytest.mark.parametrize("query", ["year=twenty", "kind=other", "section=" + "x" * 60])
def test_revisions_refuses_a_malformed_filter(people, query):
    assert people["viewer"].get(f"/revisions/?{query}").status_code == 400


def test_revisions_need_a_login(client):
    assert client.get("/revisions/").status_code == 302


def test_reverting_an_approved_save_is_itself_proposed(people, audited_report):
    proposal = approved_correction(people)
    url = reverse("admin:metrics_figure_changeset", args=[proposal.change_set])
    response = people["editor"].post(url, {"change_reason": "撤回更正"})
    assert response.status_code == 302
    assert figure(PLAIN).value == Decimal("15")
    revert = Proposal.objects.pending().get()
    change = revert.changes.get()
    assert (change.old_value, change.value, change.correction_reason) == (Decimal("15"), Decimal("14"), "")
    people["approver"].post(proposal_url(revert), {"_approve": "1"})
    stored = figure(PLAIN)
    assert (stored.value, stored.correction_reason, stored.is_correction) == (Decimal("14"), "", False)
    # Back to the stated value: a revision, listed beside the correction it undid.
    page = text(people["viewer"].get("/revisions/?kind=revision"))
    assert page.count('id="revision-') == 1


def test_figure_list_marks_the_figure_awaiting_approval(people):
    post_change_form(people["editor"], figure(PLAIN), value="15", correction_reason=REASON)
    page = text(people["editor"].get(reverse("admin:metrics_figure_changelist") + f"?q={PLAIN}"))
    assert page.count('class="pending-mark"') == 1
