"""The figure services: one write of many rows, all or nothing."""

import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from metrics import services
from metrics.choices import UnitKind
from metrics.management.commands.seed_report import record_history_baseline
from metrics.models import Figure, Unit
from metrics.services import AcceptedFigure, Heading, create_report
from reports.models import Report

pytestmark = pytest.mark.django_db

RESOLVED, RATE, SCREENED = "mediation.disputes_resolved", "mediation.resolution_rate", "mediation.disputes_screened"


@pytest.fixture
def audited(report_2021, make_user):
    record_history_baseline()
    return make_user("editor", "editor-a")


def save_together(user, **values) -> uuid.UUID:
    """Change the figures named by code in one save (one change set), as the admin does."""
    change_set = uuid.uuid4()
    for code, value in values.items():
        figure = Figure.objects.get(code=code.replace("__", "."), report__year=2021)
        figure.value = Decimal(value)
        figure.correction_reason = "試算"
        figure.stamp_correction(user)
        figure._change_set, figure._history_user = change_set, user
        figure.save()
    return change_set


def value(code: str) -> Decimal:
    return Figure.objects.get(code=code, report__year=2021).value


def test_revert_change_set_puts_a_count_and_its_rate_back_as_one_new_save(audited):
    saved = save_together(audited, mediation__disputes_resolved="17920", mediation__resolution_rate="98.67")
    acting = uuid.uuid4()

    reverted = services.revert_change_set(change_set=saved, reason="撤回", user=audited, acting_change_set=acting)

    assert {figure.code for figure in reverted} == {RESOLVED, RATE}
    assert (value(RESOLVED), value(RATE)) == (Decimal("17918"), Decimal("98.66"))
    latest = Figure.history.filter(change_set=acting)
    assert sorted(record.code for record in latest) == sorted([RESOLVED, RATE])
    assert {record.history_change_reason for record in latest} == {"撤回"}


def test_revert_change_set_refuses_a_figure_saved_again_and_writes_nothing(audited):
    saved = save_together(audited, mediation__disputes_resolved="17920", mediation__resolution_rate="98.67")
    save_together(audited, mediation__disputes_screened="18162")
    later = save_together(audited, mediation__disputes_resolved="17921", mediation__resolution_rate="98.67")
    history_rows = Figure.history.count()

    with pytest.raises(services.SaveRefused) as refusal:
        services.revert_change_set(change_set=saved, reason="", user=audited, acting_change_set=uuid.uuid4())

    assert len(refusal.value.messages) == 2
    assert all("無法整次還原" in message for message in refusal.value.messages)
    assert value(RESOLVED) == Decimal("17921")
    assert Figure.history.count() == history_rows
    assert later != saved


def test_revert_change_set_refuses_values_that_break_a_linked_rate(audited):
    saved = save_together(audited, mediation__disputes_resolved="17920", mediation__resolution_rate="98.67")
    # The rate's other count moves on: 17918 of 18163 is 98.65%, not the 98.66% the revert would restore.
    save_together(audited, mediation__disputes_screened="18163")
    history_rows = Figure.history.count()

    with pytest.raises(services.SaveRefused) as refusal:
        services.revert_change_set(change_set=saved, reason="", user=audited, acting_change_set=uuid.uuid4())

    assert any("98.65" in message for message in refusal.value.messages), refusal.value.messages
    assert Figure.history.count() == history_rows
    assert value(RESOLVED) == Decimal("17920")


def test_lock_linked_figures_returns_the_rate_and_both_counts_of_an_edited_count(audited):
    resolved = Figure.objects.get(code=RESOLVED, report__year=2021)

    stored = services.lock_linked_figures(edited=[resolved])

    assert {figure.code for figure in stored.values()} == {RESOLVED, RATE, SCREENED}


# --- Creating a report from its text ---------------------------------------------------------------------------

HEADINGS = [Heading(paragraph=2, text="矛盾化解", slug="mediation", topic="mediation")]
#: A text with the heading at paragraph 2 and room for the figures' paragraph 3.
TEXT = "2030年工作綜述。\n矛盾化解\n全年化解矛盾糾紛。"


