"""Corrections are data: a figure published with another value than its clause states is marked as a
correction on the pages, in the explorer and in every export; a transcription fix is not a correction.
"""

import csv
import io
import json
from datetime import datetime
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from metrics.export import EXPORT_COLUMNS
from metrics.formatting import format_figure, plain_number
from metrics.models import Figure, linked_rate_errors
from metrics.text.clauses import clause_states, stated_numbers

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module")]

RESOLVED = "mediation.disputes_resolved"  # 17918 起, 化解17918起
RATE = "mediation.resolution_rate"  # 98.66 %
REASON = "依分局核對後的統計更正"
EXPLORER = "/metrics/"


@pytest.fixture
def corrected(report_2021, make_user) -> Figure:
    """化解矛盾糾紛 corrected to 17,900 and its rate to 98.56%, as one save of an editor."""
    editor = make_user("editor", username="editor-a")
    when = timezone.make_aware(datetime(2026, 11, 20, 10, 0))
    figures = list(Figure.objects.filter(code__in=[RESOLVED, RATE]).order_by("code"))
    for figure, value in zip(figures, ("17900", "98.56"), strict=True):
        figure.value, figure.correction_reason, figure.rate_check_deferred = Decimal(value), REASON, True
        figure.full_clean()
    assert linked_rate_errors(figures) == []
    for figure in figures:
        figure.stamp_correction(editor)
        figure.corrected_at = when
        figure.save()
    return Figure.objects.get(code=RESOLVED)


def test_correction_records_stated_value_reason_editor_and_time(corrected):
    assert corrected.is_correction
    assert (corrected.value, corrected.stated_value) == (Decimal("17900"), Decimal("17918"))
    assert corrected.correction_reason == REASON
    assert corrected.corrected_by.username == "editor-a"
    assert Figure.objects.corrections().count() == 2


def test_section_page_marks_the_correction_with_stated_value_date_and_reason(corrected, viewer_client):
    html = viewer_client.get("/reports/2021/mediation/").content.decode()
    assert "更正說明" in html
    assert "<strong>化解矛盾糾紛</strong>：公布 17,900起，報告原載 17,918起" in html
    assert "2026-11-20 更正" in html
    assert f"原因：{REASON}" in html
    assert "公布 98.56%，報告原載 98.66%" in html


def test_overview_marks_the_corrected_headline_card(corrected, viewer_client):
    html = viewer_client.get("/reports/2021/").content.decode()
    assert "figure-card is-correction" in html
    assert "報告原載 17,918起" in html
    assert f"原因：{REASON}" in html


def test_pages_without_corrections_show_no_correction_note(report_2021, viewer_client):
    for url in ("/reports/2021/", "/reports/2021/mediation/"):
        assert "更正說明" not in viewer_client.get(url).content.decode()


def test_explorer_filters_corrected_figures(corrected, analyst_client):
    response = analyst_client.get(EXPLORER, {"corrected": "yes"})
    assert {row.code for row in response.context["table"].data} == {RESOLVED, RATE}
    assert analyst_client.get(EXPLORER, {"corrected": "maybe"}).status_code in (200, 400)


def _download(client, params) -> bytes:
    response = client.get(EXPLORER, params)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_csv_export_appends_stated_value_and_correction(corrected, analyst_client):
    body = _download(analyst_client, {"year": "2021", "section": "mediation", "_export": "csv"})
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == list(EXPORT_COLUMNS)
    assert rows[0][10:12] == ["stated_value", "correction"]
    by_code = {row[3]: row for row in rows[1:]}
    assert by_code[RESOLVED][5] == "17900"
    assert by_code[RESOLVED][10:12] == ["17918", REASON]
    assert by_code[RATE][10:12] == ["98.66", REASON]
    assert by_code["mediation.disputes_screened"][10:12] == ["18161", ""]


def test_json_export_appends_stated_value_and_correction(corrected, analyst_client):
    rows = json.loads(_download(analyst_client, {"year": "2021", "_export": "json"}), parse_float=Decimal)
    resolved = next(row for row in rows if row["metric_code"] == RESOLVED)
    assert list(resolved)[10:12] == ["stated_value", "correction"]
    assert (resolved["value"], resolved["stated_value"], resolved["correction"]) == (17900, 17918, REASON)
    rate = next(row for row in rows if row["metric_code"] == RATE)
    assert (rate["value"], rate["stated_value"]) == (Decimal("98.56"), Decimal("98.66"))


