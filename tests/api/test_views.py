"""The API: token authentication, what each role sees, the export's rows, pages, fields, 304, 429."""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from api.services import create_token, revoke_token
from api.throttling import TokenRateThrottle
from metrics.export import EXPORT_COLUMNS
from metrics.models import Figure
from reports.models import Report
from tests.factories import make_figure, make_report, make_section

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module")]

FIGURES = reverse("api:figures")
EXPLORER = reverse("metrics:explorer")


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def token_of(make_user):
    def make(role: str, **kwargs) -> str:
        user = make_user(role, username=f"{role}-api")
        return create_token(user=user, name="laptop", days=30, **kwargs)[1]

    return make


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_figures_csv_equals_the_web_export_byte_for_byte(client, token_of, analyst_client):
    params = {"year": "2021", "kind": "counts", "sort": "-value"}
    web = analyst_client.get(EXPLORER, {**params, "_export": "csv"})
    api = client.get(FIGURES, {**params, "format": "csv"}, **bearer(token_of("analyst")))
    assert api.status_code == 200
    api_bytes = body(api)
    assert api_bytes == body(web)
    assert api_bytes.count(b"\r\n") == Figure.objects.filter(report__year=2021).counts().count() + 1


def test_figures_csv_by_accept_header_equals_the_web_export(client, token_of, analyst_client):
    web = analyst_client.get(EXPLORER, {"section": "mediation", "_export": "csv"})
    api = client.get(FIGURES, {"section": "mediation"}, HTTP_ACCEPT="text/csv", **bearer(token_of("analyst")))
    assert api["Content-Type"] == "text/csv; charset=utf-8"
    assert body(api) == body(web)


def test_figures_sort_only_by_the_sort_the_filter_checked(client, token_of):
    secret = token_of("analyst")

    def codes(query: str) -> list[str]:
        page = client.get(f"{FIGURES}?{query}&page_size=100&fields=metric_code", **bearer(secret)).json()
        return [row["metric_code"] for row in page["results"]]

    ascending = codes("sort=value")
    assert ascending != codes("sort=-value")
    assert codes("sort=-value&sort=value") == ascending, "the first of two sorts does not sort the rows"
    assert client.get(f"{FIGURES}?sort=0.5", **bearer(secret)).status_code == 400


def test_figures_json_pages_follow_next_to_every_row_in_export_order(client, token_of):
    secret = token_of("analyst")
    url, codes = f"{FIGURES}?page_size=40&fields=report_year,metric_code,correction", []
    while url:
        page = client.get(url, **bearer(secret)).json()
        assert all(set(row) == {"report_year", "metric_code", "correction"} for row in page["results"])
        codes += [row["metric_code"] for row in page["results"]]
        url = page["next"]
    expected = list(Figure.objects.for_export().filter(report__published=True).values_list("code", flat=True))
    assert codes == expected


def test_figures_json_rows_have_numbers_and_null_for_empty(client, token_of):
    rows = client.get(FIGURES, {"page_size": 1}, **bearer(token_of("viewer"))).json()["results"]
    assert list(rows[0]) == list(EXPORT_COLUMNS)
    assert rows[0]["correction"] is None
    assert isinstance(rows[0]["value"], int | float)


def test_figures_unknown_field_or_bad_filter_is_400_in_json(client, token_of):
    secret = token_of("analyst")
    assert client.get(FIGURES, {"fields": "value,nope"}, **bearer(secret)).status_code == 400
    bad = client.get(FIGURES, {"year": "1999", "format": "csv"}, **bearer(secret))
    assert bad.status_code == 400
    assert bad["Content-Type"] == "application/json"
    assert "year" in bad.json()
    assert client.get(FIGURES, {"cursor": "@@@"}, **bearer(secret)).status_code == 400


def test_revoked_expired_and_unknown_tokens_get_401(client, token_of, make_user):
    secret = token_of("analyst")
    token = ApiToken.objects.get()
    assert client.get(FIGURES, **bearer(secret)).status_code == 200
    revoke_token(user=token.user, token_id=token.pk)
    revoked = client.get(FIGURES, **bearer(secret))
    assert revoked.status_code == 401
    assert revoked["WWW-Authenticate"].startswith("Bearer")
    other = create_token(user=token.user, name="old", days=1)[1]
    past = timezone.now() - timedelta(days=2)
    ApiToken.objects.filter(name="old").update(created_at=past, expires_at=past + timedelta(days=1))
    assert client.get(FIGURES, **bearer(other)).status_code == 401
    assert client.get(FIGURES, **bearer("wzk_not-a-token")).status_code == 401
    assert client.get(FIGURES).status_code == 401


def test_token_use_is_recorded_and_only_its_digest_is_stored(client, token_of):
    secret = token_of("viewer")
    client.get(reverse("api:reports"), **bearer(secret))
    token = ApiToken.objects.get()
    assert token.last_used_at is not None
    assert secret not in (token.digest, token.prefix) and secret.startswith(token.prefix)


