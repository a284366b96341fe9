"""A report of any shape, made in the admin: five sections of its own, units no earlier report used.

An editor adds the units 宗 and 公斤 on the unit form, creates a 2022 report on the report form
with five sections in its inline (one of them ``disputes``, linked to 2021's ``mediation`` by its
topic), adds figures on a section's change form and on the figure form, and publishes the report
with the list action, each posted as a browser posts it. Then the overview, each section page, the
explorer and its export, the chart and series CSVs, the metric page and the English pages show the
new report, and the figures 2021 also states show their change from 2021.

Section charts are drawn from the specs of a topic (``metrics.charts.specs``): the ``disputes``
section gets ``mediation``'s with 2021 beside 2022; a topic without specs gets one chart per unit
its figures use (a single figure is a number tile), with its CSV.
"""

import csv
import io
import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from metrics.choices import UnitKind
from metrics.models import Figure, Unit
from reports.models import Report, Section
from tests.admin_forms import admin_form_data, change_url, form_data
from tests.factories import search_index_caught_up

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module", "second_approval_off")]

#: The units the editor adds: the unit form's fields as posted.
UNITS = [
    {
        "code": "宗",
        "kind": UnitKind.COUNT,
        "name_en": "cases",
        "english_one": "case",
        "english_many": "cases",
        "change_reason": "2022年報告新單位",
    },
    {
        "code": "公斤",
        "kind": UnitKind.WEIGHT,
        "fractional": "on",
        "name_en": "kilograms",
        "english_one": "kilogram",
        "english_many": "kilograms",
        "change_reason": "2022年報告新單位",
    },
]

#: The five sections of the 2022 report, in order: (slug, topic, heading, English heading).
SECTIONS = [
    ("disputes", "mediation", "化解矛盾糾紛", "Resolving disputes"),
    ("traffic", "traffic", "道路交通安全", "Road safety"),
    ("fraud", "fraud", "打擊電信網絡詐騙", "Fighting telecom fraud"),
    ("drugs", "drugs", "禁毒工作", "Drug control"),
    ("border-checks", "border", "公安檢查站", "Checkpoints"),
]

#: Figures added on each section's change form: slug → [(code, name, value, unit, quote)].
INLINE_FIGURES = {
    "disputes": [
        ("mediation.disputes_screened", "排查矛盾糾紛", "20000", "起", "排查矛盾糾紛20000起"),
        ("mediation.disputes_resolved", "化解矛盾糾紛", "19726", "起", "化解矛盾糾紛19726起"),
    ],
    "traffic": [("traffic.accidents_handled", "處理交通事故", "1200", "起", "處理交通事故1200起")],
    "fraud": [("fraud.cases_solved", "破獲電信詐騙案件", "326", "宗", "破獲電信詐騙案件326宗")],
    "border-checks": [("border.people_checked", "查驗人員", "85000", "人", "查驗人員85000人")],
}

#: The figure added on the figure form, with its English name: a fraction in the new weight unit.
DRUGS_SEIZED = {
    "code": "drugs.seized",
    "name": "繳獲毒品",
    "name_en": "Drugs seized",
    "theme": "禁毒",
    "value": "2.5",
    "unit": "公斤",
    "qualifier": "exact",
    "source_paragraph": "9",
    "source_quote": "繳獲毒品2.5公斤",
    "position": "1",
    "change_reason": "錄入2022年報告",
}

RESOLVED = "mediation.disputes_resolved"  # 17918 起 in 2021, 19726 起 in 2022


def inline_formset(response, model):
    return next(inline.formset for inline in response.context["inline_admin_formsets"] if inline.formset.model is model)


def with_new_rows(response, model, rows: list[dict]) -> dict:
    """The page's form data with ``rows`` (field → value) added to ``model``'s inline as the admin's
    "add another" does: each a copy of the formset's empty form, numbered on from the rows shown."""
    formset = inline_formset(response, model)
    data = admin_form_data(response)
    empty = form_data(formset.empty_form)
    for index, row in enumerate(rows, start=len(formset.forms)):
        new = empty | {formset.empty_form.add_prefix(name): value for name, value in row.items()}
        data |= {name.replace("__prefix__", str(index)): value for name, value in new.items()}
    data[f"{formset.prefix}-TOTAL_FORMS"] = str(len(formset.forms) + len(rows))
    return data


def saved(response) -> None:
    """The admin saved the form: it redirects; otherwise the errors it shows fail the test."""
    if response.status_code != 302:
        context = response.context or {}
        errors = [context["adminform"].form.errors] if "adminform" in context else []
        errors += [
            (inline.formset.errors, inline.formset.non_form_errors())
            for inline in context.get("inline_admin_formsets") or []
        ]
        pytest.fail(f"not saved ({response.status_code}): {errors}")


