"""Exports from the explorer (?_export=csv|xlsx|json): format, filters, sort, permission, streaming."""

import io
import json
import tracemalloc
from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import unquote

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from metrics.choices import Unit
from metrics.export import EXPORT_COLUMNS, EXPORT_TIMEZONE, export_filename
from metrics.models import Figure
from reports.models import Report, Section
from tests.factories import search_index_caught_up

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module")]

EXPLORER = reverse("metrics:explorer")
BOM = "\ufeff".encode()
HEADER = (
    b"report_year,agency,section,metric_code,metric_name,value,unit,qualifier,source_paragraph,source_quote,"
    b"stated_value,correction,previous_value,change\r\n"
)


def command_output(*args: str) -> bytes:
    """What `python manage.py export_figures <args>` writes, as the UTF-8 bytes it puts in a file."""
    out = io.StringIO()
    call_command("export_figures", *args, stdout=out)
    return out.getvalue().encode("utf-8")


def download(client, params: dict) -> bytes:
    response = client.get(EXPLORER, params)
    assert response.status_code == 200, response.content[:500]
    return b"".join(response.streaming_content)


def make_section(year: int) -> Section:
    report = Report.objects.create(
        year=year, title=f"{year}年工作綜述", agency="萬州區公安局", source_name=f"wanzhou-{year}.txt"
    )
    return Section.objects.create(
        report=report, slug="mediation", topic="mediation", position=1, heading="測試章節", source_paragraph=1
    )


def add_figure(section: Section, code: str, name: str, value: str, position: int = 1, unit: str = Unit.QI) -> Figure:
    return Figure.objects.create(
        report=section.report,
        section=section,
        code=code,
        name=name,
        theme="測試",
        value=Decimal(value),
        unit_id=unit,
        source_paragraph=3,
        source_quote=f"{name}{value}",
        position=position,
    )


def test_csv_export_of_a_section_is_byte_for_byte_the_command_output(report_2021, analyst_client):
    body = download(analyst_client, {"year": "2021", "section": "mediation", "_export": "csv"})
    assert body == command_output("--year", "2021", "--section", "mediation")
    assert body.startswith(BOM + HEADER)
    assert body.count(b"\r\n") == 1 + 17


def test_csv_export_of_a_year_is_byte_for_byte_the_command_output(report_2021, analyst_client):
    body = download(analyst_client, {"year": "2021", "_export": "csv"})
    assert body == command_output("--year", "2021")
    assert body.count(b"\r\n") == 1 + 54


def test_csv_export_has_every_filtered_row_not_just_the_page(report_2021, analyst_client):
    body = download(analyst_client, {"kind": "counts", "per_page": "25", "page": "2", "_export": "csv"})
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0] == HEADER.decode().strip()
    assert len(lines) == 1 + 47
    assert not any(",%," in line for line in lines)


def test_csv_export_follows_the_sort(report_2021, analyst_client):
    body = download(analyst_client, {"section": "mediation", "kind": "rates", "sort": "-value", "_export": "csv"})
    rows = body.decode("utf-8-sig").splitlines()[1:]
    assert [row.split(",")[5] for row in rows] == ["100", "99.12", "98.66", "91.59", "90.98", "87.75"]


def test_json_export_is_the_command_output_and_parses(report_2021, analyst_client):
    body = download(analyst_client, {"year": "2021", "section": "mediation", "_export": "json"})
    assert body == command_output("--year", "2021", "--section", "mediation", "--format", "json")
    rows = json.loads(body, parse_float=Decimal)
    assert len(rows) == 17
    assert list(rows[0]) == list(EXPORT_COLUMNS)
    rate = next(row for row in rows if row["metric_code"] == "mediation.resolution_rate")
    assert rate["value"] == Decimal("98.66")
    assert rate["report_year"] == 2021 and isinstance(rate["source_paragraph"], int)
    # An empty text is null, not "": no correction, and no previous value in the first report.
    assert rate["correction"] is None and rate["previous_value"] is None


