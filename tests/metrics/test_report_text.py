"""The report's text page, /reports/<year>/text/: numbered paragraphs, marked clauses, drafts, languages, queries."""

import re

import pytest
from django.test import Client

from metrics import selectors
from metrics.models import Figure
from reports.models import Report
from reports.services import attach_source
from tests.factories import make_figure, make_report, make_section
from tests.language_check import chinese_outside_chinese, traditional_outside_traditional

pytestmark = pytest.mark.django_db

#: Session, user, the user's and the groups' permissions; content revision for the body and the navigation.
CACHED_PAGE = 4 + 2
#: The explorer's (tests/metrics/explorer/test_views.py): linking the paragraphs adds none.
EXPLORER_QUERIES = 9


@pytest.fixture
def text_2021(report_2021, source_text_2021):
    return attach_source(report=report_2021, text=source_text_2021, origin="wanzhou-2021.txt").source


def test_report_text_marks_every_2021_clause_and_knows_the_headings(text_2021, django_assert_num_queries):
    with django_assert_num_queries(3):
        text = selectors.report_text(year=2021)
    assert [paragraph.number for paragraph in text.paragraphs] == list(range(1, 23))
    assert {p.number: p.section.slug for p in text.paragraphs if p.section} == {
        2: "stability",
        8: "crackdown",
        16: "mediation",
    }
    marked = {piece.figure.code for p in text.paragraphs for piece in p.pieces if piece.figure}
    assert marked == set(Figure.objects.filter(report__year=2021).values_list("code", flat=True))
    assert all(not paragraph.unmarked for paragraph in text.paragraphs)


def test_report_text_without_a_text_is_one_query(report_2021, django_assert_num_queries):
    with django_assert_num_queries(1):
        text = selectors.report_text(year=2021)
    assert text.source is None and text.paragraphs == []


def test_text_page_numbers_anchors_and_links_each_clause(viewer_client, text_2021):
    html = viewer_client.get("/reports/2021/text/").content.decode()
    assert re.findall(r'id="p-(\d+)"', html) == [str(n) for n in range(1, 23)]
    assert '<h2 class="text-heading" id="p-16">' in html
    assert '<a class="paragraph-number" href="#p-19">第 19 段</a>' in html
    assert (
        '<mark><a href="/metrics/mediation.disputes_screened/" title="排查矛盾糾紛">排查矛盾糾紛18161起</a></mark>'
        in html
    )
    assert html.count("<mark>") == 54
    assert '<p lang="zh-Hant">' in html and "簡體轉換" not in html
    assert '<a href="#p-2">嚴防死守安全底線 防控能力穩固提升</a>' in html  # the table of contents


def test_text_page_in_simplified_adds_a_marked_simplified_rendering(viewer_client, text_2021):
    html = viewer_client.get("/zh-hans/reports/2021/text/").content.decode()
    paragraph = html[html.index('id="p-19"') :]
    paragraph = paragraph[: paragraph.index("</div>")]
    assert '<p lang="zh-Hant">' in paragraph and "排查矛盾糾紛18161起" in paragraph
    assert '<span lang="zh-Hans">' in paragraph and "<mark>排查矛盾纠纷18161起</mark>" in paragraph
    assert 'class="text-simplified-label"' in paragraph


def test_text_page_in_english_keeps_the_text_in_its_script(viewer_client, text_2021):
    html = viewer_client.get("/en/reports/2021/text/").content.decode()
    assert '<p lang="zh-Hant">' in html and "排查矛盾糾紛18161起" in html
    assert 'href="/en/metrics/mediation.disputes_screened/"' in html


def test_text_page_runs_the_same_queries_cold_and_cached(viewer_client, text_2021, django_assert_num_queries):
    with django_assert_num_queries(CACHED_PAGE + 3 + 2):
        assert viewer_client.get("/reports/2021/text/").status_code == 200
    with django_assert_num_queries(CACHED_PAGE):
        assert viewer_client.get("/reports/2021/text/").status_code == 200


def client_for(make_user, role: str) -> Client:
    client = Client()
    client.force_login(make_user(role))
    return client


def test_text_page_without_a_text_is_a_404_that_says_so(make_user, report_2021):
    response = client_for(make_user, "viewer").get("/reports/2021/text/")
    assert response.status_code == 404
    assert "2021 年度報告尚未附上原文。" in response.content.decode()
    assert "/admin/reports/report/" not in response.content.decode()
    response = client_for(make_user, "editor").get("/reports/2021/text/")
    assert f'href="/admin/reports/report/{report_2021.pk}/change/"' in response.content.decode()


def test_text_page_of_a_draft_is_for_editors_only(make_user, report_2021):
    viewer_client, editor_client = client_for(make_user, "viewer"), client_for(make_user, "editor")
    draft = make_report(2030, published=False)
    make_section(draft, source_paragraph=1)
    attach_source(report=draft, text="草稿原文", origin="draft.txt")
    response = viewer_client.get("/reports/2030/text/")
    assert response.status_code == 404 and "草稿原文" not in response.content.decode()
    assert editor_client.get("/reports/2030/text/").status_code == 200


