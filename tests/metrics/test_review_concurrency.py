"""Two approvers approving linked proposals at once: 17917/18161 and 17918/18162 each keep 98.66%, together
they would make 98.65%. Approval locks the linked set in pk order and checks the rate against the locked
values, so the second approval waits for the first and is refused. Threads with their own connections, as in
tests/metrics/test_concurrency.py.
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from metrics import review
from metrics.models import Figure, Proposal
from metrics.rates import rate_matches
from metrics.services import SaveRefused
from tests.admin_forms import RATE, RESOLVED, SCREENED

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("second_approval_on"),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks (SELECT … FOR UPDATE); SQLite runs one writer at a time anyway",
    ),
]

REASON = "併發測試"


def figure(code: str) -> Figure:
    return Figure.objects.get(report__year=2021, code=code)


def proposed(code: str, value: str) -> Figure:
    row = figure(code)
    row.value, row.correction_reason = Decimal(value), REASON
    return row


@pytest.mark.parametrize("attempt", range(3))
def test_two_approvers_racing_on_linked_proposals_leave_the_rate_consistent(report_2021, make_user, attempt):
    editor_a, editor_b = make_user("editor", username="editor-a"), make_user("editor", username="editor-b")
    approvers = [make_user("approver", username="approver-a"), make_user("approver", username="approver-b")]
    first = review.propose_figures(figures=[proposed(RESOLVED, "17917")], user=editor_a)
    second = review.propose_figures(figures=[proposed(SCREENED, "18162")], user=editor_b)
    start = threading.Barrier(2)
    outcomes = [{}, {}]

    def approve(proposal: Proposal, approver, outcome: dict):
        def run():
            try:
                start.wait(timeout=10)
                review.approve(proposal_id=proposal.pk, user=approver)
                outcome["result"] = "approved"
            except SaveRefused as refusal:
                outcome["result"] = refusal.messages
            except BaseException as error:  # reported by the test, not lost in the thread
                outcome["error"] = error
            finally:
                connection.close()

        return threading.Thread(target=run)

    threads = [
        approve(first, approvers[0], outcomes[0]),
        approve(second, approvers[1], outcomes[1]),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert all("error" not in outcome for outcome in outcomes), outcomes
    results = [outcome["result"] for outcome in outcomes]
    assert results.count("approved") == 1, results
    refused = next(result for result in results if result != "approved")
    assert any("98.65%" in message for message in refused)
    rate = figure(RATE)
    assert rate_matches(rate.value, figure(RESOLVED).value, figure(SCREENED).value, rate.decimals)
    assert Proposal.objects.pending().count() == 1
