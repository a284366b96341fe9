"""``manage.py import_report``: the admin import's pipeline from a terminal."""

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from metrics.models import Figure, Unit
from reports.models import NamedItem, NotableCase, Report, Section

pytestmark = pytest.mark.django_db

TEXTS = Path(__file__).parent / "texts"
MODELS = (Report, Section, Figure, Unit, NotableCase, NamedItem, Figure.history.model, Report.history.model)


def run(*args) -> str:
    out = StringIO()
    call_command("import_report", *map(str, args), stdout=out)
    return out.getvalue()


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.mark.parametrize(
    ("name", "year", "figures", "sections"),
    [("new_parts.txt", 2031, 5, 2), ("one_part.txt", 2032, 3, 1), ("year_after.txt", 2030, 18, 3)],
)
def test_import_report_accept_all_creates_every_proposal(name, year, figures, sections):
    output = run(TEXTS / name, "--year", year, "--title", "測試報告", "--accept-all")
    report = Report.objects.get(year=year)
    assert not report.published and report.source_name == name
    assert (report.figures.count(), report.sections.count()) == (figures, sections)
    assert "Refused" not in output and f"{figures} figures in {sections} sections" in output


def test_import_report_as_the_year_after_2021_carries_it_forward(report_2021):
    output = run(TEXTS / "year_after.txt", "--year", 2022, "--title", "2022年工作報告", "--accept-all")
    assert "Refused" not in output and "18 figures in 3 sections" in output
    assert "17 matched to last year's codes" in output
    assert "rate: linked to mediation.disputes_resolved / mediation.disputes_screened" in output
    new = Figure.objects.get(report__year=2022, code="mediation.resolution_rate")
    last = Figure.objects.get(report=report_2021, code="mediation.resolution_rate")
    assert (new.name_en, new.theme_en, new.headline) == (last.name_en, last.theme_en, True)
    assert new.numerator.code == "mediation.disputes_resolved" and new.numerator.report_id == new.report_id
    assert Section.objects.get(report__year=2022, topic="mediation").heading_en == last.section.heading_en
    unmatched = Figure.objects.get(report__year=2022, code="mediation.p11_1")
    assert unmatched.name_en == "" and "(no English name)" in output


def test_import_report_dry_run_writes_nothing(report_2021, tmp_path):
    before = counts()
    review = tmp_path / "review.json"
    output = run(
        TEXTS / "year_after.txt", "--year", 2022, "--title", "t", "--accept-all", "--dry-run", "--write-review", review
    )
    assert counts() == before and not review.exists()
    assert "would create the 2022 draft with 18 figures; nothing written" in output


def test_import_report_writes_a_review_that_replays_as_edited(report_2021, tmp_path):
    review = tmp_path / "review.json"
    run(TEXTS / "year_after.txt", "--year", 2022, "--title", "t", "--write-review", review)
    assert not Report.objects.filter(year=2022).exists()
    entries = json.loads(review.read_text(encoding="utf-8"))
    assert {"paragraph", "quote", "value", "unit", "qualifier", "change", "code", "section", "accept"} <= set(
        entries[0]
    )
    entries[17]["name_en"] = "Anti-fraud talks in communities"
    entries[0]["accept"] = False
    review.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    run(TEXTS / "year_after.txt", "--year", 2022, "--title", "t", "--review", review)
    figures = Figure.objects.filter(report__year=2022)
    assert figures.count() == 17 and not figures.filter(code="stability.permitted_event_plans").exists()
    assert figures.get(code="mediation.p11_1").name_en == "Anti-fraud talks in communities"


