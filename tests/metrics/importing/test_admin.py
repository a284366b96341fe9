"""The import page end to end as an editor, and drafts kept from viewers until published."""

import time
import tracemalloc
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from metrics.importing.forms import (
    MAX_PARAGRAPH_CHARS,
    MAX_TEXT_CHARS,
    ImportHeadingForm,
    ImportHeadingFormSet,
    ImportReportForm,
    ImportRowForm,
    ImportRowFormSet,
)
from metrics.importing.matching import MAX_PROPOSALS, MAX_SECTIONS
from metrics.models import Figure
from reports.models import Report
from tests.factories import make_figure, make_ready_draft, make_report, make_section

pytestmark = pytest.mark.django_db

URL = "/admin/metrics/figure/import/"
TEXT = "\n".join(
    [
        "2030年，某區公安局全年工作綜述。",
        "維護穩定 守護平安",
        "全年排查矛盾糾紛2000起，化解1900起，化解率95%。",
        "打擊犯罪 整治治安",
        "破獲刑事案件300件，抓獲嫌疑人近400人。",
    ]
)
HEADER = {
    "year": 2030,
    "agency": "萬州區公安局",
    "title": "2030年工作綜述（測試數據）",
    "source_name": "t.txt",
    "text": TEXT,
}


def rows_post(response) -> dict:
    """The review step's form as the browser would post it back, unchanged."""
    data = {}
    sections = response.context["heading_formset"]
    formset = response.context["formset"]
    for form in [response.context["form"], formset.management_form, *formset, sections.management_form, *sections]:
        for field in form:
            value = field.value()
            if field.field.__class__.__name__ == "BooleanField":
                if value:
                    data[field.html_name] = "on"
            elif value is not None:
                data[field.html_name] = value
    return data