def client_as(make_user, role: str) -> Client:
    client = Client()
    client.force_login(make_user(role, username=f"{role}-of-2022"))
    return client


@pytest.fixture
def draft_2022(editor_client) -> Report:
    """The 2022 report as an editor enters it in the admin, not yet published."""
    for fields in UNITS:
        saved(editor_client.post(reverse("admin:metrics_unit_add"), fields))

    add_report = reverse("admin:reports_report_add")
    page = editor_client.get(add_report)
    data = with_new_rows(
        page,
        Section,
        [
            {
                "position": str(position),
                "slug": slug,
                "topic": topic,
                "heading": heading,
                "heading_en": heading_en,
                "source_paragraph": str(position + 1),
            }
            for position, (slug, topic, heading, heading_en) in enumerate(SECTIONS, start=1)
        ],
    )
    data |= {"year": "2022", "title": "2022年工作綜述（測試數據）", "agency": "萬州區公安局"}
    data.pop("published", None)  # a draft until the editor publishes it
    saved(editor_client.post(add_report, data))
    report = Report.objects.get(year=2022)
    assert not report.published

    for slug, figures in INLINE_FIGURES.items():
        section = report.sections.get(slug=slug)
        page = editor_client.get(change_url(section))
        rows = [
            {
                "position": str(index),
                "code": code,
                "name": name,
                "theme": "測試",
                "value": value,
                "unit": unit,
                "qualifier": "exact",
                "source_paragraph": str(section.source_paragraph),
                "source_quote": quote,
            }
            for index, (code, name, value, unit, quote) in enumerate(figures, start=1)
        ]
        saved(editor_client.post(change_url(section), with_new_rows(page, Figure, rows)))

    add_figure = reverse("admin:metrics_figure_add")
    data = form_data(editor_client.get(add_figure).context["adminform"].form)
    drugs = report.sections.get(slug="drugs")
    saved(editor_client.post(add_figure, data | DRUGS_SEIZED | {"report": report.pk, "section": drugs.pk}))
    return report


@pytest.fixture
def report_2022(editor_client, draft_2022) -> Report:
    """The 2022 report published with the report list's action, once its English text and summaries are written.

    The action first refuses it: the publish checklist (``metrics.publication``) asks for that text.
    """
    report = draft_2022
    changelist = reverse("admin:reports_report_changelist")
    action = {"action": "publish", "_selected_action": [report.pk], "index": "0"}
    refused = editor_client.post(changelist, action, follow=True).content.decode()
    assert "以下報告的發布檢查尚未完成，沒有發布：" in refused
    Report.objects.filter(pk=report.pk).update(
        title_en="2022 Work Review (test data)", agency_en="Wanzhou PSB", summary="測試概述", summary_en="Test summary"
    )
    Section.objects.filter(report=report).update(summary="測試摘要", summary_en="Test summary")
    for figure in Figure.objects.filter(report=report, name_en=""):
        Figure.objects.filter(pk=figure.pk).update(name_en=f"Figure {figure.code}")
    Figure.objects.filter(report=report).update(theme_en="Test")
    response = editor_client.post(changelist, action)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.published
    return report


@pytest.fixture
def viewer(make_user) -> Client:
    return client_as(make_user, "viewer")


@pytest.fixture
def analyst(make_user) -> Client:
    return client_as(make_user, "analyst")


def test_admin_made_report_holds_the_sections_units_and_figures_as_entered(report_2022):
    assert list(report_2022.sections.values_list("slug", "topic", "heading", "heading_en", "position")) == [
        (slug, topic, heading, heading_en, position)
        for position, (slug, topic, heading, heading_en) in enumerate(SECTIONS, start=1)
    ]
    figures = Figure.objects.filter(report=report_2022).order_by("section__position", "position")
    assert [(f.section.slug, f.code, str(f.value), f.unit_id, f.decimals) for f in figures] == [
        ("disputes", "mediation.disputes_screened", "20000.00", "起", 0),
        ("disputes", RESOLVED, "19726.00", "起", 0),
        ("traffic", "traffic.accidents_handled", "1200.00", "起", 0),
        ("fraud", "fraud.cases_solved", "326.00", "宗", 0),
        ("drugs", "drugs.seized", "2.50", "公斤", 1),
        ("border-checks", "border.people_checked", "85000.00", "人", 0),
    ]
    assert {f.history.get().history_user.username for f in figures} == {"editor-user"}
    units = Unit.objects.filter(code__in=["宗", "公斤"]).order_by("code")
    assert list(units.values_list("code", "simplified", "kind", "fractional", "name_en", "english_many")) == [
        ("公斤", "公斤", UnitKind.WEIGHT, True, "kilograms", "kilograms"),
        ("宗", "宗", UnitKind.COUNT, False, "cases", "cases"),
    ]


