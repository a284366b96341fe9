"""The report pages (overview and sections): who may see them, what they show, what they cost in queries."""

import re

import pytest
from django.urls import reverse

from metrics.formatting import format_figure
from metrics.models import Figure
from reports.models import Section
from tests.factories import make_report_with_figures

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module")]

PAGES = [
    "/reports/2021/",
    "/reports/2021/stability/",
    "/reports/2021/crackdown/",
    "/reports/2021/mediation/",
]


@pytest.mark.parametrize("path", PAGES)
def test_portal_pages_redirect_anonymous_users_to_login(client, report_2021, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("path", PAGES)
def test_report_pages_open_for_a_viewer_with_the_citation_in_the_footer(viewer_client, report_2021, path):
    response = viewer_client.get(path)
    assert response.status_code == 200
    footer = response.content.decode().split('class="site-footer"')[1]
    assert "資料來源：萬州區公安局《2021年工作綜述》" in footer


@pytest.mark.parametrize("path", PAGES)
def test_portal_pages_refuse_an_account_without_a_role(client, make_user, report_2021, path):
    client.force_login(make_user(None))
    response = client.get(path)
    assert response.status_code == 403
    assert "沒有權限" in response.content.decode()


def test_overview_shows_title_byline_section_headings_and_headline_cards(viewer_client, report_2021):
    html = viewer_client.get("/reports/2021/").content.decode()
    assert report_2021.title in html and report_2021.byline in html
    for section in report_2021.sections.all():
        assert section.heading in html
        assert section.get_absolute_url() in html
    for figure in Figure.objects.filter(report=report_2021, headline=True):
        assert format_figure(figure.value, figure.unit, figure.qualifier) in html
    assert "近9萬戶" in html and "5億餘元" in html


def test_overview_draws_one_chart_per_section(viewer_client, report_2021):
    html = viewer_client.get("/reports/2021/").content.decode()
    assert len(re.findall(r'data-chart-payload="', html)) == 3


@pytest.mark.parametrize("slug", ["stability", "crackdown", "mediation"])
def test_section_page_shows_every_figure_formatted_with_its_provenance(viewer_client, report_2021, slug):
    response = viewer_client.get(f"/reports/2021/{slug}/")
    html = response.content.decode()
    section = Section.objects.get(report=report_2021, slug=slug)
    assert section.heading in html and section.summary in html
    figures = Figure.objects.filter(section=section)
    assert figures.exists()
    for figure in figures:
        assert f'id="figure-{figure.code}"' in html
        assert format_figure(figure.value, figure.unit, figure.qualifier) in html
        assert figure.source_quote in html
        assert f"第 {figure.source_paragraph} 段" in html
    charts = re.findall(r'data-chart-payload="', html)
    assert 2 <= len(charts) <= 4


def test_section_page_shows_notable_cases_with_their_figures_and_named_lists(viewer_client, report_2021):
    html = viewer_client.get("/reports/2021/crackdown/").content.decode()
    for case in report_2021.sections.get(slug="crackdown").cases.all():
        assert case.title in html and case.summary in html
    assert "8萬餘噸" in html and "6 月" in html
    stability = viewer_client.get("/reports/2021/stability/").content.decode()
    assert "世界大河歌會" in stability and "特警屯點" in stability and "十九屆六中全會" in stability


def table_part(html: str) -> str:
    return html[html.index('class="figure-table"') :]


def test_section_page_table_sorts_by_value_both_ways(viewer_client, report_2021):
    ascending = table_part(viewer_client.get("/reports/2021/mediation/?sort=value").content.decode())
    assert (
        ascending.index("19起") < ascending.index("87.75%") < ascending.index("3,312起") < ascending.index("18,161起")
    )
    descending = table_part(viewer_client.get("/reports/2021/mediation/?sort=-value").content.decode())
    assert (
        descending.index("18,161起")
        < descending.index("3,312起")
        < descending.index("87.75%")
        < descending.index("19起")
    )


@pytest.mark.parametrize("query", ["?sort=nonsense", "?page=999", "?page=abc", "?sort=%00", "?per_page=-1"])
def test_section_page_tolerates_bad_table_parameters(viewer_client, report_2021, query):
    response = viewer_client.get("/reports/2021/mediation/" + query)
    assert response.status_code == 200
    assert "18,161起" in response.content.decode()


@pytest.mark.parametrize("path", ["/reports/1999/", "/reports/2021/traffic/", "/reports/1999/mediation/"])
def test_unknown_year_or_section_is_a_404_in_the_portal_style(viewer_client, report_2021, path):
    response = viewer_client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert "找不到頁面" in html and "萬州公安工作報告" in html
    assert "Traceback" not in html


@pytest.mark.parametrize("path", ["/reports/2021/", "/reports/2021/mediation/"])
def test_pages_have_no_inline_script_and_load_plotly_from_our_static_files(viewer_client, report_2021, path):
    html = viewer_client.get(path).content.decode()
    scripts = re.findall(r"<script\b([^>]*)>", html)
    for attributes in scripts:
        assert "src=" in attributes or 'type="application/json"' in attributes, attributes
    # No chart has a server drawing here (render_charts has not run): plotly.js draws them.
    assert "/static/vendor/plotly/plotly-basic.min.js" in html
    assert not re.search(r"""(src|href)=["']https?://""", html)


#: Session, user, the user's and the groups' permissions; then the page.
PER_REQUEST = 4
#: Content revision for the body and for the navigation, then the two navigation queries.
CACHED_PAGE = PER_REQUEST + 2


@pytest.mark.parametrize(
    "path_for, body_queries",
    [
        # The report, its sections, its figures, last year's figures for the charts, and the charts' server
        # drawings (selectors.with_images: one query for all of a page's bar charts).
        (lambda year: f"/reports/{year}/", 5),
        (lambda year: f"/reports/{year}/mediation/", 7),
    ],
)
def test_report_pages_run_the_same_queries_for_any_number_of_figures(
    viewer_client, report_2021, django_assert_num_queries, path_for, body_queries
):
    cold = CACHED_PAGE + body_queries + 2
    with django_assert_num_queries(cold):
        assert viewer_client.get(path_for(2021)).status_code == 200
    with django_assert_num_queries(CACHED_PAGE):
        assert viewer_client.get(path_for(2021)).status_code == 200
    make_report_with_figures(2005, figures_per_section=400, headlines=3)
    # Its figures' units differ from one another: its charts are number tiles, with no drawing to look up.
    with django_assert_num_queries(cold - 1):
        response = viewer_client.get(path_for(2005))
    assert 'class="chart chart-bars' not in response.content.decode()
    assert "萬州區公安局《2005年工作綜述（測試數據）》" in response.content.decode()
    with django_assert_num_queries(CACHED_PAGE):
        assert viewer_client.get(path_for(2005)).status_code == 200


def test_section_page_table_sorts_by_case_title(viewer_client, report_2021):
    table = table_part(viewer_client.get("/reports/2021/crackdown/?sort=-case").content.decode())
    table = table[: table.index("</table>")]
    cases = list(Section.objects.get(report=report_2021, slug="crackdown").cases.order_by("-title"))
    first, second = (table.index(case.title) for case in cases)
    assert first < second