def test_import_report_review_in_the_extractors_shape_carries_by_code(report_2021, tmp_path):
    """An entry with only extract_figures' keys and code, section and accept takes the rest from last year."""
    out = StringIO()
    call_command("extract_figures", TEXTS / "year_after.txt", stdout=out)
    proposals = json.loads(out.getvalue())
    entries = [
        {**proposals[11], "code": "mediation.disputes_screened", "section": "mediation", "accept": True},
        {**proposals[17], "code": "mediation.anti_fraud_talks", "section": "mediation", "accept": True},
    ]
    review = tmp_path / "review.json"
    review.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    run(TEXTS / "year_after.txt", "--year", 2022, "--title", "t", "--review", review)
    screened = Figure.objects.get(report__year=2022, code="mediation.disputes_screened")
    assert screened.name_en == Figure.objects.get(report=report_2021, code=screened.code).name_en
    assert screened.headline and Figure.objects.get(report__year=2022, code="mediation.anti_fraud_talks").name_en == ""


def test_import_report_lists_refused_rows_creates_the_rest_and_fails(tmp_path):
    out = StringIO()
    call_command("extract_figures", TEXTS / "new_parts.txt", stdout=out)
    entries = [
        {**proposal, "code": f"traffic.item_{index}", "section": "part-1", "accept": True}
        for index, proposal in enumerate(json.loads(out.getvalue()))
    ]
    entries[1]["value"] = "73"  # the clause states 72
    entries[2]["code"] = "Not A Code"
    review = tmp_path / "review.json"
    review.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    out = StringIO()
    with pytest.raises(CommandError, match="2 accepted rows refused"):
        call_command(
            "import_report", TEXTS / "new_parts.txt", "--year", "2031", "--title", "t", "--review", review, stdout=out
        )
    output = out.getvalue()
    assert "Refused row 2 (paragraph 3, 清理道路安全隱患72處)" in output and "沒有載明 73" in output
    assert "Refused row 3" in output and "code: 指標代碼須為" in output
    assert Figure.objects.filter(report__year=2031).count() == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not a JSON file"),
        ('{"a": 1}', "a JSON list of proposals"),
        ('[{"paragraph": 3}]', "entry 1: missing quote, value"),
        (
            '[{"paragraph": 3, "quote": "q", "value": "1", "unit": "起", "qualifier": "exact", "code": "a.b", '
            '"section": "part-1", "accept": "yes"}]',
            "entry 1: accept has the wrong type (str)",
        ),
        (
            '[{"paragraph": 3, "quote": "q", "value": "1", "unit": "起", "qualifier": "exact", "code": "a.b", '
            '"section": "part-1", "accept": true, "colour": "red"}]',
            "entry 1: unknown colour",
        ),
        ("[" + ",".join(["{}"] * 501) + "]", "501 entries: one import takes at most 500"),
    ],
    ids=["bad_json", "not_a_list", "missing_keys", "wrong_type", "unknown_key", "too_many"],
)
def test_import_report_refuses_a_bad_review_file_clearly(tmp_path, content, message):
    review = tmp_path / "review.json"
    review.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=re.escape(message)):
        run(TEXTS / "new_parts.txt", "--year", 2031, "--title", "t", "--review", review)
    assert not Report.objects.exists()


def test_import_report_refuses_a_missing_file_a_taken_year_and_a_bad_header(report_2021, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run(tmp_path / "absent.txt", "--year", 2031, "--title", "t", "--accept-all")
    with pytest.raises(CommandError, match="已有 2021 年度的報告"):
        run(TEXTS / "new_parts.txt", "--year", 2021, "--title", "t", "--accept-all")
    with pytest.raises(CommandError, match="年度"):
        run(TEXTS / "new_parts.txt", "--year", 1800, "--title", "t", "--accept-all")
    with pytest.raises(CommandError, match="No such review file"):
        run(TEXTS / "new_parts.txt", "--year", 2031, "--title", "t", "--review", tmp_path / "absent.json")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(CommandError, match="UTF-8"):
        run(binary, "--year", 2031, "--title", "t", "--accept-all")
    assert Report.objects.count() == 1


def test_import_report_without_accepting_only_prints(tmp_path):
    output = run(TEXTS / "new_parts.txt", "--year", 2031, "--title", "t")
    assert "Nothing accepted, nothing created" in output and "[skip] paragraph 3: 查處酒後駕駛違法行為860起" in output
    assert not Report.objects.exists()