def test_json_export_respects_the_search(report_2021, analyst_client):
    rows = json.loads(download(analyst_client, {"q": "化解", "kind": "rates", "_export": "json"}))
    # The search reads the name, the theme and the clause: the return-visit rate's theme is 矛盾糾紛排查化解.
    assert {row["metric_code"] for row in rows} == {
        "mediation.return_visit_rate",
        "mediation.resolution_rate",
        "mediation.general_category_resolution_rate",
        "mediation.attention_category_resolution_rate",
        "mediation.key_category_resolution_rate",
        "mediation.lawyer_resolution_rate",
    }


def read_xlsx(body: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(body))


def test_xlsx_export_has_numbers_as_numbers_and_a_frozen_header(report_2021, analyst_client):
    workbook = read_xlsx(download(analyst_client, {"year": "2021", "section": "mediation", "_export": "xlsx"}))
    data = workbook.worksheets[0]
    assert data.freeze_panes == "A2"
    rows = list(data.iter_rows(values_only=True))
    assert rows[0] == EXPORT_COLUMNS
    assert len(rows) == 1 + 17
    by_code = {row[3]: row for row in rows[1:]}
    year, agency, section, code, name, value, unit, qualifier, paragraph, quote, *_stated = by_code[
        "mediation.resolution_rate"
    ]
    assert (year, agency, section, name, unit) == (2021, "萬州區公安局", "mediation", "矛盾糾紛化解率", "%")
    assert isinstance(value, float) and value == pytest.approx(98.66)
    assert isinstance(paragraph, int)
    assert by_code["mediation.disputes_screened"][5] == 18161
    assert data.cell(row=2, column=6).data_type == "n"


def test_xlsx_export_cites_the_source_and_the_filters(report_2021, analyst_client):
    before = timezone.now().astimezone(EXPORT_TIMEZONE)
    workbook = read_xlsx(
        download(
            analyst_client, {"year": "2021", "section": "mediation", "q": "化解", "sort": "-value", "_export": "xlsx"}
        )
    )
    after = timezone.now().astimezone(EXPORT_TIMEZONE)
    about = "\n".join(
        " ".join(str(cell) for cell in row if cell is not None)
        for row in workbook.worksheets[1].iter_rows(values_only=True)
    )
    assert "萬州區公安局" in about
    assert "2021年工作綜述" in about
    assert report_2021.source_name in about
    assert "年度：2021" in about
    assert "章節：強化源頭管控 力促社會和諧穩定" in about
    assert "搜尋名稱或代碼：化解" in about
    assert "排序：數值（由大到小）" in about
    assert any(f"{moment:%Y-%m-%d %H:}" in about for moment in (before, after))
    assert "Asia/Shanghai" in about


def test_xlsx_export_without_filters_says_so(report_2021, analyst_client):
    workbook = read_xlsx(download(analyst_client, {"_export": "xlsx"}))
    assert len(list(workbook.worksheets[0].iter_rows())) == 1 + 54
    about = [row for row in workbook.worksheets[1].iter_rows(values_only=True)]
    assert ("篩選條件", "無（全部數據）") in about
    assert ("筆數", 54) in about


def test_exports_escape_formula_like_text(report_2021, analyst_client):
    section = make_section(2022)
    add_figure(section, "mediation.injected", '=HYPERLINK("http://evil.example","x")', "5")
    search_index_caught_up()
    csv_body = download(analyst_client, {"year": "2022", "_export": "csv"}).decode("utf-8-sig")
    assert '"\'=HYPERLINK(""http://evil.example"",""x"")"' in csv_body
    json_rows = json.loads(download(analyst_client, {"year": "2022", "_export": "json"}))
    assert json_rows[0]["metric_name"].startswith("'=")
    data = read_xlsx(download(analyst_client, {"year": "2022", "q": "=", "_export": "xlsx"})).worksheets
    name_cell = data[0].cell(row=2, column=5)
    assert name_cell.value.startswith("'=HYPERLINK") and name_cell.data_type == "s"
    filter_cells = [cell for row in data[1].iter_rows() for cell in row if "搜尋" in str(cell.value)]
    assert [cell.value for cell in filter_cells] == ["搜尋名稱或代碼：="]