def test_text_page_escapes_the_text_and_the_clauses(viewer_client):
    report = make_report(2030)
    section = make_section(report, source_paragraph=1, heading="<b>標題</b>")
    make_figure(section, source_paragraph=2, source_quote="<i>測試1起</i>", name="<u>名</u>")
    attach_source(report=report, text="<b>標題</b>\n前<script>x</script><i>測試1起</i>後", origin="x.txt")
    html = viewer_client.get("/reports/2030/text/").content.decode()
    assert "<script>x" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert 'title="&lt;u&gt;名&lt;/u&gt;">&lt;i&gt;測試1起&lt;/i&gt;</a></mark>' in html
    assert "<b>標題" not in html


def test_unknown_year_text_is_the_portal_404(viewer_client, report_2021):
    response = viewer_client.get("/reports/1999/text/")
    assert response.status_code == 404 and "找不到頁面" in response.content.decode()
    assert Report.objects.count() == 1


PAGES_WITH_PARAGRAPHS = [
    "/reports/2021/",
    "/reports/2021/mediation/",
    "/reports/2021/crackdown/",
    "/metrics/mediation.disputes_screened/",
    "/metrics/?section=mediation",
]


@pytest.mark.parametrize("path", PAGES_WITH_PARAGRAPHS)
def test_every_paragraph_number_links_to_the_text_when_it_is_attached(viewer_client, text_2021, path):
    html = viewer_client.get(path).content.decode()
    linked = re.findall(r'<a[^>]* href="/reports/2021/text/#p-(\d+)"[^>]*>(?:出處：)?(?:原文)?第 (\d+) 段</a>', html)
    assert linked and all(anchor == number for anchor, number in linked)
    # Left as text: a chart's source line (its rows link each paragraph) and the chart data for the script.
    rest = re.sub(r'class="chart-source">[^<]*|<script[^>]*>[^<]*</script>|<a [^>]*>[^<]*段</a>', "", html)
    assert not re.search(r"第 \d+ 段", rest), path


@pytest.mark.parametrize("path", PAGES_WITH_PARAGRAPHS)
def test_paragraph_numbers_are_not_text_links_without_a_text(viewer_client, report_2021, path):
    html = viewer_client.get(path).content.decode()
    assert "第 19 段" in html or "第 15 段" in html or "第 4 段" in html
    assert "/text/" not in html


def test_paragraph_links_on_each_kind_of_place(viewer_client, text_2021):
    section = viewer_client.get("/reports/2021/mediation/").content.decode()
    assert '<span class="paragraph"><a href="/reports/2021/text/#p-19">第 19 段</a></span>' in section
    assert '<td><a href="/reports/2021/text/#p-19">第 19 段</a></td>' in section  # a chart's table view
    crackdown = viewer_client.get("/reports/2021/crackdown/").content.decode()
    assert '<a href="/reports/2021/text/#p-15">出處：原文第 15 段</a>' in crackdown  # a notable case
    overview = viewer_client.get("/en/reports/2021/").content.decode()
    assert '<td><a href="/en/reports/2021/text/#p-4">' in overview
    tiles = "".join(viewer_client.get(f"/reports/2021/{slug}/").content.decode() for slug in ("stability", "mediation"))
    tile_links = re.findall(r'class="tile-source" href="([^"]+)"', tiles)
    assert tile_links and all(re.fullmatch(r"/reports/2021/text/#p-\d+", link) for link in tile_links)


def test_explorer_links_paragraphs_without_a_query_per_row(viewer_client, text_2021, django_assert_num_queries):
    assert viewer_client.get("/metrics/?per_page=100").status_code == 200  # the navigation cached
    with django_assert_num_queries(EXPLORER_QUERIES):
        html = viewer_client.get("/metrics/?per_page=100").content.decode()
    assert html.count('href="/reports/2021/text/#p-') == 54


def test_attaching_a_text_refreshes_cached_pages(viewer_client, report_2021, source_text_2021):
    assert "/reports/2021/text/#p-19" not in viewer_client.get("/reports/2021/mediation/").content.decode()
    attach_source(report=report_2021, text=source_text_2021, origin="wanzhou-2021.txt")
    assert "/reports/2021/text/#p-19" in viewer_client.get("/reports/2021/mediation/").content.decode()


def test_text_page_speaks_the_page_language_outside_the_quoted_text(viewer_client, text_2021):
    english = viewer_client.get("/en/reports/2021/text/").content.decode()
    simplified = viewer_client.get("/zh-hans/reports/2021/text/").content.decode()
    assert chinese_outside_chinese(english) == set()
    assert traditional_outside_traditional(simplified) == set()
