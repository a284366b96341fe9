"""The figure explorer at /metrics/: filters, sorting, paging, links, bad input and query counts."""

import json
import warnings
from decimal import Decimal

import pytest
from django.urls import reverse

from metrics.choices import Unit
from metrics.models import Figure
from reports.models import Report, Section
from search.indexing import rebuild as rebuild_search_index

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module")]

EXPLORER = reverse("metrics:explorer")

MEDIATION_RATES = {
    "mediation.resolution_rate",
    "mediation.general_category_resolution_rate",
    "mediation.attention_category_resolution_rate",
    "mediation.key_category_resolution_rate",
    "mediation.return_visit_rate",
    "mediation.lawyer_resolution_rate",
}


def shown_codes(response) -> list[str]:
    """Codes of the rows on the rendered page, in table order."""
    return [row.record.code for row in response.context["table"].paginated_rows]


def all_codes(client, query: str) -> list[str]:
    """Codes of every row the query selects (one page of 100 holds the whole 2021 report)."""
    response = client.get(f"{EXPLORER}?{query}&per_page=100")
    assert response.status_code == 200
    assert not response.context["filter"].errors
    return shown_codes(response)


def make_report(year: int, figures: int, *, slug: str = "mediation") -> Report:
    """A synthetic report with one section holding ``figures`` plain counts (values 1..n)."""
    report = Report.objects.create(
        year=year, title=f"{year}年工作綜述", agency="萬州區公安局", source_name=f"{year}.txt"
    )
    section = Section.objects.create(
        report=report, slug=slug, topic=slug, position=1, heading="測試章節", source_paragraph=1
    )
    Figure.objects.bulk_create(
        Figure(
            report=report,
            section=section,
            code=f"{slug}.synthetic_{n}",
            name=f"化解測試數據{n}",
            theme="測試",
            value=Decimal(n),
            unit_id=Unit.QI,
            source_paragraph=1,
            source_quote=f"化解{n}起",
            position=n,
        )
        for n in range(1, figures + 1)
    )
    return report


def test_explorer_section_and_rates_gives_the_six_mediation_rates(report_2021, viewer_client):
    assert set(all_codes(viewer_client, "section=mediation&kind=rates")) == MEDIATION_RATES


def test_explorer_counts_are_every_figure_not_in_percent(report_2021, viewer_client):
    expected = set(Figure.objects.exclude(unit=Unit.PERCENT).values_list("code", flat=True))
    codes = all_codes(viewer_client, "kind=counts")
    assert set(codes) == expected
    assert len(codes) == 54 - 7


def test_explorer_chinese_search_finds_every_resolution_figure(report_2021, viewer_client):
    resolution_figures = MEDIATION_RATES - {"mediation.return_visit_rate"} | {
        "mediation.disputes_resolved",
        "mediation.lawyer_disputes_resolved",
        "mediation.outreach_disputes_resolved",
    }
    assert resolution_figures == {figure.code for figure in Figure.objects.all() if "化解" in figure.name}
    # The search page's rule (search.selectors): name, theme and the clause the report states it in.
    stated = {
        figure.code
        for figure in Figure.objects.all()
        if any("化解" in text for text in (figure.name, figure.theme, figure.source_quote))
    }
    assert stated > resolution_figures
    assert set(all_codes(viewer_client, "q=化解")) == stated
    # A Simplified query finds the Traditional text.
    assert set(all_codes(viewer_client, "q=纠纷")) == set(all_codes(viewer_client, "q=糾紛")) != set()


def test_explorer_search_matches_code_substrings_case_insensitively(report_2021, viewer_client):
    assert set(all_codes(viewer_client, "q=LAWYER")) == {
        "mediation.lawyer_disputes_accepted",
        "mediation.lawyer_disputes_resolved",
        "mediation.lawyer_resolution_rate",
    }


def test_explorer_value_range_is_inclusive_at_both_ends(report_2021, viewer_client):
    codes = all_codes(viewer_client, "kind=rates&value_min=90.98&value_max=99.12")
    assert set(codes) == {
        "mediation.resolution_rate",
        "mediation.general_category_resolution_rate",
        "mediation.attention_category_resolution_rate",
        "mediation.lawyer_resolution_rate",
    }


