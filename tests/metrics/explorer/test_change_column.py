"""The explorer at /metrics/ by year-over-year change: the ``change`` filter, the change column and its sort."""

from decimal import Decimal

import pytest
from django.http import QueryDict
from django.urls import reverse

from api.services import create_token
from metrics.choices import Unit
from metrics.explorer.filters import FigureFilter
from metrics.models import Figure
from tests.factories import make_figure, make_report, make_report_with_figures, make_section

pytestmark = pytest.mark.django_db

EXPLORER = reverse("metrics:explorer")

#: Session, user, the user's and the groups' permissions, the years and the units for the form
#: (units are rows, and the filter lists those of published figures), the
#: content revision (navigation), the count and the page's rows: as without the change column.
EXPLORER_QUERIES = 9


def codes_in(response) -> list[str]:
    """Codes of the rows on the rendered page, in table order."""
    assert response.status_code == 200
    return [row.record.code for row in response.context["table"].paginated_rows]


def explore(client, **params) -> list[str]:
    """Codes of the rows the query selects, on one page of 100."""
    response = client.get(EXPLORER, {"per_page": "100", **params})
    assert not response.context["filter"].errors
    return codes_in(response)


@pytest.fixture
def two_years():
    """Test reports 2001 and 2002 with one section each; returns the 2002 figures by short name.

    2002 against 2001: ``rise`` 100→120 起, ``fall`` 50→40 起, ``rate`` 90.50→89.34 %,
    ``flat`` 7→7 起; ``new`` is stated in 2002 only, ``gone`` in 2001 only.
    """
    before = make_section(make_report(2001), "mediation")
    after = make_section(make_report(2002), "mediation")
    stated = {
        "rise": (1, Decimal(100), Decimal(120), Unit.QI),
        "fall": (2, Decimal(50), Decimal(40), Unit.QI),
        "rate": (3, Decimal("90.50"), Decimal("89.34"), Unit.PERCENT),
        "flat": (4, Decimal(7), Decimal(7), Unit.QI),
    }
    figures = {}
    for name, (index, old, new, unit) in stated.items():
        code = f"mediation.{name}"
        make_figure(before, index, code=code, value=old, unit=unit)
        figures[name] = make_figure(after, index, code=code, value=new, unit=unit)
    make_figure(before, 5, code="mediation.gone", value=Decimal(3))
    figures["new"] = make_figure(after, 6, code="mediation.new", value=Decimal(5))
    return figures


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("up", ["mediation.rise"]),
        ("down", ["mediation.fall", "mediation.rate"]),
        ("same", ["mediation.flat"]),
        ("any", ["mediation.rise", "mediation.fall", "mediation.rate", "mediation.flat"]),
        ("none", ["mediation.new"]),
    ],
)
def test_explorer_change_filter_selects_by_direction_against_the_year_before(
    two_years, viewer_client, choice, expected
):
    assert explore(viewer_client, year="2002", change=choice) == expected


def test_explorer_change_filter_none_includes_every_figure_of_the_first_report(two_years, viewer_client):
    first_report = list(Figure.objects.filter(report__year=2001).order_by("position").values_list("code", flat=True))
    assert explore(viewer_client, change="none") == [*first_report, "mediation.new"]


#: The figures without a previous value in creation (pk) order: 2001's five, then 2002's new one.
WITHOUT_PREVIOUS = [
    "mediation.rise",
    "mediation.fall",
    "mediation.rate",
    "mediation.flat",
    "mediation.gone",
    "mediation.new",
]


def test_explorer_sorts_by_change_ascending_with_no_previous_value_last(two_years, viewer_client):
    changed = ["mediation.fall", "mediation.rate", "mediation.flat", "mediation.rise"]
    assert explore(viewer_client, sort="change") == changed + WITHOUT_PREVIOUS


def test_explorer_sorts_by_change_descending_with_no_previous_value_still_last(two_years, viewer_client):
    changed = ["mediation.rise", "mediation.flat", "mediation.rate", "mediation.fall"]
    assert explore(viewer_client, sort="-change") == changed + WITHOUT_PREVIOUS[::-1]


def test_explorer_change_column_shows_the_change_text_and_a_labelled_dash(two_years, viewer_client):
    page = viewer_client.get(EXPLORER, {"year": "2002", "sort": "-change"}).content.decode()
    assert '<span class="change change-up">▲ +20起（+20.0%）</span>' in page
    assert "▼ −10起（−20.0%）" in page
    assert "▼ −1.16 個百分點" in page
    assert "＝ 0起（0.0%）" in page
    assert page.count('<span class="visually-hidden">上年沒有可比數據</span>') == 1
    assert '<a href="?year=2002&amp;sort=change">與上年相比</a>' in page


def test_explorer_change_never_reaches_past_the_report_just_before(two_years, viewer_client):
    """A code in 2001 and 2003 but not 2002 has no previous value in 2003."""
    section = make_section(make_report(2003), "mediation")
    make_figure(section, 1, code="mediation.gone", value=Decimal(9))
    make_figure(section, 2, code="mediation.new", value=Decimal(8))
    assert explore(viewer_client, year="2003", change="none") == ["mediation.gone"]
    assert explore(viewer_client, year="2003", change="up") == ["mediation.new"]


