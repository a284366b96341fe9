"""The import: headings and proposals of the 2021 text, matching to last year's codes, and creation."""

import json
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from metrics import selectors
from metrics.importing.matching import (
    MAX_PROPOSALS,
    AcceptedFigure,
    TooManyProposals,
    create_report,
    find_headings,
    import_rows,
    paragraph_texts,
    propose,
)
from metrics.models import Figure
from metrics.text.extraction import Proposal, extract_figures
from reports.models import Report, Section

pytestmark = pytest.mark.django_db

SOURCE_NAME = "wanzhou-police-2021-work-report.zh-Hant.txt"


@pytest.fixture(scope="module")
def source_text() -> str:
    """The 2021 text from ../shared/source (or WANZHOU_SOURCE_TEXT); fails under CI=true when absent."""
    path = Path(os.environ.get("WANZHOU_SOURCE_TEXT") or Path(settings.BASE_DIR).parent / "shared/source" / SOURCE_NAME)
    if not path.is_file():
        message = f"source text not found at {path}; set WANZHOU_SOURCE_TEXT"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def fixture_figures() -> list[dict]:
    """The 2021 fixture's figures as stored in the JSON, with their section's slug."""
    objects = json.loads((Path(settings.BASE_DIR) / "fixtures/wanzhou_2021.json").read_text(encoding="utf-8"))
    slugs = {item["pk"]: item["fields"]["slug"] for item in objects if item["model"] == "reports.section"}
    return [
        {**item["fields"], "slug": slugs[item["fields"]["section"]]}
        for item in objects
        if item["model"] == "metrics.figure"
    ]


def test_find_headings_reads_the_three_short_lines_of_the_2021_text(source_text):
    headings = find_headings(source_text)
    assert [(heading.paragraph, heading.slug) for heading in headings] == [
        (2, "stability"),
        (8, "crackdown"),
        (16, "mediation"),
    ]
    assert headings[0].text == "嚴防死守安全底線 防控能力穩固提升"


def test_import_into_an_empty_database_proposes_every_fixture_figure(source_text, fixture_figures):
    _headings, rows = propose(source_text, selectors.import_candidates(year=2021))
    for figure in fixture_figures:
        same = [
            row
            for row in rows
            if row.proposal.paragraph == figure["source_paragraph"]
            and row.proposal.value == Decimal(figure["value"])
            and row.proposal.unit == figure["unit"]
            and row.proposal.qualifier == figure["qualifier"]
            and row.proposal.quote == figure["source_quote"]
        ]
        assert len(same) == 1, f"no proposal, or more than one, for {figure['code']}"
        assert same[0].slug == figure["slug"]
    assert len(rows) == len(fixture_figures)
    assert all(not row.matched and row.confidence == 0 for row in rows)
    assert all(row.code.startswith(f"{row.slug}.p{row.proposal.paragraph}_") for row in rows)


def test_import_of_the_same_text_a_year_later_matches_last_years_codes(
    report_2021, source_text, django_assert_num_queries
):
    with django_assert_num_queries(1):
        candidates = selectors.import_candidates(year=2022)
    _headings, rows = propose(source_text, candidates)
    by_code = {figure.code: figure for figure in candidates}
    matched = [row for row in rows if row.matched]
    right = [
        row
        for row in matched
        if by_code[row.code].value == row.proposal.value
        and by_code[row.code].source_paragraph == row.proposal.paragraph
    ]
    # 54 proposals; each takes last year's code of the figure it restates, none wrongly.
    assert (len(rows), len(matched), len(right)) == (54, 54, 54)
    assert all(row.confidence >= 60 for row in matched)
    assert len({row.code for row in rows}) == len(rows)


def test_propose_refuses_a_text_stating_more_than_max_proposals_figures():
    lines = ["維護穩定 守護平安", *(f"化解矛盾糾紛{number}起。" for number in range(1, MAX_PROPOSALS + 2))]
    with pytest.raises(TooManyProposals):
        propose("\n".join(lines), [])
    _headings, rows = propose("\n".join(lines[:-1]), [])
    assert len(rows) == MAX_PROPOSALS


def test_headings_and_paragraph_texts_number_lines_as_the_extractor_does():
    # A line separator (U+2028) or a carriage return inside a line does not start a paragraph for the extractor,
    # so it does not for the headings or the paragraph shown beside a proposal either.
    text = "甲\u2028乙，共1起。\r\n維護穩定\n第三段共2起。"
    assert [proposal.paragraph for proposal in extract_figures(text)] == [1, 3]
    assert [(heading.paragraph, heading.text) for heading in find_headings(text)] == [(2, "維護穩定")]
    assert paragraph_texts(text, [3, 1, 7]) == {1: "甲\u2028乙，共1起。", 3: "第三段共2起。"}


def test_import_rows_match_only_the_same_unit():
    candidate = Figure(
        code="mediation.disputes_screened",
        name="排查矛盾糾紛",
        unit_id="起",
        source_quote="排查矛盾糾紛18161起",
        theme="t",
        section=Section(slug="mediation"),
    )
    proposal_in_people = Proposal(
        paragraph=3, quote="排查矛盾糾紛200人", value=Decimal(200), unit="人", qualifier="exact"
    )
    proposal_in_cases = Proposal(
        paragraph=3, quote="排查矛盾糾紛20000起", value=Decimal(20000), unit="起", qualifier="exact"
    )
    rows = import_rows([proposal_in_people, proposal_in_cases], [], [candidate])
    assert [row.matched for row in rows] == [False, True]
    assert rows[1].code == "mediation.disputes_screened" and rows[1].confidence == 75
    assert rows[0].code == "stability.p3_1"


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
        headings=[],
        figures=[accepted()],
    )
    assert not report.published
    figure = Figure.objects.get(report=report)
    assert (figure.section.slug, figure.source_paragraph, figure.source_quote) == ("mediation", 3, "測試5起")
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
                headings=[],
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
            headings=[],
            figures=[accepted(), accepted("mediation.test_2", unit="%", value=Decimal(120))],
        )
    assert not Report.objects.filter(year=2030).exists() and not Figure.objects.exists()