def test_viewer_token_reads_json_but_not_bulk_rows(client, token_of):
    secret = token_of("viewer")
    assert client.get(FIGURES, **bearer(secret)).status_code == 200
    assert client.get(FIGURES, {"format": "csv"}, **bearer(secret)).status_code == 403
    assert client.get(FIGURES, {"format": "xlsx"}, **bearer(secret)).status_code == 403
    assert client.get(reverse("api:bundle-all"), **bearer(secret)).status_code == 403


def test_a_user_without_a_role_gets_403(client, make_user):
    secret = create_token(user=make_user(None), name="x", days=30)[1]
    assert client.get(reverse("api:reports"), **bearer(secret)).status_code == 403


def test_drafts_never_leak_to_analysts_but_editors_see_them(client, token_of):
    draft = make_report(2022, published=False)
    section = make_section(draft)
    make_figure(section, code="stability.draft_only")
    analyst, editor = token_of("analyst"), token_of("editor")
    years = [report["year"] for report in client.get(reverse("api:reports"), **bearer(analyst)).json()]
    assert years == [2021]
    assert client.get(reverse("api:report", kwargs={"year": 2022}), **bearer(analyst)).status_code == 404
    assert (
        client.get(reverse("api:metric", kwargs={"code": "stability.draft_only"}), **bearer(analyst)).status_code == 404
    )
    section_url = reverse("api:section", kwargs={"year": 2022, "slug": section.slug})
    assert client.get(section_url, **bearer(analyst)).status_code == 404
    assert b"stability.draft_only" not in body(client.get(FIGURES, {"format": "csv"}, **bearer(analyst)))
    editor_reports = client.get(reverse("api:reports"), **bearer(editor)).json()
    assert [(report["year"], report["published"]) for report in editor_reports] == [(2021, True), (2022, False)]
    series = client.get(reverse("api:metric", kwargs={"code": "stability.draft_only"}), **bearer(editor)).json()
    assert [row["report_year"] for row in series] == [2022]


def test_section_names_its_topic_across_years(client, token_of):
    section = Report.objects.get(year=2021).sections.order_by("position").first()
    answer = client.get(
        reverse("api:section", kwargs={"year": 2021, "slug": section.slug}), **bearer(token_of("viewer"))
    ).json()
    assert answer["topic"] == section.topic
    assert [(item["year"], item["slug"]) for item in answer["topic_across_years"]] == [(2021, section.slug)]


def test_metric_series_csv_equals_the_metric_pages_csv(client, token_of, viewer_client):
    code = Figure.objects.filter(report__year=2021).values_list("code", flat=True).first()
    web = viewer_client.get(reverse("metrics:series_csv", kwargs={"code": code}))
    api = client.get(reverse("api:metric", kwargs={"code": code}), {"format": "csv"}, **bearer(token_of("viewer")))
    assert body(api) == body(web)


def test_xlsx_has_widths_filter_frozen_header_and_typed_numbers(client, token_of):
    answer = client.get(FIGURES, {"format": "xlsx", "year": "2021"}, **bearer(token_of("analyst")))
    sheet = openpyxl.load_workbook(io.BytesIO(body(answer))).worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:N{sheet.max_row}"
    assert sheet.column_dimensions["J"].width == 60
    assert isinstance(sheet["F2"].value, int | float)


def test_repeat_with_if_none_match_gets_304_until_content_changes(client, token_of):
    secret = token_of("analyst")
    first = client.get(FIGURES, {"year": "2021"}, **bearer(secret))
    tag = first["ETag"]
    assert first["Last-Modified"]
    again = client.get(FIGURES, {"year": "2021"}, HTTP_IF_NONE_MATCH=tag, **bearer(secret))
    assert again.status_code == 304
    assert again.content == b""
    other_query = client.get(FIGURES, {"year": "2021", "kind": "rates"}, HTTP_IF_NONE_MATCH=tag, **bearer(secret))
    assert other_query.status_code == 200
    figure = Figure.objects.filter(report__year=2021).first()
    figure.name_en = "changed"
    figure.save()
    assert client.get(FIGURES, {"year": "2021"}, HTTP_IF_NONE_MATCH=tag, **bearer(secret)).status_code == 200


def test_web_export_answers_304_to_its_own_etag(analyst_client):
    first = analyst_client.get(EXPLORER, {"_export": "csv"})
    assert analyst_client.get(EXPLORER, {"_export": "csv"}, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_429_with_retry_after_past_the_limit(client, token_of, monkeypatch):
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"api": "3/minute"})
    secret, other = token_of("viewer"), token_of("analyst")
    statuses = [client.get(reverse("api:reports"), **bearer(secret)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get(reverse("api:reports"), **bearer(secret))
    assert 0 < int(limited["Retry-After"]) <= 60
    assert client.get(reverse("api:reports"), **bearer(other)).status_code == 200


def test_session_login_reads_the_browsable_api(viewer_client):
    answer = viewer_client.get(reverse("api:reports"), HTTP_ACCEPT="text/html")
    assert answer.status_code == 200
    assert b"2021" in answer.content


def test_writes_are_refused(client, token_of):
    assert client.post(FIGURES, {}, **bearer(token_of("editor"))).status_code in (403, 405)
