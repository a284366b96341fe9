"""The import: headings and proposals of the 2021 text, matching to last year's codes, and creation."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from metrics import selectors
from metrics.importing.matching import (
    MAX_PROPOSALS,
    MAX_SECTIONS,
    Heading,
    TooManyProposals,
    default_name,
    find_headings,
    import_rows,
    offered_unit,
    paragraph_texts,
    propose,
)
from metrics.models import Figure
from metrics.services import create_report
from metrics.text.extraction import Proposal, extract_figures
from metrics.text.units import same_unit
from reports.models import Section
from tests.metrics.test_services import accepted

pytestmark = pytest.mark.django_db

SOURCE_NAME = "wanzhou-police-2021-work-report.zh-Hant.txt"


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


def test_find_headings_reads_the_three_short_lines_of_the_2021_text_as_new_parts(source_text_2021):
    headings = find_headings(source_text_2021)
    assert [(heading.paragraph, heading.slug, heading.topic) for heading in headings] == [
        (2, "part-1", "part-1"),
        (8, "part-2", "part-2"),
        (16, "part-3", "part-3"),
    ]
    assert headings[0].text == "嚴防死守安全底線 防控能力穩固提升"


def last_years(*sections: Section, quote: str = "") -> list[Figure]:
    """One figure of last year's in each of ``sections``, stating ``quote``."""
    return [Figure(code=f"{section.topic}.x", source_quote=quote, section=section) for section in sections]


def test_find_headings_proposes_last_years_topics_by_heading():
    previous = last_years(
        Section(slug="mediation", topic="disputes", heading="矛盾糾紛化解"),
        Section(slug="crackdown", topic="crackdown", heading="強化打擊整治 震懾違法犯罪"),
    )
    text = "\n".join(["打擊整治 震懾犯罪", "甲，共1起。", "交通安全", "乙，共2起。", "化解矛盾糾紛", "丙，共3起。"])
    headings = find_headings(text, previous)
    assert [(heading.slug, heading.topic) for heading in headings] == [
        ("crackdown", "crackdown"),
        ("part-2", "part-2"),
        ("disputes", "disputes"),
    ]


def test_find_headings_proposes_the_topic_whose_figures_a_part_restates():
    previous = [
        Figure(
            code="disputes.screened",
            source_quote="排查矛盾糾紛18161起",
            section=Section(topic="disputes", heading="源頭管控"),
        ),
        Figure(
            code="disputes.visits", source_quote="回訪1087次", section=Section(topic="disputes", heading="源頭管控")
        ),
    ]
    text = "\n".join(["交通安全", "查處違法1起。", "和諧穩定", "全年排查矛盾糾紛二萬起，化解率98%。"])
    assert [heading.topic for heading in find_headings(text, previous)] == ["part-1", "disputes"]


def test_find_headings_never_repeats_a_slug():
    previous = last_years(Section(slug="x", topic="part-1", heading="交通安全"))
    headings = find_headings("治安防控\n交通安全\n", previous)
    assert [heading.slug for heading in headings] == ["part-1-x", "part-1"]


def test_find_headings_reads_a_text_without_headings_as_one_part():
    assert find_headings("甲，共1起。") == [Heading(paragraph=1, text="全文", slug="part-1", topic="part-1")]


def test_find_headings_reads_at_most_max_sections():
    text = "\n".join(f"第{number}部分" for number in range(1, MAX_SECTIONS + 5))
    assert len(find_headings(text)) == MAX_SECTIONS


