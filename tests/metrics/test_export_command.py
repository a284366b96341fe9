"""`manage.py export_figures`: the CSV/JSON format analysts open in Excel, LibreOffice and pandas."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from metrics.export import EXPORT_COLUMNS, escape_formula
from metrics.models import Figure
from reports.models import Report, Section

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module")]

HEADER = (
    "report_year,agency,section,metric_code,metric_name,value,unit,qualifier,source_paragraph,source_quote,"
    "stated_value,correction,previous_value,change"
)


def export(**options) -> str:
    out = io.StringIO()
    call_command("export_figures", stdout=out, **options)
    return out.getvalue()


def test_export_figures_csv_starts_with_bom_and_exact_header(report_2021):
    text = export(year=2021)
    assert text.startswith("\ufeff" + HEADER + "\r\n")


def test_export_figures_csv_has_one_row_per_figure_in_report_order(report_2021):
    rows = list(csv.DictReader(io.StringIO(export(year=2021).removeprefix("\ufeff"))))
    expected = list(Figure.objects.for_export().filter(report=report_2021).values_list("code", flat=True))
    assert [row["metric_code"] for row in rows] == expected
    assert len(rows) == Figure.objects.filter(report=report_2021).count()


def test_export_figures_csv_round_trips_chinese_text_and_plain_numbers(report_2021):
    rows = {row["metric_code"]: row for row in csv.DictReader(io.StringIO(export(year=2021).removeprefix("\ufeff")))}
    screened = rows["mediation.disputes_screened"]
    assert screened == {
        "report_year": "2021",
        "agency": "萬州區公安局",
        "section": "mediation",
        "metric_code": "mediation.disputes_screened",
        "metric_name": Figure.objects.get(code="mediation.disputes_screened").name,
        "value": "18161",
        "unit": "起",
        "qualifier": "exact",
        "source_paragraph": "19",
        "source_quote": "排查矛盾糾紛18161起",
        "stated_value": "18161",
        "correction": "",
        "previous_value": "",
        "change": "",
    }
    assert rows["crackdown.fireworks_seized"]["value"] == "1275.5"
    assert rows["mediation.resolution_rate"]["value"] == "98.66"
    assert rows["crackdown.textile_case_wastewater_discharged"]["value"] == "80000"
    assert rows["crackdown.textile_case_wastewater_discharged"]["qualifier"] == "over"
    assert rows["mediation.special_group_households_visited"]["qualifier"] == "approx"


def test_export_figures_section_option_keeps_only_that_section(report_2021):
    rows = list(csv.DictReader(io.StringIO(export(year=2021, section="mediation").removeprefix("\ufeff"))))
    assert {row["section"] for row in rows} == {"mediation"}
    assert len(rows) == Figure.objects.filter(section__slug="mediation").count()


def test_export_figures_json_is_a_list_with_the_csv_keys_and_numeric_values(report_2021):
    data = json.loads(export(year=2021, format="json"), parse_float=Decimal)
    assert len(data) == Figure.objects.count()
    assert all(tuple(item) == EXPORT_COLUMNS for item in data)
    by_code = {item["metric_code"]: item for item in data}
    assert by_code["crackdown.fireworks_seized"]["value"] == Decimal("1275.5")
    assert by_code["mediation.disputes_screened"]["value"] == 18161
    assert by_code["mediation.disputes_screened"]["source_paragraph"] == 19


def test_export_figures_json_and_csv_carry_the_same_cells(report_2021):
    csv_rows = list(csv.DictReader(io.StringIO(export(year=2021).removeprefix("\ufeff"))))
    json_rows = json.loads(export(year=2021, format="json"))
    assert [{key: "" if value is None else str(value) for key, value in row.items()} for row in json_rows] == csv_rows
    assert all(row["previous_value"] is None and row["change"] is None for row in json_rows)


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_escape_formula_prefixes_a_quote_to_formula_triggers(prefix):
    assert escape_formula(prefix + "SUM(A1)") == "'" + prefix + "SUM(A1)"


def test_escape_formula_leaves_ordinary_text_alone():
    assert escape_formula("化解率98.66%") == "化解率98.66%"


def test_export_figures_escapes_formula_cells_in_csv_and_json(report_2021):
    figure = Figure.objects.get(code="mediation.disputes_screened")
    figure.name = '=HYPERLINK("http://example.invalid","x")'
    figure.source_quote = "-1+2"
    figure.save()
    row = next(
        r
        for r in csv.DictReader(io.StringIO(export(year=2021).removeprefix("\ufeff")))
        if r["metric_code"] == figure.code
    )
    assert row["metric_name"] == "'" + figure.name
    assert row["source_quote"] == "'-1+2"
    item = next(i for i in json.loads(export(year=2021, format="json")) if i["metric_code"] == figure.code)
    assert item["metric_name"] == "'" + figure.name


def test_export_figures_unknown_year_is_a_clear_error(report_2021):
    with pytest.raises(CommandError, match="No report for year 1999.*2021"):
        export(year=1999)


def test_export_figures_unknown_section_lists_the_real_ones(report_2021):
    with pytest.raises(CommandError, match="stability, crackdown, mediation"):
        export(year=2021, section="traffic")


def test_export_rows_escape_exactly_like_escape_formula(report_2021):
    """Every text column of an exported row goes through escape_formula."""
    from metrics.export import FORMULA_TRIGGERS, export_rows

    figures = list(Figure.objects.filter(report=report_2021).order_by("pk")[: len(FORMULA_TRIGGERS) + 1])
    names = [f"{trigger}1+1" for trigger in FORMULA_TRIGGERS] + ["化解率"]
    for figure, name in zip(figures, names, strict=True):
        Figure.objects.filter(pk=figure.pk).update(name=name)
    exported = {row[3]: row[4] for row in export_rows(Figure.objects.for_export())}
    for figure, name in zip(figures, names, strict=True):
        assert exported[figure.code] == escape_formula(name)


def test_export_figures_without_a_year_exports_every_year_in_the_web_export_order(report_2021, client, make_user):
    earlier = Report.objects.create(year=2019, title="2019年工作綜述", agency="萬州區公安局", source_name="2019.txt")
    section = Section.objects.create(
        report=earlier, slug="mediation", topic="mediation", position=1, heading="測試", source_paragraph=1
    )
    Figure.objects.create(
        report=earlier,
        section=section,
        code="mediation.synthetic_1",
        name="較早年度",
        theme="測試",
        value=Decimal(7),
        unit_id="起",
        source_paragraph=1,
        source_quote="7起",
        position=1,
    )
    text = export()
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert len(rows) == Figure.objects.count() == 55
    assert rows[0]["report_year"] == "2019" and {row["report_year"] for row in rows[1:]} == {"2021"}
    client.force_login(make_user("analyst"))
    web = b"".join(client.get(reverse("metrics:explorer"), {"_export": "csv"}).streaming_content)
    assert text.encode("utf-8") == web


def test_export_figures_section_without_a_year_keeps_that_section_of_every_year(report_2021):
    rows = list(csv.DictReader(io.StringIO(export(section="crackdown").removeprefix("\ufeff"))))
    assert {row["section"] for row in rows} == {"crackdown"}
    assert len(rows) == Figure.objects.filter(section__slug="crackdown").count()


def test_export_figures_unknown_section_without_a_year_lists_the_known_ones(report_2021):
    with pytest.raises(CommandError, match="No section 'traffic'. Sections: stability, crackdown, mediation"):
        export(section="traffic")