def test_explorer_unit_and_qualifier_combine(report_2021, viewer_client):
    assert set(all_codes(viewer_client, "qualifier=over")) == {
        "crackdown.textile_case_wastewater_discharged",
        "crackdown.dazu_case_investigation_months",
        "crackdown.dazu_case_amount_involved",
    }
    assert all_codes(viewer_client, "qualifier=over&unit=億元") == ["crackdown.dazu_case_amount_involved"]
    assert all_codes(viewer_client, "qualifier=approx&section=stability") == []


def test_explorer_several_years_combine_and_one_year_excludes_the_other(report_2021, viewer_client):
    make_report(2022, 2)
    both = all_codes(viewer_client, "year=2021&year=2022&section=mediation")
    assert len(both) == 17 + 2
    assert both[-2:] == ["mediation.synthetic_1", "mediation.synthetic_2"]
    assert all_codes(viewer_client, "year=2022") == ["mediation.synthetic_1", "mediation.synthetic_2"]
    assert len(all_codes(viewer_client, "year=2021")) == 54


def test_explorer_default_order_is_the_export_order(report_2021, viewer_client):
    expected = list(Figure.objects.for_export().values_list("code", flat=True))
    assert all_codes(viewer_client, "") == expected


def test_explorer_sorts_by_value_both_ways(report_2021, viewer_client):
    ascending = all_codes(viewer_client, "sort=value")
    values = dict(Figure.objects.values_list("code", "value"))
    assert [values[code] for code in ascending] == sorted(values.values())
    descending = all_codes(viewer_client, "sort=-value")
    assert [values[code] for code in descending] == sorted(values.values(), reverse=True)


def test_explorer_sorts_only_by_the_sort_the_form_checked(report_2021, viewer_client, analyst_client):
    ascending = all_codes(viewer_client, "sort=value")
    # Of two ?sort= the form checks the last; the first must not sort the rows before it.
    assert all_codes(viewer_client, "sort=-value&sort=value") == ascending
    exported = analyst_client.get(f"{EXPLORER}?sort=-value&sort=value&_export=json")
    assert [row["metric_code"] for row in json.loads(b"".join(exported.streaming_content))] == ascending
    # An unknown sort is a form error over no rows, and never reaches django-tables2 (whose parser warns on ".").
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        response = viewer_client.get(EXPLORER, {"sort": "0.5"})
    assert "sort" in response.context["filter"].errors and shown_codes(response) == []
    assert "sort=0.5" not in response.context["table"].head_html(), "the header links do not carry it on"


def test_explorer_page_size_50_splits_54_figures_into_two_pages(report_2021, viewer_client):
    first = viewer_client.get(EXPLORER, {"per_page": "50"})
    second = viewer_client.get(EXPLORER, {"per_page": "50", "page": "2"})
    assert len(shown_codes(first)) == 50
    assert len(shown_codes(second)) == 4
    assert first.context["table"].paginator.count == 54
    assert 'name="per_page"' in first.content.decode() and '<option value="50" selected>' in first.content.decode()


def test_explorer_default_page_size_is_25(report_2021, viewer_client):
    assert len(shown_codes(viewer_client.get(EXPLORER))) == 25


@pytest.mark.parametrize("per_page", ["30", "0", "-1", "1000000", "abc", "٥٠"])
def test_explorer_other_page_sizes_are_a_form_error(report_2021, viewer_client, per_page):
    response = viewer_client.get(EXPLORER, {"per_page": per_page})
    assert response.status_code == 200
    assert "per_page" in response.context["filter"].errors
    assert shown_codes(response) == []


def test_explorer_says_which_page_and_which_rows_it_shows(report_2021, viewer_client):
    first = viewer_client.get(EXPLORER).content.decode()
    last = viewer_client.get(EXPLORER, {"page": "3"}).content.decode()
    assert "第 1 頁，共 3 頁 · 1–25 / 54 筆" in first
    assert "第 3 頁，共 3 頁 · 51–54 / 54 筆" in last


def test_explorer_page_links_keep_the_filters_and_mark_the_current_page(report_2021, viewer_client):
    page = viewer_client.get(EXPLORER, {"kind": "counts", "page": "2"}).content.decode()
    assert '<a href="?kind=counts&amp;page=1" rel="prev">上一頁</a>' in page
    assert '<li class="number active"><a href="?kind=counts&amp;page=2" aria-current="page">2</a></li>' in page
    assert '<a href="?kind=counts&amp;page=1">1</a>' in page
    assert "下一頁" not in page
    assert "第 2 頁，共 2 頁 · 26–47 / 47 筆" in page


