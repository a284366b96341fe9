"""The search page: what it finds in each language and script, what it hides, its limits and its queries."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from metrics.models import Figure
from reports.models import Report, Section, SourceText
from reports.services import attach_source
from search import selectors
from search.indexing import reindex
from search.models import SearchEntry
from search.selectors import PAGE_SIZE
from search.text import QUERY_MAX_LENGTH, normalise
from tests.factories import make_figure, make_report, make_section

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module")]

SEARCH = "/search/"

#: Session and user, the browse permission's two reads (user and group permissions), the first read of the
#: matches (which gives the counts), the page, and the navigation's content revision.
QUERIES_WITH_RESULTS = 7
#: The same less the page: nothing matched.
QUERIES_WITHOUT_RESULTS = 6
#: The same as with results and the counts of a query with more matches than the first read holds.
QUERIES_WITH_MORE_THAN_THE_FIRST_READ = 8


def marked(page: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", page)


def test_search_two_simplified_characters_find_the_traditional_text(viewer_client):
    response = viewer_client.get(SEARCH, {"q": "纠纷"})
    page = response.content.decode()
    assert response.status_code == 200
    assert set(marked(page)) == {"糾紛"}
    results = response.context["results"]
    assert {result.kind for result in results} >= {"figure", "section", "named_item"}
    assert "排查矛盾<mark>糾紛</mark>" in page
    assert response.context["facets"].total == sum(response.context["facets"].kinds.values())


def test_search_traditional_query_on_the_simplified_page_marks_simplified_text_and_keeps_quotes(viewer_client):
    page = viewer_client.get("/zh-hans" + SEARCH, {"q": "糾紛", "kind": "figure"}).content.decode()
    assert "排查矛盾<mark>纠纷</mark>" in page  # the name, in the page's script
    assert '<p class="search-body" lang="zh-Hant">「排查矛盾<mark>糾紛</mark>' in page  # the clause, verbatim


def test_search_one_character_finds_every_occurrence(viewer_client):
    response = viewer_client.get(SEARCH, {"q": "枪"})
    stated = Figure.objects.filter(source_quote__contains="槍").count()
    assert response.context["facets"].kinds["figure"] >= stated > 0
    assert "<mark>槍</mark>" in response.content.decode()


def test_search_digits_match_as_written_and_with_group_commas(viewer_client):
    for query in ("18161", "18,161", "１８１６１"):
        response = viewer_client.get(SEARCH, {"q": query, "kind": "figure"})
        assert [result.code for result in response.context["results"]] == ["mediation.disputes_screened"]
        assert "<mark>18161</mark>" in response.content.decode()


def test_search_english_query_finds_english_fields_shown_on_the_english_page(viewer_client):
    response = viewer_client.get("/en" + SEARCH, {"q": "Fireworks", "kind": "figure"})
    page = response.content.decode()
    figure = Figure.objects.get(code=response.context["results"][0].code)
    assert "fireworks" in figure.name_en.lower()
    assert re.search(r"<mark>[Ff]ireworks</mark>", page)
    assert f'href="/en/metrics/{figure.code}/"' in page
    assert f'href="/en/reports/2021/{figure.section.slug}/#figure-{figure.code}"' in page


def test_search_highlight_escapes_what_an_editor_wrote(viewer_client):
    section = Section.objects.get(report__year=2021, slug="mediation")
    figure = make_figure(section, 90, name='<img src=x onerror="alert(1)">查獲毒品', code="mediation.test_drugs")
    reindex(Figure, pks=[figure.pk])
    page = viewer_client.get(SEARCH, {"q": "毒品", "kind": "figure"}).content.decode()
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;查獲<mark>毒品</mark>" in page
    assert "<img src=x" not in page


def test_search_hides_drafts_from_viewers_and_shows_them_to_editors(client, make_user):
    draft = make_report(2030, published=False)
    figure = make_figure(make_section(draft), 1, name="草稿裡的獨有指標")
    reindex(Figure, pks=[figure.pk])
    reindex(Section, pks=list(draft.sections.values_list("pk", flat=True)))
    client.force_login(make_user("viewer"))
    assert client.get(SEARCH, {"q": "独有"}).context["facets"].total == 0
    assert client.get(SEARCH, {"q": "草稿裡的獨有"}).context["facets"].total == 0  # the indexed path too
    client.force_login(make_user("editor"))
    editor_results = client.get(SEARCH, {"q": "独有"}).context["results"]
    assert [(result.kind, result.year) for result in editor_results] == [("figure", 2030)]


def test_search_shows_a_scheduled_report_to_viewers_only_from_its_release_time(
    client, make_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        scheduled = make_report(2030, published=True, release_at=timezone.now() + timedelta(days=1))
        make_figure(make_section(scheduled), 1, name="預定發布的獨有指標")
    client.force_login(make_user("viewer"))
    assert client.get(SEARCH, {"q": "独有"}).context["facets"].total == 0
    assert client.get(SEARCH, {"q": "預定發布的獨有"}).context["facets"].total == 0

    with django_capture_on_commit_callbacks(execute=True):
        scheduled.release_at = timezone.now() - timedelta(minutes=1)
        scheduled.save()
    results = client.get(SEARCH, {"q": "独有"}).context["results"]
    assert [(result.kind, result.year) for result in results] == [("figure", 2030)]


def test_search_filters_by_kind_and_year_keeping_them_in_the_links(viewer_client):
    response = viewer_client.get(SEARCH, {"q": "化解", "kind": "figure", "year": "2021"})
    assert {result.kind for result in response.context["results"]} == {"figure"}
    assert response.context["facets"].years == {2021: response.context["facets"].total}
    page = response.content.decode()
    assert 'href="?q=%E5%8C%96%E8%A7%A3&amp;year=2021&amp;kind=section"' in page
    assert viewer_client.get(SEARCH, {"q": "化解", "year": "2020"}).context["facets"].total == 0


def test_search_pages_fixed_size_and_answers_404_past_the_last(viewer_client, source_text_2021):
    attached = attach_source(report=Report.objects.get(year=2021), text=source_text_2021, origin="test")
    reindex(SourceText, pks=[attached.source.pk])
    first = viewer_client.get(SEARCH, {"q": "安"})
    total = first.context["facets"].total
    assert total > PAGE_SIZE and len(first.context["results"]) == PAGE_SIZE
    pages = -(-total // PAGE_SIZE)
    last = viewer_client.get(SEARCH, {"q": "安", "page": str(pages)})
    assert len(last.context["results"]) == total - PAGE_SIZE * (pages - 1)
    assert viewer_client.get(SEARCH, {"q": "安", "page": str(pages + 1)}).status_code == 404


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "化" * (QUERY_MAX_LENGTH + 1)}, "搜尋字詞最多 100 個字"),
        ({"q": "化解\x01"}, "控制字元"),
        ({"q": "化解\x00"}, "q"),
        ({"q": "化解", "kind": "everything"}, "沒有「everything」這個類別"),
        ({"q": "化解", "year": "twenty"}, "沒有「twenty」這個年度"),
        ({"q": "化解", "page": "0"}, "頁次從 1 起算"),
    ],
)
def test_search_refuses_bad_input_with_a_400_that_says_why(viewer_client, params, message):
    response = viewer_client.get(SEARCH, params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "results" not in response.context


def test_search_without_a_query_asks_for_one_without_reading_the_index(viewer_client, django_assert_num_queries):
    viewer_client.get(SEARCH)
    with django_assert_num_queries(QUERIES_WITHOUT_RESULTS - 1):
        response = viewer_client.get(SEARCH, {"q": "   "})
    assert "請輸入要搜尋的字詞" in response.content.decode()


@pytest.mark.parametrize("query", ["槍", "纠纷", "律師駐所", "mediation", "沒有這個字詞"])
def test_search_query_count_is_fixed(viewer_client, django_assert_num_queries, query):
    viewer_client.get(SEARCH, {"q": "化解"})
    found_any = query != "沒有這個字詞"
    with django_assert_num_queries(QUERIES_WITH_RESULTS if found_any else QUERIES_WITHOUT_RESULTS):
        response = viewer_client.get(SEARCH, {"q": query})
    assert bool(response.context["results"]) is found_any


@pytest.mark.parametrize(("query", "first_read"), [("1", 5), ("1", 25), ("ion", 5)])
def test_search_beyond_the_first_read_counts_and_pages_as_within_it(
    viewer_client, monkeypatch, django_assert_num_queries, query, first_read
):
    """A first read of 5 or 25 holds some of the matches of 2021 (the default, all): the counts and every page
    (ordered in Python from the first read, or by the database beyond it) are the same. "1" takes the short
    path, "ion" the trigram index."""
    cases = [
        {"q": query},
        {"q": query, "page": "2"},
        {"q": query, "kind": "named_item"},
        {"q": query, "kind": "figure", "year": "2021", "page": "2"},
    ]

    def seen(params):
        response = viewer_client.get(SEARCH, params)
        return response.context["facets"], [(result.kind, result.url) for result in response.context["results"]]

    within = [seen(params) for params in cases]
    assert within[0][0].total > max(first_read, PAGE_SIZE) and within[1][1]
    monkeypatch.setattr(selectors, "FIRST_READ", first_read)
    assert [seen(params) for params in cases] == within
    with django_assert_num_queries(QUERIES_WITH_MORE_THAN_THE_FIRST_READ):
        viewer_client.get(SEARCH, {"q": query})


def test_search_needs_the_browse_permission(client, make_user):
    assert client.get(SEARCH, {"q": "化解"}).status_code == 302
    client.force_login(make_user(None, "no-role"))
    assert client.get(SEARCH, {"q": "化解"}).status_code == 403


def test_search_box_is_on_every_page(viewer_client):
    for url in (reverse("metrics:overview", kwargs={"year": 2021}), reverse("metrics:explorer")):
        page = viewer_client.get(url).content.decode()
        assert '<form class="site-search" role="search" method="get" action="/search/">' in page


def test_search_and_explorer_find_the_same_figures(viewer_client):
    for query in ("纠纷", "律师", "lawyer", "18161", "率"):
        search_codes = set()
        page = 1
        while True:
            response = viewer_client.get(SEARCH, {"q": query, "kind": "figure", "page": str(page)})
            search_codes |= {result.code for result in response.context["results"]}
            if page >= response.context["pages"]:
                break
            page += 1
        explorer = viewer_client.get(reverse("metrics:explorer"), {"q": query, "per_page": "100"})
        explorer_codes = {row.record.code for row in explorer.context["table"].page.object_list}
        assert search_codes == explorer_codes != set(), query


def test_search_value_is_shown_as_the_pages_write_it(viewer_client):
    section = Section.objects.get(report__year=2021, slug="mediation")
    figure = make_figure(section, 91, name="測試金額", value=Decimal(80000), unit="噸", qualifier="over")
    reindex(Figure, pks=[figure.pk])
    page = viewer_client.get(SEARCH, {"q": "測試金額"}).content.decode()
    assert '<span class="search-value">8萬餘噸</span>' in page


@pytest.mark.parametrize(
    "query",
    [
        "%",
        "_",
        "%_",
        "\\",
        '"',
        '""',
        "'",
        'a"b"c',
        "％％％",
        "😀",
        "👮‍♀️警察",
        "e\u0301",
        "OR AND NOT",
        "*",
        "NEAR(a b)",
    ],
)
def test_search_takes_any_text_as_text(viewer_client, query):
    """No wildcard, operator or quote is read as anything but the character it is, on either path."""
    response = viewer_client.get(SEARCH, {"q": query})
    assert response.status_code == 200
    needle = normalise(query)
    literal = sum(needle in document for document in SearchEntry.objects.values_list("document", flat=True))
    assert response.context["facets"].total == literal