def accepted(code="mediation.test_1", **fields):
    defaults = {
        "slug": "mediation",
        "code": code,
        "name": "測試",
        "theme": "測試",
        "value": Decimal(5),
        "unit": "起",
        "qualifier": "exact",
        "paragraph": 3,
        "quote": "測試5起",
    }
    return AcceptedFigure(**(defaults | fields))


def test_create_report_makes_a_draft_with_its_sections_and_audited_figures():
    report = create_report(
        year=2030,
        agency="萬州區公安局",
        title="2030年工作綜述（測試數據）",
        source_name="t.txt",
        text=TEXT,
        headings=HEADINGS,
        figures=[accepted()],
    )
    assert not report.published
    figure = Figure.objects.get(report=report)
    assert (figure.section.slug, figure.source_paragraph, figure.source_quote) == ("mediation", 3, "測試5起")
    section = figure.section
    assert (section.topic, section.heading, section.source_paragraph, section.position) == (
        "mediation",
        "矛盾化解",
        2,
        1,
    )
    assert (figure.stated_value, figure.decimals, figure.is_correction) == (figure.value, 0, False)
    assert figure.history.get().history_change_reason == "從原文匯入：t.txt"
    assert report.history.get().history_change_reason == "從原文匯入：t.txt"


def test_create_report_costs_four_queries_a_figure():
    # Is the code taken (Figure.clean), the insert, its history row and the content revision's count: the
    # table's constraints are explained by Figure.clean() and enforced by the database, not queried one by one.
    def queries(count: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            create_report(
                year=2030 + count,
                agency="萬州區公安局",
                title="測試數據",
                source_name="",
                text=TEXT,
                headings=HEADINGS,
                figures=[accepted(f"mediation.test_{number}") for number in range(count)],
            )
        return len(captured)

    assert queries(3) - queries(1) == 2 * 4


def test_create_report_rolls_back_everything_when_a_row_breaks_a_rule():
    with pytest.raises(ValidationError):
        create_report(
            year=2030,
            agency="萬州區公安局",
            title="2030年工作綜述（測試數據）",
            source_name="",
            text=TEXT,
            headings=HEADINGS,
            figures=[accepted(), accepted("mediation.test_2", unit="%", value=Decimal(120))],
        )
    assert not Report.objects.filter(year=2030).exists() and not Figure.objects.exists()


def test_create_report_refuses_a_slug_that_is_none_of_the_headings():
    with pytest.raises(ValidationError, match="原文沒有代號為「traffic」的章節"):
        create_report(
            year=2030,
            agency="萬州區公安局",
            title="測試數據",
            source_name="",
            text=TEXT,
            headings=HEADINGS,
            figures=[accepted(slug="traffic")],
        )
    assert not Report.objects.filter(year=2030).exists()


def test_create_report_adds_the_units_the_text_uses_that_the_portal_has_not():
    figures = [
        accepted("mediation.cases", unit="宗", value=Decimal(326), quote="偵破326宗"),
        accepted("mediation.drugs", unit="公斤", value=Decimal("2.5"), quote="繳獲2.5公斤"),
        accepted("mediation.fines", unit="萬澳門元", value=Decimal(12), quote="罰款12萬澳門元"),
    ]
    history_before = Unit.history.count()

    create_report(
        year=2030, agency="萬州區公安局", title="測試", source_name="", text=TEXT, headings=HEADINGS, figures=figures
    )

    added = {
        unit.code: (unit.kind, unit.fractional, unit.yuan)
        for unit in Unit.objects.filter(code__in=["宗", "公斤", "萬澳門元"])
    }
    assert added == {
        "宗": (UnitKind.COUNT, False, None),
        "公斤": (UnitKind.WEIGHT, True, None),
        "萬澳門元": (UnitKind.MONEY, True, Decimal(10_000)),
    }
    assert Unit.history.count() == history_before + 3
    assert Figure.objects.get(code="mediation.cases", report__year=2030).unit_id == "宗"


def test_create_report_adds_nothing_when_a_row_breaks_a_rule():
    figures = [accepted("mediation.cases", unit="宗", value=Decimal(326), quote="偵破999宗")]
    with pytest.raises(ValidationError):
        create_report(
            year=2030,
            agency="萬州區公安局",
            title="測試",
            source_name="",
            text=TEXT,
            headings=HEADINGS,
            figures=figures,
        )
    assert not Unit.objects.filter(code="宗").exists()
