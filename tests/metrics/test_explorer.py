"""The figure explorer at /metrics/: filters, sorting, paging, links, bad input and query counts."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from metrics.choices import Unit
from metrics.models import Figure
from reports.models import Report, Section

pytestmark = pytest.mark.django_db

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
    section = Section.objects.create(report=report, slug=slug, position=1, heading="測試章節", source_paragraph=1)
    Figure.objects.bulk_create(
        Figure(
            report=report,
            section=section,
            code=f"{slug}.synthetic_{n}",
            name=f"化解測試數據{n}",
            theme="測試",
            value=Decimal(n),
            unit=Unit.QI,
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
    assert set(all_codes(viewer_client, "q=化解")) == resolution_figures


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


def test_explorer_page_past_the_end_shows_the_last_page(report_2021, viewer_client):
    response = viewer_client.get(EXPLORER, {"page": "99"})
    assert response.status_code == 200
    assert response.context["table"].page.number == 3
    assert len(shown_codes(response)) == 4


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


def _explorer_queries(client) -> int:
    """Queries of an explorer page once the caches (permissions, navigation) are warm."""
    client.get(EXPLORER, {"per_page": "100"})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(EXPLORER, {"per_page": "100"})
    assert response.status_code == 200
    return len(queries)


def test_explorer_query_count_does_not_grow_with_the_rows(viewer_client):
    make_report(2030, 1)
    one = _explorer_queries(viewer_client)
    Figure.objects.all().delete()
    Report.objects.all().delete()
    make_report(2031, 300)
    many = _explorer_queries(viewer_client)
    assert many == one <= 8


def test_explorer_export_links_add_no_queries_per_row(analyst_client):
    make_report(2030, 5)
    few = _explorer_queries(analyst_client)
    make_report(2031, 100)
    many = _explorer_queries(analyst_client)
    assert many == few
    response = analyst_client.get(EXPLORER, {"per_page": "100"})
    assert len(shown_codes(response)) == 100
    assert "_export=csv" in response.content.decode()