def test_xlsx_export_drops_control_characters_it_cannot_store(report_2021, analyst_client):
    section = make_section(2022)
    add_figure(section, "mediation.control", "化解\x01數據", "5")
    data = read_xlsx(download(analyst_client, {"year": "2022", "_export": "xlsx"})).worksheets[0]
    assert data.cell(row=2, column=5).value == "化解數據"


def test_export_filename_names_the_years_and_the_shanghai_date(report_2021, analyst_client):
    make_section(2022)
    before = timezone.now().astimezone(EXPORT_TIMEZONE).strftime("%Y%m%d")
    response = analyst_client.get(EXPLORER, {"year": ["2022", "2021"], "_export": "csv"})
    after = timezone.now().astimezone(EXPORT_TIMEZONE).strftime("%Y%m%d")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    names = {f"wanzhou-figures-2021_2022-{day}.csv" for day in (before, after)}
    assert any(f"filename=\"{name}\"; filename*=UTF-8''{name}" in disposition for name in names)
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def exported_name(client, params: dict) -> str:
    """The UTF-8 file name (``filename*``) the export of ``params`` is offered under."""
    response = client.get(EXPLORER, params)
    assert response.status_code == 200
    return unquote(response["Content-Disposition"].split("filename*=UTF-8''")[1])


def today() -> str:
    return timezone.now().astimezone(EXPORT_TIMEZONE).strftime("%Y%m%d")


def test_export_filename_says_all_only_without_any_filter(report_2021, analyst_client):
    assert exported_name(analyst_client, {"_export": "xlsx"}) == f"wanzhou-figures-all-{today()}.xlsx"
    assert exported_name(analyst_client, {"sort": "-value", "per_page": "50", "_export": "csv"}) == (
        f"wanzhou-figures-all-{today()}.csv"
    )


@pytest.mark.parametrize(
    ("params", "what"),
    [
        ({"section": "mediation"}, "mediation"),
        ({"q": "化解"}, "search_化解"),
        ({"q": "化解", "kind": "rates"}, "search_化解-filtered"),
        ({"year": "2021", "section": "mediation", "q": "率"}, "2021-mediation-search_率"),
        ({"unit": "起"}, "filtered"),
        ({"value_min": "0"}, "filtered"),
        ({"q": "../a b"}, "search_a_b"),
        ({"q": "///"}, "filtered"),
    ],
)
def test_export_filename_names_the_filters(report_2021, analyst_client, params, what):
    name = exported_name(analyst_client, {**params, "_export": "json"})
    assert name == f"wanzhou-figures-{what}-{today()}.json"
    assert "all" not in name.split("-")


def test_export_filename_keeps_an_ascii_fallback_for_a_chinese_search(report_2021, analyst_client):
    disposition = analyst_client.get(EXPLORER, {"q": "化解", "_export": "csv"})["Content-Disposition"]
    assert f'filename="wanzhou-figures-search_??-{today()}.csv"' in disposition


def test_export_filename_cuts_a_long_search():
    name = export_filename(
        years=[], search="化" * 100, export_format="csv", exported_at=datetime(2021, 1, 1, tzinfo=UTC)
    )
    assert name == f"wanzhou-figures-search_{'化' * 20}-20210101.csv"


def test_export_filename_uses_the_date_in_shanghai():
    late_evening_utc = datetime(2021, 12, 31, 17, 30, tzinfo=UTC)
    assert export_filename(years=[2021], export_format="json", exported_at=late_evening_utc) == (
        "wanzhou-figures-2021-20220101.json"
    )


@pytest.mark.parametrize("export_format", ["csv", "xlsx", "json"])
def test_export_is_forbidden_without_the_export_permission(report_2021, viewer_client, export_format):
    assert viewer_client.get(EXPLORER, {"year": "2021", "_export": export_format}).status_code == 403


def test_viewers_see_no_export_links_and_analysts_do(report_2021, viewer_client, client, make_user):
    section_url = reverse("metrics:section", kwargs={"year": 2021, "slug": "mediation"})
    for url in (EXPLORER, section_url):
        assert "_export=" not in viewer_client.get(url).content.decode()
    client.force_login(make_user("analyst", username="analyst-2"))
    explorer_page = client.get(EXPLORER, {"section": "mediation", "page": "1"}).content.decode()
    assert 'href="/metrics/?section=mediation&amp;_export=csv"' in explorer_page
    section_page = client.get(section_url).content.decode()
    for export_format in ("csv", "xlsx", "json"):
        assert f'href="/metrics/?year=2021&amp;section=mediation&amp;_export={export_format}"' in section_page