def test_explorer_one_page_result_has_no_page_links(report_2021, viewer_client):
    page = viewer_client.get(EXPLORER, {"section": "mediation"}).content.decode()
    assert "第 1 頁，共 1 頁 · 1–17 / 17 筆" in page
    assert 'class="pagination"' not in page


def test_explorer_page_past_the_end_is_a_404_with_a_notice_and_no_rows(report_2021, viewer_client):
    response = viewer_client.get(EXPLORER, {"kind": "counts", "page": "99"})
    assert response.status_code == 404
    page = response.content.decode()
    assert "沒有這一頁：符合目前條件的數據只有 2 頁。" in page
    assert '<a href="?kind=counts">回到第 1 頁</a>' in page
    assert '<a href="?kind=counts&amp;page=2">到最後一頁（第 2 頁）</a>' in page
    assert "<tbody>" not in page
    assert 'name="kind"' in page


@pytest.mark.parametrize("number", ["0", "-1", "abc", "1.5", "٢", "01", ""])
def test_explorer_page_that_is_not_a_page_number_is_a_404(report_2021, viewer_client, number):
    response = viewer_client.get(EXPLORER, {"page": number})
    assert response.status_code == 404
    assert "沒有這一頁：符合目前條件的數據只有 3 頁。" in response.content.decode()


def test_explorer_empty_result_offers_no_export_and_says_why(report_2021, analyst_client):
    page = analyst_client.get(EXPLORER, {"q": "沒有這個指標"}).content.decode()
    assert "共 0 筆數據" in page
    assert "_export=" not in page
    assert "沒有符合條件的數據，所以沒有可匯出的內容；放寬篩選條件後即可匯出。" in page
    assert "沒有符合篩選條件的數據。" in page


def test_explorer_escapes_figure_text_in_its_rows(report_2021, viewer_client):
    Figure.objects.filter(code="mediation.resolution_rate").update(
        name="<script>alert(1)</script>", source_quote='"><img src=x>'
    )
    page = viewer_client.get(EXPLORER, {"section": "mediation", "kind": "rates"}).content.decode()
    assert "<script>alert(1)</script>" not in page and "<img src=x>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</a></td>" in page
    assert '<q lang="zh-Hant">&quot;&gt;&lt;img src=x&gt;</q>' in page


def test_explorer_row_cells_carry_their_column_classes(report_2021, viewer_client):
    page = viewer_client.get(EXPLORER, {"section": "mediation", "kind": "rates", "sort": "-value"}).content.decode()
    assert (
        '<tr><td>2021</td><td>強化源頭管控 力促社會和諧穩定</td><td class="name">'
        '<a href="/reports/2021/mediation/#figure-mediation.return_visit_rate">'
    ) in page
    assert '<td class="num">100%</td>' in page


def test_explorer_rows_link_to_the_figure_on_its_section_page(report_2021, viewer_client):
    page = viewer_client.get(EXPLORER, {"section": "mediation", "kind": "rates"}).content.decode()
    assert 'href="/reports/2021/mediation/#figure-mediation.resolution_rate"' in page


def test_explorer_shows_formatted_values_and_provenance(report_2021, viewer_client):
    page = viewer_client.get(EXPLORER, {"section": "mediation", "per_page": "100"}).content.decode()
    assert "98.66%" in page
    assert "近9萬戶" in page
    resolution = Figure.objects.get(code="mediation.resolution_rate")
    assert f"第 {resolution.source_paragraph} 段" in page
    assert resolution.source_quote in page


def test_explorer_form_keeps_its_values_after_submit(report_2021, viewer_client):
    page = viewer_client.get(
        EXPLORER, {"q": "化解", "section": "mediation", "value_min": "90", "year": "2021", "sort": "-value"}
    ).content.decode()
    assert 'name="q" value="化解"' in page
    assert '<option value="mediation" selected>' in page
    assert 'name="value_min" value="90"' in page
    assert 'value="2021" id="id_year_0" checked' in page
    assert '<option value="-value" selected>' in page


def test_explorer_sort_links_keep_the_filters(report_2021, viewer_client):
    page = viewer_client.get(EXPLORER, {"section": "mediation", "q": "率"}).content.decode()
    assert "?section=mediation&amp;q=%E7%8E%87&amp;sort=value" in page


