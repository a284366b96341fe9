"""Sections are the report's own: any number of them, any slug, linked across years by their topic."""

import csv
import io
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import (
    make_figure,
    make_mediation_2022,
    make_report,
    make_report_with_figures,
    make_section,
    search_index_caught_up,
)

pytestmark = pytest.mark.django_db

#: Five parts of a later year's report, none of them one of 2021's: (slug, topic, heading, English heading).
FIVE_PARTS = [
    ("traffic", "traffic", "道路交通安全", "Road safety"),
    ("fraud", "fraud", "打擊電信網絡詐騙", "Fighting telecom fraud"),
    ("drugs", "drugs", "禁毒工作", "Drug control"),
    ("cyber", "cyber", "網絡安全", "Cyber security"),
    ("border-checks", "border", "公安檢查站", "Checkpoints"),
]


@pytest.fixture
def report_2023(db):
    """A 2023 report of the five parts, two figures each (codes ``<topic>.test_1`` and ``_2``)."""
    report = make_report(2023)
    for position, (slug, topic, heading, heading_en) in enumerate(FIVE_PARTS, start=1):
        section = make_section(report, slug, topic=topic, position=position, heading=heading, heading_en=heading_en)
        make_figure(section, 1)
        make_figure(section, 2)
    return report


def test_report_of_five_sections_shows_each_on_the_overview_and_the_navigation(viewer_client, report_2023):
    page = viewer_client.get("/reports/2023/").content.decode()
    for slug, _topic, heading, _english in FIVE_PARTS:
        assert f'<a href="/reports/2023/{slug}/">{heading}</a>' in page
        assert f"閱讀「{heading}」全章" in page


def test_report_of_five_sections_has_a_page_for_each_with_its_figures(viewer_client, report_2023):
    for slug, topic, heading, _english in FIVE_PARTS:
        page = viewer_client.get(f"/reports/2023/{slug}/").content.decode()
        assert f"<h1>{heading}</h1>" in page
        assert f'id="figure-{topic}.test_1"' in page and f'id="figure-{topic}.test_2"' in page
        assert f"year=2023&amp;section={topic}" in page


def test_explorer_offers_and_filters_by_the_five_topics(viewer_client, report_2023):
    page = viewer_client.get("/metrics/").content.decode()
    for _slug, topic, heading, _english in FIVE_PARTS:
        assert f'<option value="{topic}">{heading}</option>' in page
    page = viewer_client.get("/metrics/", {"section": "border"}).content.decode()
    assert "border.test_1" in page and "border.test_2" in page and "fraud.test_1" not in page
    assert '<a href="/reports/2023/border-checks/#figure-border.test_1">' in page


def test_explorer_labels_a_topic_in_english_on_english_pages(viewer_client, report_2023):
    page = viewer_client.get("/en/metrics/").content.decode()
    assert '<option value="fraud">Fighting telecom fraud</option>' in page


def test_export_of_one_topic_holds_its_rows_only(analyst_client, report_2023):
    response = analyst_client.get("/metrics/", {"section": "cyber", "_export": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    codes = [row[3] for row in rows[1:] if len(row) > 3 and row[0] == "2023"]
    assert codes == ["cyber.test_1", "cyber.test_2"]


def test_metric_page_of_a_new_sections_figure(viewer_client, report_2023):
    page = viewer_client.get("/metrics/drugs.test_2/").content.decode()
    assert 'id="year-2023"' in page and "/reports/2023/drugs/#figure-drugs.test_2" in page


def test_explorer_offers_only_published_topics_labelled_by_the_newest_heading(viewer_client, report_2021):
    make_mediation_2022("disputes", topic="mediation", heading="化解矛盾糾紛")
    make_section(make_report(2024, published=False), "traffic", heading="草稿章節")
    page = viewer_client.get("/metrics/").content.decode()
    select = page.split('name="section"')[1].split("</select>")[0]
    # The newest report's topics first, then the older ones'; each once.
    assert re.findall(r'<option value="([^"]*)"', select) == ["", "mediation", "stability", "crackdown"]
    assert '<option value="mediation">化解矛盾糾紛</option>' in select
    assert "草稿章節" not in page


def test_change_from_last_year_crosses_the_topic_link_to_a_section_of_another_slug(viewer_client, report_2021):
    make_mediation_2022("disputes", topic="mediation", heading="化解矛盾糾紛")
    page = viewer_client.get("/reports/2022/disputes/").content.decode()
    row = page.split('id="figure-mediation.disputes_screened"')[1].split("</tr>")[0]
    assert "2021 年：18,161起" in row and "▲ +1839起（+10.1%）" in row
    # The topic's charts, named by this year's slug, with last year's values beside this year's.
    payload = re.search(r'<script id="chart-disputes-disputes-data" type="application/json">(.*?)</script>', page)
    last, this = json.loads(payload.group(1))["data"]
    assert (last["name"], last["text"], this["name"]) == ("2021 年", ["18,161起", "17,918起"], "2022 年")
    response = viewer_client.get("/reports/2022/disputes/charts/disputes.csv")
    assert response.status_code == 200
    # 2021's pages keep their addresses.
    assert viewer_client.get("/reports/2021/mediation/").status_code == 200


def test_explorer_filter_by_topic_spans_the_years(viewer_client, report_2021):
    make_mediation_2022("disputes", topic="mediation")
    search_index_caught_up()
    page = viewer_client.get("/metrics/", {"section": "mediation", "q": "disputes_screened"}).content.decode()
    assert '<a href="/reports/2021/mediation/#figure-mediation.disputes_screened">' in page
    assert '<a href="/reports/2022/disputes/#figure-mediation.disputes_screened">' in page


def test_report_with_figures_takes_any_slugs(db):
    report = make_report_with_figures(2030, 1, slugs=("traffic", "fraud"))
    assert list(report.sections.values_list("slug", "topic", "position")) == [
        ("traffic", "traffic", 4),
        ("fraud", "fraud", 5),
    ]


def test_a_topic_is_unique_in_its_report_and_shaped_to_open_a_code(report_2021):
    section = make_section(report_2021, "traffic", heading="交通")
    section.topic = "Road Safety"
    with pytest.raises(ValidationError) as refused:
        section.full_clean()
    assert "主題代號須以小寫英文字母開頭" in str(refused.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_section(report_2021, "disputes", topic="mediation")