def test_unknown_export_format_is_a_400_with_a_message(report_2021, analyst_client):
    response = analyst_client.get(EXPLORER, {"year": "2021", "_export": "exe"})
    assert response.status_code == 400
    assert "沒有這種匯出格式" in response.content.decode()


def test_export_with_invalid_filters_is_a_400_not_an_unfiltered_export(report_2021, analyst_client):
    response = analyst_client.get(EXPLORER, {"value_min": "100", "value_max": "1", "_export": "csv"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "篩選條件有誤" in page and "數值上限不能小於下限。" in page
    assert "report_year" not in page


def traced_peak(work) -> tuple[object, int]:
    """Run ``work()`` under tracemalloc: its result and the peak bytes it allocated."""
    tracemalloc.start()
    try:
        result = work()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


def insert_synthetic_figures(section: Section, rows: int) -> None:
    """``rows`` figures numbered from 0 in ``section``: code ``mediation.synthetic_<n>``, value n/100.

    One INSERT … SELECT over a counting CTE, on SQLite and PostgreSQL alike: ``bulk_create``
    spends about 10 s of Python on 100,000 rows. Every other column is a valid figure's.
    """
    template = Figure(
        report=section.report, section=section, theme="測試", value=Decimal(0), unit_id=Unit.JIAN, source_paragraph=1
    )
    template.fill_stated_defaults()
    template.decimals = 2
    per_row = {
        "code": "%s || CAST(n AS TEXT)",
        "name": "%s || CAST(n AS TEXT)",
        "source_quote": "%s || CAST(n AS TEXT) || %s",
        "value": "n / 100.0",
        "stated_value": "n / 100.0",
        "position": "n %% 30000",
    }
    per_row_params = {"code": ["mediation.synthetic_"], "name": ["合成數據"], "source_quote": ["合成", "件"]}
    columns, expressions, params = [], [], [rows - 1]
    for field in Figure._meta.local_concrete_fields:
        value = field.get_db_prep_save(field.pre_save(template, add=True), connection)
        if field.primary_key or (value is None and field.name not in per_row):
            continue
        columns.append(connection.ops.quote_name(field.column))
        expressions.append(per_row.get(field.name, "%s"))
        params += per_row_params.get(field.name, []) if field.name in per_row else [value]
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE numbers(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM numbers WHERE n < %s) "
            f"INSERT INTO {connection.ops.quote_name(Figure._meta.db_table)} ({', '.join(columns)}) "
            f"SELECT {', '.join(expressions)} FROM numbers",
            params,
        )


@pytest.mark.slow  # 100,000 rows streamed under tracemalloc: 5-7 s
def test_csv_export_streams_100000_figures_in_flat_memory(analyst_client):
    section = make_section(2040)
    rows = 100_000
    insert_synthetic_figures(section, rows)
    assert Figure.objects.filter(section=section).count() == rows
    figure = Figure.objects.get(section=section, code="mediation.synthetic_54321")
    assert (figure.name, figure.value, figure.position) == ("合成數據54321", Decimal("543.21"), 24321)
    sample = 5_000
    _, sample_peak = traced_peak(lambda: list(Figure.objects.for_export().filter(report=section.report)[:sample]))
    holding_all = sample_peak * rows // sample

    def consume():
        response = analyst_client.get(EXPLORER, {"year": "2040", "_export": "csv"})
        assert response.streaming
        return sum(chunk.count(b"\r\n") for chunk in response.streaming_content)

    line_count, peak = traced_peak(consume)

    assert line_count == 1 + rows
    assert peak < 30_000_000, f"peak {peak / 1e6:.1f} MB"
    assert peak < holding_all / 10, f"peak {peak / 1e6:.1f} MB, holding every row {holding_all / 1e6:.0f} MB"