def test_draft_is_hidden_until_published(draft_2022, make_user):
    viewer = client_as(make_user, "viewer")
    assert viewer.get("/reports/2022/").status_code == 404
    assert viewer.get("/reports/2022/fraud/").status_code == 404
    page = viewer.get("/metrics/", {"q": "fraud"}).content.decode()
    assert "fraud.cases_solved" not in page and '<option value="fraud">' not in page


def test_overview_lists_all_five_sections(report_2022, viewer):
    page = viewer.get("/reports/2022/").content.decode()
    for slug, _topic, heading, _english in SECTIONS:
        assert f'<a href="/reports/2022/{slug}/">{heading}</a>' in page
        assert f"閱讀「{heading}」全章" in page
    # The disputes section's first chart: its topic's, 2021's values beside.
    assert 'id="chart-disputes-disputes"' in page


def value_cell(page: str, code: str) -> str:
    """The value cell of ``code``'s row in a section's table (without last year's value and the change)."""
    row = page.split(f'<tr id="figure-{code}"')[1].split("</tr>")[0]
    return row.split('data-column="value"')[1].split(">", 1)[1].split("<")[0].strip()


#: Each figure's value as its section's table writes it.
SHOWN = {
    "mediation.disputes_screened": "2萬起",
    RESOLVED: "19,726起",
    "traffic.accidents_handled": "1,200起",
    "fraud.cases_solved": "326宗",
    "drugs.seized": "2.5公斤",
    "border.people_checked": "85,000人",
}


def test_each_section_page_shows_its_figures_in_their_units(report_2022, viewer):
    for slug, topic, heading, _english in SECTIONS:
        page = viewer.get(f"/reports/2022/{slug}/").content.decode()
        assert f"<h1>{heading}</h1>" in page
        assert f"year=2022&amp;section={topic}" in page
        codes = Figure.objects.filter(section__report=report_2022, section__slug=slug).values_list("code", flat=True)
        assert {code: value_cell(page, code) for code in codes} == {
            code: text for code, text in SHOWN.items() if code in codes
        }


def test_disputes_page_shows_2021_and_the_change_across_the_topic_link(report_2022, viewer):
    page = viewer.get("/reports/2022/disputes/").content.decode()
    row = page.split(f'id="figure-{RESOLVED}"')[1].split("</tr>")[0]
    assert "19,726起" in row and "2021 年：17,918起" in row and "▲ +1808起（+10.1%）" in row
    row = page.split('id="figure-mediation.disputes_screened"')[1].split("</tr>")[0]
    assert "2021 年：18,161起" in row and "▲ +1839起（+10.1%）" in row
    # The topic's chart, named by this year's slug, draws 2021's values beside 2022's.
    payload = re.search(r'<script id="chart-disputes-disputes-data" type="application/json">(.*?)</script>', page)
    last, this = json.loads(payload.group(1))["data"]
    assert (last["name"], last["text"]) == ("2021 年", ["18,161起", "17,918起"])
    assert (this["name"], this["text"]) == ("2022 年", ["2萬起", "19,726起"])
    response = viewer.get("/reports/2022/disputes/charts/disputes.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [(row[3], row[5], row[6], row[12], row[13]) for row in rows[1:3]] == [
        ("mediation.disputes_screened", "20000", "起", "18161", "1839"),
        (RESOLVED, "19726", "起", "17918", "1808"),
    ]


def test_explorer_offers_the_topics_and_filters_by_one(report_2022, viewer):
    page = viewer.get("/metrics/").content.decode()
    select = page.split('name="section"')[1].split("</select>")[0]
    assert re.findall(r'<option value="([^"]*)"', select) == [
        "",
        "mediation",
        "traffic",
        "fraud",
        "drugs",
        "border",
        "stability",
        "crackdown",
    ]
    for _slug, topic, heading, _english in SECTIONS:
        assert f'<option value="{topic}">{heading}</option>' in select
    page = viewer.get("/metrics/", {"section": "drugs"}).content.decode()
    assert '<a href="/reports/2022/drugs/#figure-drugs.seized">' in page and "2.5公斤" in page
    assert "fraud.cases_solved" not in page and RESOLVED not in page
    search_index_caught_up()
    page = viewer.get("/metrics/", {"section": "mediation", "q": "disputes_resolved"}).content.decode()
    assert f'<a href="/reports/2021/mediation/#figure-{RESOLVED}">' in page
    assert f'<a href="/reports/2022/disputes/#figure-{RESOLVED}">' in page