def test_explorer_min_above_max_is_a_form_error_on_the_page(report_2021, viewer_client):
    response = viewer_client.get(EXPLORER, {"value_min": "100", "value_max": "5"})
    assert response.status_code == 200
    assert response.context["filter"].errors["value_max"] == ["數值上限不能小於下限。"]
    assert "數值上限不能小於下限。" in response.content.decode()
    assert shown_codes(response) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"year": "abc"}, "year"),
        ({"year": "1900"}, "year"),
        ({"section": "nowhere"}, "section"),
        ({"sort": "password"}, "sort"),
        ({"unit": "公斤"}, "unit"),
        ({"kind": "both"}, "kind"),
        ({"value_min": "NaN"}, "value_min"),
        ({"value_max": "1e400"}, "value_max"),
        ({"value_min": "0.001"}, "value_min"),
        ({"q": "化解\x00"}, "q"),
        ({"section": "mediation\x00"}, "section"),
        ({"q": "化" * 10_000}, "q"),
    ],
)
def test_explorer_bad_input_is_a_form_error_not_a_crash(report_2021, viewer_client, params, field):
    response = viewer_client.get(EXPLORER, params)
    assert response.status_code == 200
    assert field in response.context["filter"].errors
    assert shown_codes(response) == []


def test_explorer_needs_the_browse_permission(report_2021, client, make_user):
    client.force_login(make_user(None))
    assert client.get(EXPLORER).status_code == 403


def test_explorer_needs_a_login(report_2021, client):
    response = client.get(EXPLORER)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_section_page_links_to_the_explorer_filtered_to_that_section(report_2021, viewer_client):
    page = viewer_client.get(reverse("metrics:section", kwargs={"year": 2021, "slug": "mediation"})).content.decode()
    assert 'href="/metrics/?year=2021&amp;section=mediation"' in page


#: Session, user, the user's and the groups' permissions, the years and the units for the form
#: (units are rows, and the filter lists those of published figures), the
#: content revision (navigation), the count and the page's rows: whatever the number of figures.
EXPLORER_QUERIES = 9


def _warm(client, params: dict) -> None:
    """One request first, so the per-process caches (navigation, permissions) are filled."""
    assert client.get(EXPLORER, params).status_code == 200


def make_many(years: range, per_section: int) -> None:
    """``per_section`` figures in each of the three sections of each of ``years``."""
    for year in years:
        report = make_report(year, per_section, slug="stability")
        for position, slug in enumerate(("crackdown", "mediation"), start=2):
            section = Section.objects.create(
                report=report, slug=slug, topic=slug, position=position, heading=slug, source_paragraph=1
            )
            Figure.objects.bulk_create(
                Figure(
                    report=report,
                    section=section,
                    code=f"{slug}.synthetic_{n}",
                    name=f"合成{n}",
                    theme="測試",
                    value=Decimal(n),
                    unit_id=Unit.REN,
                    source_paragraph=1,
                    source_quote=f"{n}人",
                    position=n,
                )
                for n in range(1, per_section + 1)
            )


@pytest.mark.parametrize(
    "params", [{"per_page": "100"}, {"year": "2031", "sort": "-value", "page": "2"}, {"q": "1", "kind": "counts"}]
)
def test_explorer_query_count_is_the_same_for_one_figure_and_thousands(
    viewer_client, django_assert_num_queries, params
):
    make_report(2031, 1)
    rebuild_search_index()  # the figures were written in bulk, which sends no signal
    _warm(viewer_client, {})
    with django_assert_num_queries(EXPLORER_QUERIES):
        response = viewer_client.get(EXPLORER, {**params, "page": "1"} if "page" in params else params)
    assert response.status_code == 200
    Report.objects.filter(year=2031).delete()
    make_many(range(2030, 2035), 300)
    rebuild_search_index()
    _warm(viewer_client, {})
    with django_assert_num_queries(EXPLORER_QUERIES):
        response = viewer_client.get(EXPLORER, params)
    assert response.status_code == 200
    assert response.context["table"].paginator.count >= 300


def test_explorer_export_links_add_no_queries(analyst_client, django_assert_num_queries):
    make_many(range(2030, 2032), 50)
    _warm(analyst_client, {})
    with django_assert_num_queries(EXPLORER_QUERIES):
        response = analyst_client.get(EXPLORER, {"per_page": "100"})
    assert len(shown_codes(response)) == 100
    assert "_export=csv" in response.content.decode()