def test_import_into_an_empty_database_proposes_every_fixture_figure(source_text_2021, fixture_figures):
    _headings, rows = propose(source_text_2021, selectors.import_candidates(year=2021))
    for figure in fixture_figures:
        same = [
            row
            for row in rows
            if row.proposal.paragraph == figure["source_paragraph"]
            and row.proposal.value == Decimal(figure["value"])
            and same_unit(row.proposal.unit, figure["unit"])  # the fixture stores 人 where the text writes 名
            and row.proposal.qualifier == figure["qualifier"]
            and row.proposal.quote == figure["source_quote"]
        ]
        assert len(same) == 1, f"no proposal, or more than one, for {figure['code']}"
        assert same[0].slug == {"stability": "part-1", "crackdown": "part-2", "mediation": "part-3"}[figure["slug"]]
    assert len(rows) == len(fixture_figures)
    assert all(not row.matched and row.confidence == 0 for row in rows)
    assert all(row.code.startswith(f"part.p{row.proposal.paragraph}_") for row in rows)


def test_import_of_the_same_text_a_year_later_matches_last_years_codes(
    report_2021, source_text_2021, django_assert_num_queries
):
    with django_assert_num_queries(1):
        candidates = selectors.import_candidates(year=2022)
    headings, rows = propose(source_text_2021, candidates)
    assert [(heading.slug, heading.topic) for heading in headings] == [
        ("stability", "stability"),
        ("crackdown", "crackdown"),
        ("mediation", "mediation"),
    ]
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
        section=Section(slug="mediation", topic="mediation"),
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
    assert rows[0].code == "part.p3_1" and rows[0].slug == "part-1"


KNOWN_UNITS = frozenset({"人", "個", "%", "起", "名額"})


@pytest.mark.parametrize(("written", "offered"), [("名", "人"), ("位", "人"), ("个", "個"), ("％", "%"), ("宗", "宗")])
def test_offered_unit_is_the_known_spelling_of_the_same_unit_else_as_written(written, offered):
    assert offered_unit(written, KNOWN_UNITS) == offered


def test_offered_unit_keeps_a_known_unit_as_it_is():
    assert offered_unit("名", KNOWN_UNITS | {"名"}) == "名"


def test_import_of_a_text_with_four_headings_makes_four_sections():
    text = "\n".join(
        ["維護穩定 守護平安", "排查矛盾糾紛2000起。", "打擊犯罪", "破獲刑事案件300件。"]
        + ["交通安全", "查處交通違法5000起。", "反詐宣傳", "攔截詐騙電話1200次。"]
    )
    headings, rows = propose(text, [])
    report = create_report(
        year=2030,
        agency="萬州區公安局",
        title="測試數據",
        source_name="",
        text=text,
        headings=headings,
        figures=[
            accepted(
                row.code,
                slug=row.slug,
                value=row.proposal.value,
                unit=row.proposal.unit,
                paragraph=row.proposal.paragraph,
                quote=row.proposal.quote,
            )
            for row in rows
        ],
    )
    sections = list(report.sections.order_by("position"))
    assert [(s.position, s.slug, s.topic, s.heading, s.source_paragraph) for s in sections] == [
        (1, "part-1", "part-1", "維護穩定 守護平安", 1),
        (2, "part-2", "part-2", "打擊犯罪", 3),
        (3, "part-3", "part-3", "交通安全", 5),
        (4, "part-4", "part-4", "反詐宣傳", 7),
    ]
    assert [section.figures.count() for section in sections] == [1, 1, 1, 1]


@pytest.mark.parametrize(
    ("quote", "unit", "name"),
    [
        ("抓獲犯罪嫌疑人近900名", "人", "抓獲犯罪嫌疑人"),
        ("追繳涉案資金約3.5億元", "億元", "追繳涉案資金"),
        ("開展夜間巡邏860餘次", "次", "開展夜間巡邏"),
        ("群眾滿意率達到97.3%", "%", "群眾滿意率"),
        ("出動警力12,400人次", "人次", "出動警力"),
        ("603個必巡點", "個", "必巡點"),
        ("化解率98.66%", "%", "化解率"),
        ("1087次", "次", "1087次"),
    ],
)
def test_default_name_is_what_the_clause_names_without_its_number_and_lead_in(quote, unit, name):
    assert default_name(quote, unit) == name
