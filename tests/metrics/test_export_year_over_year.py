"""Exports with the year before: ``previous_value`` and ``change`` appended to every row, and the
database-written cells (numbers, formula escapes) equal to what Python's helpers write."""

import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.db.models import DecimalField, Value
from django.urls import reverse

from metrics.choices import Unit
from metrics.export import EXPORT_COLUMNS, FORMULA_TRIGGERS, escape_formula, export_rows
from metrics.formatting import PlainNumber, plain_number
from metrics.models import Figure
from reports.models import Report
from tests.factories import make_figure, make_report, make_section, unit

pytestmark = pytest.mark.django_db

EXPLORER = reverse("metrics:explorer")
PREVIOUS, CHANGE = EXPORT_COLUMNS.index("previous_value"), EXPORT_COLUMNS.index("change")


@pytest.fixture
def two_years(report_2021):
    """2021 from its fixture and a 2022 test report restating two of its codes, with one new code."""
    section = make_section(make_report(2022), "mediation")
    make_figure(section, 1, code="mediation.disputes_screened", value=Decimal(20000), unit=Unit.QI)
    make_figure(section, 2, code="mediation.resolution_rate", value=Decimal("97.50"), decimals=2, unit=Unit.PERCENT)
    make_figure(section, 3, code="mediation.new_measure", value=Decimal(5), unit=Unit.QI)
    return section.report


def download(client, params: dict) -> bytes:
    response = client.get(EXPLORER, params)
    assert response.status_code == 200, response.content[:300]
    return b"".join(response.streaming_content)


def csv_rows(body: bytes) -> dict[tuple[str, str], dict]:
    rows = csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
    return {(row["report_year"], row["metric_code"]): row for row in rows}


def test_csv_export_appends_previous_value_and_change_of_the_year_before(two_years, analyst_client):
    rows = csv_rows(download(analyst_client, {"_export": "csv"}))
    screened = rows[("2022", "mediation.disputes_screened")]
    assert (screened["previous_value"], screened["change"]) == ("18161", "1839")
    rate = rows[("2022", "mediation.resolution_rate")]
    # The rate keeps its stated places (97.50), and changes in percentage points to the finer precision.
    assert (rate["value"], rate["previous_value"], rate["change"]) == ("97.50", "98.66", "-1.16")
    assert (
        rows[("2022", "mediation.new_measure")]["previous_value"],
        rows[("2022", "mediation.new_measure")]["change"],
    ) == ("", "")
    assert all(row["previous_value"] == row["change"] == "" for (year, _code), row in rows.items() if year == "2021")


def test_export_filtered_to_one_year_still_compares_with_the_year_before(two_years, analyst_client):
    rows = csv_rows(download(analyst_client, {"year": "2022", "_export": "csv"}))
    assert {year for year, _code in rows} == {"2022"}
    assert rows[("2022", "mediation.disputes_screened")]["previous_value"] == "18161"


def test_json_export_writes_previous_value_and_change_as_numbers_or_null(two_years, analyst_client):
    rows = json.loads(download(analyst_client, {"year": "2022", "_export": "json"}), parse_float=Decimal)
    by_code = {row["metric_code"]: row for row in rows}
    assert list(by_code["mediation.resolution_rate"])[-2:] == ["previous_value", "change"]
    assert (by_code["mediation.resolution_rate"]["previous_value"], by_code["mediation.resolution_rate"]["change"]) == (
        Decimal("98.66"),
        Decimal("-1.16"),
    )
    assert (
        by_code["mediation.disputes_screened"]["previous_value"],
        by_code["mediation.disputes_screened"]["change"],
    ) == (18161, 1839)
    assert (
        by_code["mediation.new_measure"]["previous_value"] is None
        and by_code["mediation.new_measure"]["change"] is None
    )


def test_xlsx_export_writes_previous_value_and_change_as_number_cells(two_years, analyst_client):
    workbook = openpyxl.load_workbook(io.BytesIO(download(analyst_client, {"year": "2022", "_export": "xlsx"})))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0] == EXPORT_COLUMNS
    by_code = {row[3]: row for row in rows[1:]}
    assert (by_code["mediation.disputes_screened"][PREVIOUS], by_code["mediation.disputes_screened"][CHANGE]) == (
        18161,
        1839,
    )
    assert by_code["mediation.resolution_rate"][CHANGE] == pytest.approx(-1.16)
    assert by_code["mediation.new_measure"][PREVIOUS] is None