def export_rows(client, path: str, **query) -> list[list[str]]:
    response = client.get(path, {**query, "_export": "csv"})
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_explorer_export_holds_the_new_units_rows_with_their_units(report_2022, analyst):
    rows = export_rows(analyst, "/metrics/", year="2022")
    by_code = {row[3]: row for row in rows[1:] if len(row) > 3 and row[0] == "2022"}
    assert len(by_code) == 6
    assert (by_code["fraud.cases_solved"][5], by_code["fraud.cases_solved"][6]) == ("326", "宗")
    assert (by_code["drugs.seized"][5], by_code["drugs.seized"][6]) == ("2.5", "公斤")
    assert by_code["border.people_checked"][2] == "border-checks"  # the section as the report names it: its slug
    assert (by_code[RESOLVED][12], by_code[RESOLVED][13]) == ("17918", "1808")
    english = {row[3]: row for row in export_rows(analyst, "/en/metrics/", year="2022")[1:] if len(row) > 3}
    assert (english["fraud.cases_solved"][6], english["drugs.seized"][6]) == ("cases", "kilograms")
    assert english["drugs.seized"][4] == "Drugs seized"


def test_metric_page_shows_both_years_across_the_topic_link(report_2022, viewer):
    page = viewer.get(f"/metrics/{RESOLVED}/").content.decode()
    earlier = page.split('id="year-2021"')[1].split("</tr>")[0]
    later = page.split('id="year-2022"')[1].split("</tr>")[0]
    assert f"/reports/2021/mediation/#figure-{RESOLVED}" in earlier and "17,918起" in earlier
    assert f"/reports/2022/disputes/#figure-{RESOLVED}" in later and "19,726起" in later
    assert "▲ +1808起（+10.1%）" in later
    payload = re.search(r'<script id="chart-series-data" type="application/json">(.*?)</script>', page)
    (bars,) = json.loads(payload.group(1))["data"]
    assert (bars["x"], bars["text"]) == (["2021", "2022"], ["17,918起", "19,726起"])
    rows = list(
        csv.reader(io.StringIO(b"".join(viewer.get(f"/metrics/{RESOLVED}/csv/").streaming_content).decode("utf-8-sig")))
    )
    assert [(row[0], row[2], row[5], row[6]) for row in rows[1:]] == [
        ("2021", "mediation", "17918", "起"),
        ("2022", "disputes", "19726", "起"),
    ]
    page = viewer.get("/metrics/drugs.seized/").content.decode()
    assert 'id="year-2022"' in page and "2.5公斤" in page and 'id="year-2021"' not in page


def test_english_pages_write_the_units_english_forms(report_2022, viewer):
    page = viewer.get("/en/reports/2022/fraud/").content.decode()
    assert "<h1>Fighting telecom fraud</h1>" in page
    assert "326 cases" in page.split('id="figure-fraud.cases_solved"')[1].split("</tr>")[0]
    page = viewer.get("/en/reports/2022/drugs/").content.decode()
    assert "2.5 kilograms" in page.split('id="figure-drugs.seized"')[1].split("</tr>")[0]
    assert "Drugs seized" in page
    page = viewer.get("/en/metrics/").content.decode()
    assert '<option value="mediation">Resolving disputes</option>' in page
    page = viewer.get("/en/metrics/drugs.seized/").content.decode()
    assert "2.5 kilograms" in page.split('id="year-2022"')[1].split("</tr>")[0]


def test_sections_of_new_topics_get_a_chart_per_unit_with_its_csv(report_2022, viewer):
    for slug, code, unit in (("traffic", "traffic.accidents_handled", "起"), ("fraud", "fraud.cases_solved", "宗")):
        page = viewer.get(f"/reports/2022/{slug}/").content.decode()
        assert f'id="chart-{slug}-unit-1-title"' in page
        assert f"本章數據（{unit}）" in page
        response = viewer.get(f"/reports/2022/{slug}/charts/unit-1.csv")
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
        assert [(row[3], row[6]) for row in rows[1:2]] == [(code, unit)]
    assert viewer.get("/reports/2022/traffic/charts/unit-2.csv").status_code == 404
    english = viewer.get("/en/reports/2022/fraud/").content.decode()
    assert "This section&#x27;s figures (cases)" in english or "This section's figures (cases)" in english
