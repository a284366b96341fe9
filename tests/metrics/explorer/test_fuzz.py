"""Property: no query string makes the explorer or its exports fail.

Random keys (the explorer's own parameters and junk) with random values (valid
ones, any Unicode, NUL bytes, very long strings, invalid UTF-8) must give 200,
400, 403 or 404 (a page number that names no page) on SQLite and PostgreSQL alike; a crash would surface here as the
exception the test client re-raises.
"""

from urllib.parse import quote, quote_from_bytes

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

EXPLORER = reverse("metrics:explorer")

PARAMS = (
    "year",
    "section",
    "unit",
    "qualifier",
    "kind",
    "q",
    "value_min",
    "value_max",
    "sort",
    "per_page",
    "page",
    "_export",
)
GOOD_VALUES = (
    "2021", "2022", "mediation", "stability", "%", "起", "over", "approx", "rates", "counts", "化解", "=", "90", "100",
    "-1", "0", "0.5", "1e400", "NaN", "value", "-value", "name", "-year", "25", "50", "100", "99999",
    "csv", "xlsx", "json", "exe", "",
)  # fmt: skip

keys = st.one_of(st.sampled_from(PARAMS), st.text(max_size=12))
text_values = st.one_of(
    st.sampled_from(GOOD_VALUES),
    st.text(max_size=40),
    st.text(alphabet=st.sampled_from("\x00\x01\t\r\n=+-@'\"%_\\化解率"), max_size=20),
    st.builds(lambda char, times: char * times, st.characters(), st.integers(min_value=500, max_value=10_000)),
)
encoded_values = st.one_of(
    text_values.map(lambda value: quote(value, safe="")), st.binary(max_size=16).map(quote_from_bytes)
)
query_strings = st.lists(st.tuples(keys.map(lambda key: quote(key, safe="")), encoded_values), max_size=8).map(
    lambda pairs: "&".join(f"{key}={value}" for key, value in pairs)
)


def fetch(client, query: str) -> int:
    """GET the explorer with ``query``, reading a streamed export to its end; the status code."""
    response = client.get(f"{EXPLORER}?{query}")
    event(f"{response.status_code} {response['Content-Type'].split(';')[0]}")
    if response.streaming:
        b"".join(response.streaming_content)
    return response.status_code


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=query_strings)
def test_explorer_any_query_string_gives_200_400_or_404(report_2021, analyst_client, query):
    assert fetch(analyst_client, query) in {200, 400, 404}


@pytest.fixture
def viewer(make_user) -> Client:
    """A second client, so an analyst and a viewer are logged in at once."""
    client = Client()
    client.force_login(make_user("viewer"))
    return client


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=query_strings, export_format=st.sampled_from(["csv", "xlsx", "json", "exe", ""]))
def test_explorer_any_export_query_gives_200_or_400_and_403_without_permission(
    report_2021, analyst_client, viewer, query, export_format
):
    export_query = f"{query}&_export={export_format}"
    assert fetch(analyst_client, export_query) in {200, 400, 404}
    assert fetch(viewer, export_query) == 403