def test_xlsx_export_appends_stated_value_and_correction(corrected, analyst_client):
    workbook = openpyxl.load_workbook(io.BytesIO(_download(analyst_client, {"year": "2021", "_export": "xlsx"})))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0][10:12] == ("stated_value", "correction")
    resolved = next(row for row in rows[1:] if row[3] == RESOLVED)
    assert (resolved[5], resolved[10], resolved[11]) == (17900, 17918, REASON)
    plain = next(row for row in rows[1:] if row[3] == "mediation.disputes_screened")
    assert plain[11] in (None, "")


def test_export_command_appends_stated_value_and_correction(corrected):
    out = io.StringIO()
    call_command("export_figures", "--year", "2021", "--section", "mediation", stdout=out)
    rows = {row["metric_code"]: row for row in csv.DictReader(io.StringIO(out.getvalue().removeprefix("\ufeff")))}
    assert (rows[RESOLVED]["value"], rows[RESOLVED]["stated_value"], rows[RESOLVED]["correction"]) == (
        "17900",
        "17918",
        REASON,
    )


def test_transcription_fix_is_not_a_correction(report_2021):
    """The clause and the stated value change together and the clause states the new value."""
    resolved = Figure.objects.get(code=RESOLVED)
    resolved.value = resolved.stated_value = Decimal("17919")
    resolved.source_quote = "化解17919起"
    resolved.rate_check_deferred = True
    resolved.full_clean()
    assert not resolved.is_correction


def test_stated_value_must_be_what_the_clause_states(report_2021):
    resolved = Figure.objects.get(code=RESOLVED)
    resolved.stated_value = resolved.value = Decimal("17919")
    resolved.rate_check_deferred = True
    with pytest.raises(ValidationError) as error:
        resolved.full_clean()
    assert error.value.message_dict["stated_value"] == [
        "原文引句「化解17918起」沒有載明 17919（確數）：引句所載的數字是 17918。"
    ]


def test_correction_without_reason_is_refused(report_2021):
    resolved = Figure.objects.get(code=RESOLVED)
    resolved.value = Decimal("17900")
    resolved.rate_check_deferred = True
    with pytest.raises(ValidationError) as error:
        resolved.full_clean()
    assert error.value.message_dict["correction_reason"] == [
        "數值 17900 與報告所載 17918 不同，這是一項更正：請填寫更正原因。"
    ]


def test_value_back_to_stated_clears_the_correction(corrected):
    corrected.value = corrected.stated_value
    corrected.save()
    stored = Figure.objects.get(code=RESOLVED)
    assert (stored.is_correction, stored.correction_reason, stored.corrected_at, stored.corrected_by) == (
        False,
        "",
        None,
        None,
    )


@pytest.mark.parametrize(
    ("clause", "value", "unit", "qualifier", "states"),
    [
        ("化解17918起", "17918", "起", "exact", True),
        ("化解17918起", "17919", "起", "exact", False),
        ("將8萬餘噸超標廢水直排長江", "80000", "噸", "over", True),
        ("將8萬餘噸超標廢水直排長江", "80000", "噸", "exact", False),
        ("凍結涉案資金790萬元", "790", "萬元", "exact", True),
        ("化解率98.66%", "98.66", "%", "exact", True),
        ("化解率98.66%", "98.66", "起", "exact", False),
    ],
)
def test_clause_states_reads_scale_unit_and_qualifier(clause, value, unit, qualifier, states):
    assert clause_states(clause, value=Decimal(value), unit=unit, qualifier=qualifier) is states


def test_stated_numbers_keep_the_places_the_clause_writes():
    assert [number.decimals for number in stated_numbers("化解率98.60%，收繳1275.5件，近9萬戶")] == [2, 1, 0]


def test_a_rate_stated_with_a_trailing_zero_keeps_it_on_pages_and_in_exports(report_2021, viewer_client):
    Figure.objects.filter(code="mediation.return_visit_rate").update(decimals=2)  # as if stated 100.00%
    assert (format_figure(Decimal("98.6"), "%", decimals=2), plain_number(Decimal("98.60"), 2)) == ("98.60%", "98.60")
    html = viewer_client.get("/reports/2021/mediation/").content.decode()
    assert "100.00%" in html
    out = io.StringIO()
    call_command("export_figures", "--year", "2021", "--section", "mediation", stdout=out)
    rows = {row["metric_code"]: row for row in csv.DictReader(io.StringIO(out.getvalue().removeprefix("\ufeff")))}
    assert (rows["mediation.return_visit_rate"]["value"], rows["mediation.return_visit_rate"]["stated_value"]) == (
        "100.00",
        "100.00",
    )