def test_explorer_change_column_is_empty_of_numbers_for_a_code_the_previous_report_lacks(two_years, viewer_client):
    response = viewer_client.get(EXPLORER, {"year": "2002", "change": "none"})
    assert codes_in(response) == ["mediation.new"]
    row = response.content.decode().split('<td class="change-cell">')[1].split("</td>")[0]
    assert row.startswith('<span class="change-none" title="上年沒有可比數據"><span aria-hidden="true">—</span>')


@pytest.mark.parametrize("value", ["bogus", "UP", "up\x00", "1"])
def test_explorer_unknown_change_is_a_form_error_with_no_rows(two_years, viewer_client, value):
    response = viewer_client.get(EXPLORER, {"change": value})
    assert response.status_code == 200
    assert "change" in response.context["filter"].errors
    assert codes_in(response) == []


def test_explorer_pages_sorted_by_change_neither_overlap_nor_miss_a_figure(viewer_client):
    for year in (2001, 2002):
        make_report_with_figures(year, 20, slugs=("stability", "mediation", "crackdown"))
    Figure.objects.filter(report__year=2002, position__lte=5).update(value=Decimal(1), stated_value=Decimal(1))
    every = set(Figure.objects.values_list("code", "report__year"))
    for sort in ("change", "-change"):
        seen = []
        for page in ("1", "2", "3", "4", "5"):
            response = viewer_client.get(EXPLORER, {"sort": sort, "page": page})
            seen += [(row.record.code, row.record.report.year) for row in response.context["table"].paginated_rows]
        assert len(seen) == len(every) == 120
        assert set(seen) == every


def test_figure_filter_describes_and_flags_the_change_filter(two_years):
    figures = Figure.objects.with_previous()
    described = FigureFilter(QueryDict("change=down&sort=-change"), queryset=figures)
    assert described.is_valid()
    assert described.describe() == [("與上年相比", "下降"), ("排序", "與上年相比（由大到小）")]
    assert described.file_naming()["other_filters"] is True
    sorted_only = FigureFilter(QueryDict("sort=change"), queryset=figures)
    assert sorted_only.is_valid() and sorted_only.file_naming()["other_filters"] is False


def test_explorer_export_keeps_the_change_filter(two_years, analyst_client):
    response = analyst_client.get(EXPLORER, {"change": "down", "year": "2002", "_export": "csv"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode()
    assert "mediation.fall" in content and "mediation.rate" in content
    assert "mediation.rise" not in content and "mediation.new" not in content


@pytest.mark.parametrize(
    "params", [{"sort": "-change"}, {"change": "any", "sort": "change", "per_page": "100"}, {"change": "down"}]
)
def test_explorer_query_count_by_change_is_the_same_for_one_comparison_and_thousands(
    viewer_client, django_assert_num_queries, params
):
    make_figure(make_section(make_report(2000), "mediation"), 1, value=Decimal(2))
    make_figure(make_section(make_report(2001), "mediation"), 1)
    assert viewer_client.get(EXPLORER, params).status_code == 200
    with django_assert_num_queries(EXPLORER_QUERIES):
        response = viewer_client.get(EXPLORER, params)
    assert codes_in(response)[0] == "mediation.test_1"
    Figure.objects.all().delete()
    for year in (2002, 2003):
        make_report_with_figures(year, 250, slugs=("stability", "mediation", "crackdown"))
    Figure.objects.filter(report__year=2003, position__lte=100).update(value=Decimal(0), stated_value=Decimal(0))
    assert viewer_client.get(EXPLORER, params).status_code == 200
    with django_assert_num_queries(EXPLORER_QUERIES):
        response = viewer_client.get(EXPLORER, params)
    assert response.context["table"].paginator.count >= 300
    assert len(codes_in(response)) == min(response.context["table"].paginator.count, int(params.get("per_page", 25)))


def test_explorer_sorts_by_percent_change_across_units(two_years, viewer_client):
    """rise +20 %, fall -20 %, rate -1.28 %, flat 0 %; without a previous value (new) last both ways."""
    ascending = explore(viewer_client, year="2002", sort="change_percent")
    assert ascending == ["mediation.fall", "mediation.rate", "mediation.flat", "mediation.rise", "mediation.new"]
    descending = explore(viewer_client, year="2002", sort="-change_percent")
    assert descending == ["mediation.rise", "mediation.flat", "mediation.rate", "mediation.fall", "mediation.new"]
    # By raw change the rate's -1.16 points sits between the counts' -10 and 0.
    assert explore(viewer_client, year="2002", sort="change")[:3] == [
        "mediation.fall",
        "mediation.rate",
        "mediation.flat",
    ]


def test_api_sorts_by_percent_change_as_the_explorer(two_years, client, make_user):
    user = make_user("viewer")
    secret = create_token(user=user, name="t", days=1)[1]
    rows = client.get(
        reverse("api:figures"), {"year": "2002", "sort": "-change_percent"}, HTTP_AUTHORIZATION=f"Bearer {secret}"
    ).json()["results"]
    client.force_login(user)
    assert [row["metric_code"] for row in rows] == explore(client, year="2002", sort="-change_percent")