def test_english_export_has_the_same_numbers_of_the_year_before(two_years, analyst_client):
    body = analyst_client.get("/en" + EXPLORER, {"year": "2022", "_export": "csv"})
    rows = csv_rows(b"".join(body.streaming_content))
    assert (
        rows[("2022", "mediation.disputes_screened")]["previous_value"],
        rows[("2022", "mediation.disputes_screened")]["change"],
    ) == ("18161", "1839")


def test_export_leaves_previous_value_empty_when_the_report_before_lacks_the_code(two_years, analyst_client):
    """2023 states a code that 2021 has and 2022 has not: the change would span two years, so there is none."""
    section = make_section(make_report(2023), "mediation")
    make_figure(section, 1, code="mediation.return_visits", value=Decimal(1200), unit=Unit.CI)
    make_figure(section, 2, code="mediation.disputes_screened", value=Decimal(19000), unit=Unit.QI)
    rows = csv_rows(download(analyst_client, {"year": "2023", "_export": "csv"}))
    assert (
        rows[("2023", "mediation.return_visits")]["previous_value"],
        rows[("2023", "mediation.return_visits")]["change"],
    ) == ("", "")
    assert (
        rows[("2023", "mediation.disputes_screened")]["previous_value"],
        rows[("2023", "mediation.disputes_screened")]["change"],
    ) == ("20000", "-1000")


@pytest.mark.parametrize(
    ("value", "decimals"),
    [
        ("0", 0),
        ("0.5", 1),
        ("0.05", 2),
        ("98.60", 2),
        ("98.66", 2),
        ("1275.5", 1),
        ("17918", 0),
        ("80000", 0),
        ("123456789012.34", 2),
    ],
)
def test_export_writes_each_number_as_plain_number_does(value, decimals):
    section = make_section(make_report(2001), "crackdown")
    make_figure(section, 1, code="crackdown.money", value=Decimal(value), decimals=decimals, unit=Unit.WAN_YUAN)
    (row,) = export_rows(Figure.objects.for_export())
    assert (
        row[EXPORT_COLUMNS.index("value")]
        == row[EXPORT_COLUMNS.index("stated_value")]
        == plain_number(Decimal(value), decimals)
    )


@pytest.mark.parametrize("trigger", FORMULA_TRIGGERS)
def test_export_escapes_every_text_column_as_escape_formula_does(trigger):
    report = make_report(2001, agency=f"{trigger}機關")
    figure = make_figure(
        make_section(report, "mediation"),
        1,
        name=f"{trigger}1+1",
        source_quote=f"{trigger}測試1起",
        value=Decimal(1),
        stated_value=Decimal(2),
        correction_reason=f"{trigger}更正",
    )
    Figure.objects.filter(pk=figure.pk).update(unit=unit(f"{trigger}起"), qualifier=f"{trigger}x")
    (row,) = export_rows(Figure.objects.for_export())
    expected = {"agency": report.agency, "metric_name": figure.name, "unit": f"{trigger}起", "qualifier": f"{trigger}x"}
    expected |= {"source_quote": figure.source_quote, "correction": figure.correction_reason}
    for column, text in expected.items():
        assert row[EXPORT_COLUMNS.index(column)] == escape_formula(text) == "'" + text


def test_export_leaves_text_without_a_trigger_as_it_is(report_2021):
    rows = list(export_rows(Figure.objects.for_export()))
    stored = Figure.objects.for_export().values_list("name", "source_quote")
    assert [(row[4], row[9]) for row in rows] == list(stored)
    assert Report.objects.get().agency == rows[0][1]


def test_plain_number_in_the_database_keeps_a_missing_number_missing(report_2021):
    texts = Figure.objects.annotate(
        text=PlainNumber(Value(None, output_field=DecimalField(max_digits=16, decimal_places=2)), "decimals")
    ).values_list("text", flat=True)
    assert set(texts) == {None}