def test_import_proposes_groups_and_creates_a_draft(editor_client):
    response = editor_client.post(URL, {**HEADER, "propose": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "維護穩定 守護平安" in page and "打擊犯罪 整治治安" in page and "第 3 段" in page
    assert response.context["formset"].total_form_count() == 5
    data = rows_post(response)
    data["rows-1-accept"] = ""  # reject 化解1900起
    data.pop("rows-1-accept")
    data["rows-4-name"] = "抓獲嫌疑人"  # edit: a name of the editor's choosing
    response = editor_client.post(URL, {**data, "create": "1"})
    report = Report.objects.get(year=2030)
    assert response.status_code == 302 and response["Location"] == f"/admin/reports/report/{report.pk}/change/"
    assert not report.published
    figures = list(Figure.objects.filter(report=report).order_by("position").select_related("section"))
    assert [(f.section.slug, f.value, f.unit_id, f.source_paragraph) for f in figures] == [
        ("part-1", 2000, "起", 3),
        ("part-1", 95, "%", 3),
        ("part-2", 300, "件", 5),
        ("part-2", 400, "人", 5),
    ]
    assert figures[3].name == "抓獲嫌疑人" and figures[3].qualifier == "approx"
    assert figures[0].source_quote == "排查矛盾糾紛2000起"
    assert [(f.stated_value, f.decimals, f.is_correction) for f in figures] == [
        (2000, 0, False),
        (95, 0, False),
        (300, 0, False),
        (400, 0, False),
    ]
    assert [section.heading for section in report.sections.order_by("position")] == [
        "維護穩定 守護平安",
        "打擊犯罪 整治治安",
    ]
    assert figures[0].history.get().history_user.username


def test_import_of_a_value_its_clause_does_not_state_creates_nothing(editor_client):
    data = rows_post(editor_client.post(URL, {**HEADER, "propose": "1"}))
    data["rows-4-qualifier"] = "exact"  # 近400人 is approximate: exact 400 is not what the clause states
    page = editor_client.post(URL, {**data, "create": "1"}).content.decode()
    assert "沒有建立報告" in page and "沒有載明 400" in page
    assert not Report.objects.filter(year=2030).exists()


def test_import_with_no_text_or_a_taken_year_shows_the_errors(editor_client, report_2021):
    page = editor_client.post(URL, {**HEADER, "text": "  ", "propose": "1"}).content.decode()
    assert "請貼上報告原文或上傳文字檔。" in page
    page = editor_client.post(URL, {**HEADER, "year": 2021, "propose": "1"}).content.decode()
    assert "已有 2021 年度的報告；一年只能有一份。" in page


def test_import_with_a_duplicated_code_creates_nothing(editor_client):
    data = rows_post(editor_client.post(URL, {**HEADER, "propose": "1"}))
    data["rows-1-code"] = data["rows-0-code"]
    page = editor_client.post(URL, {**data, "create": "1"}).content.decode()
    assert "重複：每個代碼只能用一次。" in page and not Report.objects.filter(year=2030).exists()


def test_import_reads_an_uploaded_file(editor_client, tmp_path):
    upload = tmp_path / "2030.txt"
    upload.write_text(TEXT, encoding="utf-8")
    with upload.open("rb") as handle:
        response = editor_client.post(URL, {**HEADER, "text": "", "upload": handle, "propose": "1"})
    assert response.context["formset"].total_form_count() == 5


def test_import_is_refused_to_an_analyst(client, make_user):
    client.force_login(make_user("analyst"))
    assert client.get(URL).status_code in (302, 403)
    assert not Report.objects.exists()


def test_drafts_are_hidden_from_viewers_until_published(viewer_client, report_2021):
    section = make_section(make_report(2022, published=False), "mediation")
    make_figure(section, 1, code="mediation.disputes_screened", value=20000)
    for path in ("/reports/2022/", "/reports/2022/mediation/"):
        assert viewer_client.get(path).status_code == 404
    assert viewer_client.get("/").url == "/reports/2021/"
    assert "2022" not in viewer_client.get("/reports/").content.decode()
    explorer = viewer_client.get("/metrics/?q=disputes")
    assert {figure.report.year for figure in explorer.context["table"].data} == {2021}
    assert 'id="year-2022"' not in viewer_client.get("/metrics/mediation.disputes_screened/").content.decode()
    # 2021's section page ignores the draft; and the draft once published shows 2021 as last year.
    Report.objects.filter(year=2022).update(published=True)
    assert viewer_client.get("/reports/2022/mediation/").status_code == 200


@pytest.mark.usefixtures("second_approval_off")
def test_publish_action_publishes_the_draft_with_a_history_reason(editor_client, report_2021):
    draft = make_ready_draft(2022)
    response = editor_client.post(
        "/admin/reports/report/", {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    )
    assert "已發布 1 份報告。" in response.content.decode()
    draft.refresh_from_db()
    assert draft.published and draft.history.first().history_change_reason == "發布報告草稿"


def test_editor_sees_a_draft_on_the_portal(editor_client):
    make_section(make_report(2022, published=False), "mediation")
    assert editor_client.get("/reports/2022/mediation/").status_code == 200


def test_figure_list_links_editors_to_the_import(editor_client):
    assert f'href="{URL}"' in editor_client.get("/admin/metrics/figure/").content.decode()


# --- Bounds: text length, number of proposals, rows at create --------------------------------------------------


def figures_text(count: int) -> str:
    """A heading and ``count`` paragraphs stating one figure each."""
    return "\n".join(["維護穩定 守護平安", *(f"化解矛盾糾紛{number}起。" for number in range(1, count + 1))])


def padded(length: int, *, line_end: str = "\n") -> str:
    """``TEXT`` and then paragraphs without figures, ``length`` characters long with each line end counted once."""
    filler = "，".join(["加強治安巡邏"] * 20) + "。"
    lines, size = TEXT.split("\n"), len(TEXT)
    while size + 1 + len(filler) < length:
        lines.append(filler)
        size += 1 + len(filler)
    lines.append("說" * (length - size - 2) + "。")
    text = line_end.join(lines)
    assert len(text.replace(line_end, "\n")) == length
    return text


def upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/plain")


def test_import_of_a_text_stating_more_figures_than_the_limit_asks_for_parts(editor_client):
    response = editor_client.post(URL, {**HEADER, "text": figures_text(MAX_PROPOSALS + 1), "propose": "1"})
    assert response.status_code == 200 and response.context["formset"] is None
    assert "原文提出的數據超過 500 筆，是一次匯入的上限。請把原文分成幾部分" in response.content.decode()


@pytest.mark.slow
def test_import_of_300_figures_creates_them_all(editor_client):
    response = editor_client.post(URL, {**HEADER, "text": figures_text(300), "propose": "1"})
    assert response.context["formset"].total_form_count() == 300
    response = editor_client.post(URL, {**rows_post(response), "create": "1"})
    assert response.status_code == 302
    figures = Figure.objects.filter(report__year=2030)
    assert figures.count() == 300
    assert figures.get(position=300).source_quote == "化解矛盾糾紛300起"


def test_import_settings_take_every_field_of_the_largest_create():
    fields = (
        len(ImportRowForm.base_fields) * MAX_PROPOSALS
        + len(ImportReportForm.base_fields)
        + len(ImportRowFormSet().management_form.fields)
        + len(ImportHeadingForm.base_fields) * MAX_SECTIONS
        + len(ImportHeadingFormSet().management_form.fields)
        + 2  # the CSRF token and the button
    )
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS >= fields


@pytest.mark.slow
def test_import_of_the_largest_create_is_read_whole(editor_client):
    """The most rows, every field at its longest in 4-byte characters, and the longest text: no 400 from Django."""
    wide = "𠀀"
    full_lines, rest = divmod(MAX_TEXT_CHARS + 1, MAX_PARAGRAPH_CHARS + 1)
    text = "\n".join([wide * MAX_PARAGRAPH_CHARS] * full_lines + [wide * (rest - 1)])
    assert len(text) == MAX_TEXT_CHARS
    data = {**HEADER, "text": text, "create": "1", "rows-TOTAL_FORMS": MAX_PROPOSALS}
    data |= {"rows-INITIAL_FORMS": MAX_PROPOSALS, "rows-MIN_NUM_FORMS": 0, "rows-MAX_NUM_FORMS": MAX_PROPOSALS}
    # The text has no heading: one part, whose English heading is at its longest too.
    data |= {"sections-TOTAL_FORMS": 1, "sections-INITIAL_FORMS": 1, "sections-0-heading_en": wide * 200}
    for index in range(MAX_PROPOSALS):
        code = f"stability.{index:04d}".ljust(80, "x")
        data |= {
            f"rows-{index}-{field}": value
            for field, value in {
                "accept": "on",
                "slug": "part-1",
                "code": code,
                "name": wide * 100,
                "theme": wide * 50,
                "name_en": wide * 200,
                "theme_en": wide * 100,
                "headline": "on",
                "value": "99999999999999",
                "unit": "人次",
                "qualifier": "exact",
                "paragraph": str(full_lines + 1),  # the text's last paragraph
                "quote": wide * 284 + "99999999999999人次",
                "confidence": "100",
            }.items()
        }
    response = editor_client.post(URL, data)
    assert response.status_code == 302
    assert Figure.objects.filter(report__year=2030).count() == MAX_PROPOSALS


def test_import_row_formset_builds_no_more_rows_than_the_limit():
    formset = ImportRowFormSet({"rows-TOTAL_FORMS": "1000000", "rows-INITIAL_FORMS": "0"}, prefix="rows")
    assert len(formset.forms) == MAX_PROPOSALS
    assert not formset.is_valid() and "500" in str(formset.non_form_errors())


def test_import_refused_at_create_keeps_every_row_as_edited(editor_client):
    data = rows_post(editor_client.post(URL, {**HEADER, "propose": "1"}))
    data.pop("rows-1-accept")
    data["rows-4-name"] = "抓獲嫌疑人"
    make_report(2030)  # another editor imported 2030 meanwhile
    response = editor_client.post(URL, {**data, "create": "1"})
    page = response.content.decode()
    assert response.status_code == 200 and "已有 2030 年度的報告" in page
    formset = response.context["formset"]
    assert [form["accept"].value() for form in formset] == [True, False, True, True, True]
    assert formset.forms[4]["name"].value() == "抓獲嫌疑人" and 'value="抓獲嫌疑人"' in page
    assert not Figure.objects.filter(report__year=2030).exists()


@pytest.mark.parametrize(
    ("how", "line_end"),
    [("paste", "\r\n"), ("upload", "\n"), ("upload", "\r\n")],
    ids=["paste", "upload", "upload_crlf"],
)
def test_import_reads_the_longest_text_and_refuses_one_character_more(editor_client, how, line_end):
    def review(text: str):
        given = {"text": text} if how == "paste" else {"text": "", "upload": upload("t.txt", text)}
        return editor_client.post(URL, {**HEADER, **given, "propose": "1"})

    assert review(padded(MAX_TEXT_CHARS, line_end=line_end)).context["formset"].total_form_count() == 5
    response = review(padded(MAX_TEXT_CHARS + 1, line_end=line_end))
    assert response.status_code == 200 and response.context["formset"] is None
    assert "報告原文有 200,001 字，超過上限 200,000 字。請把原文分成幾部分" in response.content.decode()


def test_import_counts_the_text_at_create_as_at_review(editor_client):
    data = rows_post(editor_client.post(URL, {**HEADER, "text": padded(MAX_TEXT_CHARS), "propose": "1"}))
    # A browser posts the reviewed text back with CR LF line ends: the same text, the same count.
    as_posted = data["text"].replace("\n", "\r\n")
    response = editor_client.post(URL, {**data, "text": as_posted + "說", "create": "1"})
    assert response.status_code == 200 and "超過上限 200,000 字" in response.content.decode()
    assert response.context["formset"].total_form_count() == 5
    assert not Report.objects.filter(year=2030).exists()
    response = editor_client.post(URL, {**data, "text": as_posted, "create": "1"})
    assert response.status_code == 302 and Figure.objects.filter(report__year=2030).count() == 5


def test_import_refuses_a_paste_and_an_upload_together(editor_client):
    response = editor_client.post(URL, {**HEADER, "upload": upload("t.txt", TEXT), "propose": "1"})
    assert response.status_code == 200 and response.context["formset"] is None
    assert "請只用一種方式提供原文" in response.content.decode()


def test_import_text_drops_nul_and_control_characters():
    form = ImportReportForm(data={**HEADER, "text": "維護穩定\x00 守護平安\x0c全年排查矛盾糾紛2000起。\x1b\r\n"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["text"] == "維護穩定 守護平安\n全年排查矛盾糾紛2000起。\n"


def test_import_of_an_upload_with_control_characters_creates_the_report(editor_client):
    text = TEXT.replace("\n", "\n\x0c", 1) + "\x00"
    response = editor_client.post(URL, {**HEADER, "text": "", "upload": upload("t.txt", text), "propose": "1"})
    data = rows_post(response)
    assert "\x00" not in data["text"] and "\x0c" not in data["text"]
    # The reviewed text is posted again: the admin site answers a control character in a posted field with 400.
    assert editor_client.post(URL, {**data, "create": "1"}).status_code == 302


# --- Oversized inputs: a clear answer within seconds, in little memory ------------------------------------------


def measured(call):
    """``call()``'s result and the seconds it took, then the peak of the memory Python allocated in a second call.

    Timed untraced: tracemalloc slows a request several times over, so the traced call runs without the
    request time limit, which would otherwise stop it.
    """
    started = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    try:
        with override_settings(REQUEST_TIME_LIMIT_SECONDS=0):
            call()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, seconds, peak


@pytest.mark.parametrize(
    ("given", "answer"),
    [
        # 600 KB, under the upload's byte cap; it used to be read whole: minutes and 3.6 GB.
        (lambda: {"text": "", "upload": upload("big.txt", "維穩安保\n" + "1%\n" * 200_000)}, "有 600,005 字，超過上限"),
        (lambda: {"text": padded(MAX_TEXT_CHARS + 1)}, "有 200,001 字，超過上限"),
        (
            lambda: {"text": padded(MAX_TEXT_CHARS + 1), "create": "1", "rows-TOTAL_FORMS": 0, "rows-INITIAL_FORMS": 0},
            "有 200,001 字，超過上限",
        ),
        # 14,000 characters; it used to take 11 s and give a 6.3 MB page.
        (lambda: {"text": figures_text(2_000)}, "原文提出的數據超過 500 筆"),
        # The longest text allowed, all one line of figures: refused as a text whose line breaks were lost.
        (lambda: {"text": "1起" * (MAX_TEXT_CHARS // 2)}, "第 1 段有 200,000 字，超過每段上限 10,000 字"),
        # The longest line allowed, all one clause of figures: each used to search the line for its clause.
        (lambda: {"text": "1起" * (MAX_PARAGRAPH_CHARS // 2)}, "原文提出的數據超過 500 筆"),
    ],
    ids=[
        "upload_of_200000_lines",
        "longest_plus_one",
        "longest_plus_one_at_create",
        "2000_figures",
        "one_long_line",
        "longest_line",
    ],
)
def test_import_answers_an_oversized_input_within_seconds_in_little_memory(editor_client, given, answer):
    data = {**HEADER, "propose": "1", **given()}
    response, seconds, peak = measured(lambda: editor_client.post(URL, data))
    assert response.status_code == 200 and answer in response.content.decode()
    assert not Report.objects.filter(year=2030).exists()
    assert seconds < 5, f"{seconds:.1f} s"
    assert peak < 50 * 2**20, f"{peak / 2**20:.1f} MiB"


def test_import_of_a_paste_with_nul_is_read_without_it(editor_client):
    response = editor_client.post(URL, {**HEADER, "text": TEXT.replace("全年", "全年\x00", 1) + "\x0c", "propose": "1"})
    assert response.status_code == 200 and response.context["formset"].total_form_count() == 5
    assert "\x00" not in rows_post(response)["text"]


def test_admin_still_refuses_a_control_character_outside_the_import_text(editor_client):
    response = editor_client.post(URL, {**HEADER, "title": "標題\x00", "text": TEXT, "propose": "1"})
    assert response.status_code == 400


# --- A year carried forward: the review shows and edits what last year's figures and sections give -------------

YEAR_AFTER = (Path(__file__).parent / "texts" / "year_after.txt").read_text(encoding="utf-8")
HEADER_2022 = {**HEADER, "year": 2022, "title": "2022年工作報告（測試數據）", "text": YEAR_AFTER}


def test_import_review_shows_what_it_carries_and_the_editor_changes_it(editor_client, report_2021):
    response = editor_client.post(URL, {**HEADER_2022, "propose": "1"})
    page = response.content.decode()
    last = Figure.objects.get(report=report_2021, code="mediation.disputes_screened")
    forms = {form["code"].value(): form for form in response.context["formset"]}
    screened = forms["mediation.disputes_screened"]
    assert (screened["name_en"].value(), screened["headline"].value()) == (last.name_en, True)
    assert f'value="{last.name_en}"' in page and f'value="{last.section.heading_en}"' in page
    assert "比率連結：分子 mediation.disputes_resolved，分母 mediation.disputes_screened" in page
    assert forms["mediation.p11_1"]["name_en"].value() == "" and "新代碼：請填英文名稱" in page
    data = rows_post(response)
    index = list(forms).index("mediation.disputes_screened")
    data[f"rows-{index}-name_en"] = "Disputes found"
    data.pop(f"rows-{index}-headline")
    data["sections-2-heading_en"] = "Settling disputes early"
    assert editor_client.post(URL, {**data, "create": "1"}).status_code == 302
    new = Figure.objects.get(report__year=2022, code="mediation.disputes_screened")
    assert (new.name_en, new.headline) == ("Disputes found", False)
    assert new.section.heading_en == "Settling disputes early"
    assert Figure.objects.get(report__year=2022, code="mediation.resolution_rate").denominator_id == new.pk


def test_import_review_notes_a_rate_it_will_not_link(editor_client, report_2021):
    text = YEAR_AFTER.replace("排查矛盾糾紛20000起，", "")
    page = editor_client.post(URL, {**HEADER_2022, "text": text, "propose": "1"}).content.decode()
    assert "上一年度與它連結的「mediation.disputes_screened」這次沒有匯入，比率不連結。" in page


def test_import_review_page_costs_the_same_queries_for_any_number_of_rows(
    editor_client, report_2021, django_assert_num_queries
):
    short = YEAR_AFTER.split("\n二、")[0]
    with django_assert_num_queries(QUERIES_REVIEW):
        few = editor_client.post(URL, {**HEADER_2022, "text": short, "propose": "1"})
    with django_assert_num_queries(QUERIES_REVIEW):
        many = editor_client.post(URL, {**HEADER_2022, "propose": "1"})
    assert (few.context["formset"].total_form_count(), many.context["formset"].total_form_count()) == (6, 18)


#: The session, the user and their permissions (4), is the year taken (1), last year's figures (1), the units (1).
QUERIES_REVIEW = 7


def test_import_row_refused_at_create_shows_why_on_its_row(editor_client, report_2021):
    data = rows_post(editor_client.post(URL, {**HEADER_2022, "propose": "1"}))
    data["rows-0-value"] = "18"  # the clause states 17
    response = editor_client.post(URL, {**data, "create": "1"})
    page = response.content.decode()
    assert "沒有建立報告：1 筆數據有誤" in page and "沒有載明 18" in page
    assert response.context["formset"].forms[0].non_field_errors()
    assert not Report.objects.filter(year=2022).exists()


def test_import_heading_formset_builds_no_more_forms_than_the_sections_limit():
    formset = ImportHeadingFormSet(
        {"sections-TOTAL_FORMS": "1000000", "sections-INITIAL_FORMS": "0"}, prefix="sections"
    )
    assert len(formset.forms) == MAX_SECTIONS and not formset.is_valid()


def test_import_refuses_an_upload_with_the_reviewed_text_at_create(editor_client):
    data = rows_post(editor_client.post(URL, {**HEADER, "propose": "1"}))
    response = editor_client.post(URL, {**data, "upload": upload("t.txt", TEXT), "create": "1"})
    assert response.status_code == 200 and "請只用一種方式提供原文" in response.content.decode()
    assert not Report.objects.filter(year=2030).exists()


def test_import_refuses_headings_posted_for_another_text(editor_client):
    data = rows_post(editor_client.post(URL, {**HEADER, "propose": "1"}))
    data |= {"sections-TOTAL_FORMS": "3", "sections-INITIAL_FORMS": "3", "sections-2-heading_en": "Extra"}
    page = editor_client.post(URL, {**data, "create": "1"}).content.decode()
    assert "原文的小標題有 2 個，與審閱頁不同：請重新讀取原文。" in page
    assert not Report.objects.filter(year=2030).exists()
