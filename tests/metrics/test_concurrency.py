"""Linked rates under concurrency: two editors save the numerator and the denominator of 98.66% at once.

Each save alone keeps the rate (17917/18161 and 17918/18162 both round to 98.66%);
together they would leave 17917/18162 = 98.65%. Every figure save locks its linked
set in pk order and checks the rate against the locked values, so the second save
waits for the first and is refused. The editors are threads, each with its own
database connection and its own logged-in client, against committed data.
"""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test import Client

from metrics.models import Figure, linked_rate_errors, linked_set, lock_figures
from metrics.rates import rate_matches
from tests.admin_forms import admin_form_data, change_url

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("second_approval_off"),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks (SELECT … FOR UPDATE); SQLite runs one writer at a time anyway",
    ),
]

RESOLVED = "mediation.disputes_resolved"  # numerator, 17918
SCREENED = "mediation.disputes_screened"  # denominator, 18161
RATE = "mediation.resolution_rate"  # 98.66
REASON = "併發測試"
REFUSED_B = (
    "「排查矛盾糾紛」改為 18162 後為 17917 ÷ 18162 × 100 = 98.651029…%，"
    "四捨五入為 98.65%，但「矛盾糾紛化解率」為 98.66%"
)
#: How long editor A holds the lock after validating, so editor B's save surely arrives meanwhile.
HOLD_SECONDS = 1.0


def figure(code: str) -> Figure:
    return Figure.objects.get(report__year=2021, code=code)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def in_thread(target) -> tuple[threading.Thread, dict]:
    """Run ``target()`` in a thread with its own database connection; its result or error lands in the dict."""
    outcome = {}

    def run():
        try:
            outcome["result"] = target()
        except BaseException as error:  # reported by the test, not lost in the thread
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def consistent() -> bool:
    rate = figure(RATE)
    return rate_matches(rate.value, figure(RESOLVED).value, figure(SCREENED).value, rate.decimals)


def test_second_linked_count_save_waits_for_the_lock_and_is_refused(report_2021, make_user):
    editor_b = logged_in(make_user("editor", username="editor-b"))
    page_b = editor_b.get(change_url(figure(SCREENED)))
    locked = threading.Event()

    def editor_a():
        with transaction.atomic():
            resolved = figure(RESOLVED)
            resolved.value, resolved.correction_reason = Decimal("17917"), REASON
            stored = lock_figures(linked_set([resolved]))
            assert linked_rate_errors([resolved], stored=stored) == []
            locked.set()
            time.sleep(HOLD_SECONDS)
            resolved.save()

    def editor_b_saves():
        locked.wait(timeout=10)
        started = time.monotonic()
        data = admin_form_data(page_b, value="18162", correction_reason=REASON)
        response = editor_b.post(change_url(figure(SCREENED)), data)
        return response, time.monotonic() - started

    thread_a, outcome_a = in_thread(editor_a)
    thread_b, outcome_b = in_thread(editor_b_saves)
    thread_a.join(30)
    thread_b.join(30)

    assert "error" not in outcome_a and "error" not in outcome_b, (outcome_a, outcome_b)
    response, waited = outcome_b["result"]
    assert waited >= HOLD_SECONDS / 2  # B's validation waited for A's lock
    assert response.status_code == 200
    assert REFUSED_B in response.content.decode()
    assert (figure(RESOLVED).value, figure(SCREENED).value) == (Decimal("17917"), Decimal("18161"))
    assert consistent()


@pytest.mark.parametrize("attempt", range(5))
def test_two_editors_saving_numerator_and_denominator_at_once_never_break_the_rate(report_2021, make_user, attempt):
    editor_a = logged_in(make_user("editor", username="editor-a"))
    editor_b = logged_in(make_user("editor", username="editor-b"))
    page_a = editor_a.get(change_url(figure(RESOLVED)))
    page_b = editor_b.get(change_url(figure(SCREENED)))
    start = threading.Barrier(2)

    def save(client, page, code, value):
        def post():
            data = admin_form_data(page, value=value, correction_reason=REASON)
            start.wait(timeout=10)
            return client.post(change_url(figure(code)), data).status_code

        return post

    thread_a, outcome_a = in_thread(save(editor_a, page_a, RESOLVED, "17917"))
    thread_b, outcome_b = in_thread(save(editor_b, page_b, SCREENED, "18162"))
    thread_a.join(30)
    thread_b.join(30)

    assert "error" not in outcome_a and "error" not in outcome_b, (outcome_a, outcome_b)
    assert sorted([outcome_a["result"], outcome_b["result"]]) == [200, 302]  # one saved, one refused
    assert consistent()
