"""Exports in each language: the same columns and codes, names and units in the page's language."""

import csv
import io
from datetime import UTC, datetime

import openpyxl
import pytest
from django.core.management import call_command

from metrics.export import EXPORT_COLUMNS, export_filename

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module")]


def download(client, url: str, params: dict):
    response = client.get(url, params)
    assert response.status_code == 200
    body = response.getvalue() if hasattr(response, "getvalue") else b"".join(response.streaming_content)
    return response, body


def rows(body: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def by_code(body: bytes) -> dict[str, dict]:
    return {row["metric_code"]: row for row in rows(body)}


def test_english_csv_has_the_same_columns_with_english_names_and_units(report_2021, analyst_client):
    params = {"year": "2021", "section": "mediation", "_export": "csv"}
    response, english = download(analyst_client, "/en/metrics/", params)
    _, traditional = download(analyst_client, "/metrics/", params)
    assert english.decode("utf-8-sig").splitlines()[0].split(",") == list(EXPORT_COLUMNS)
    assert [row["metric_code"] for row in rows(english)] == [row["metric_code"] for row in rows(traditional)]
    households = by_code(english)["mediation.special_group_households_visited"]
    assert households["metric_name"] == "Households of special groups visited"
    assert households["unit"] == "households"
    assert households["qualifier"] == "approx"
    assert households["agency"] == "Wanzhou District Public Security Bureau"
    assert (
        households["source_quote"] == by_code(traditional)["mediation.special_group_households_visited"]["source_quote"]
    )
    assert response["Content-Disposition"].endswith("-en.csv")


def test_simplified_csv_converts_names_and_units(report_2021, analyst_client):
    response, body = download(analyst_client, "/zh-hans/metrics/", {"year": "2021", "_export": "csv"})
    row = by_code(body)["crackdown.textile_case_wastewater_discharged"]
    assert row["metric_name"] == "直排长江的超标废水"
    assert row["unit"] == "吨"
    assert "噸" in row["source_quote"]  # the verbatim clause stays Traditional
    assert "-zh-hans.csv" in response["Content-Disposition"]


def test_english_xlsx_states_its_language(report_2021, analyst_client):
    response, body = download(analyst_client, "/en/metrics/", {"year": "2021", "_export": "xlsx"})
    workbook = openpyxl.load_workbook(io.BytesIO(body))
    data, about = workbook.worksheets
    assert [cell.value for cell in data[1]] == list(EXPORT_COLUMNS)
    items = {row[0]: row[1] for row in about.iter_rows(min_row=2, values_only=True)}
    assert items["Language"] == "English"
    assert items["Source"] == "Wanzhou District Public Security Bureau, \u201c2021 Work Review\u201d"
    assert "-en.xlsx" in response["Content-Disposition"]


def test_export_filename_names_the_language_except_traditional():
    at = datetime(2022, 1, 1, 12, tzinfo=UTC)
    assert export_filename(years=[2021], export_format="csv", exported_at=at) == "wanzhou-figures-2021-20220101.csv"
    assert (
        export_filename(years=[2021], export_format="csv", exported_at=at, language="en")
        == "wanzhou-figures-2021-20220101-en.csv"
    )


def test_export_figures_command_takes_a_language(report_2021):
    out = io.StringIO()
    call_command("export_figures", "--year", "2021", "--section", "crackdown", "--language", "en", stdout=out)
    row = by_code(out.getvalue().encode("utf-8"))["crackdown.gambling_funds_frozen"]
    assert (row["metric_name"], row["value"], row["unit"]) == ("Funds frozen", "790", "10,000 yuan")
