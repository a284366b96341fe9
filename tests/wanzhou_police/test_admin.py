"""The portal's admin site refuses hostile input before any admin view runs (the fuzz's named cases)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from metrics.management.commands.seed_report import record_history_baseline
from metrics.models import Figure

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module")]

RATE = "mediation.resolution_rate"


@pytest.fixture
def editor(report_2021, make_user) -> Client:
    record_history_baseline()
    client = Client(raise_request_exception=False)
    client.force_login(make_user("editor"))
    return client


@pytest.fixture
def rate() -> Figure:
    return Figure.objects.get(report__year=2021, code=RATE)


@pytest.mark.parametrize(
    "path",
    [
        "/admin/metrics/figure/abc/history/",
        "/admin/metrics/figure/abc/change/",
        "/admin/metrics/figure/%201/delete/",
        "/admin/metrics/figure/99999999999999999999/change/",
        "/admin/metrics/figure/{pk}/history/1.5/",
        "/admin/metrics/figure/{pk}/history/abc/",
        "/admin/metrics/figure/abc/history/{version}/",
    ],
)
def test_admin_url_id_that_is_not_a_key_is_404(editor, rate, path):
    url = path.format(pk=rate.pk, version=rate.history.first().history_id)
    assert editor.get(url).status_code == 404


@pytest.mark.parametrize(
    "query",
    ["?numerator=abc", "?numerator=1.5", "?case=99999999999999999999", "?denominator=%00"],
)
def test_admin_raw_id_that_is_not_a_key_is_400(editor, query):
    response = editor.get(reverse("admin:metrics_figure_add") + query)
    assert response.status_code == 400
    assert "未做任何變更" in response.content.decode()


@pytest.mark.parametrize("query", ["?unit__exact=%00", "?q=%01", "?section__id__exact=1%00"])
def test_admin_control_character_in_a_list_filter_is_400(editor, query):
    assert editor.get(reverse("admin:metrics_figure_changelist") + query).status_code == 400


@pytest.mark.parametrize(("field", "value"), [("numerator", "abc"), ("case", "1.5"), ("name", "化解\x00")])
def test_admin_change_form_post_with_garbage_is_400_and_stores_nothing(editor, rate, field, value):
    before = Figure.objects.filter(pk=rate.pk).values().get()
    url = reverse("admin:metrics_figure_change", args=[rate.pk])
    response = editor.post(url, {"report": rate.report_id, "section": rate.section_id, "value": "1", field: value})
    assert response.status_code == 400
    assert Figure.objects.filter(pk=rate.pk).values().get() == before
    assert rate.history.count() == 1


def test_admin_selected_action_on_a_non_id_is_400_and_deletes_nothing(editor):
    count = Figure.objects.count()
    response = editor.post(
        reverse("admin:metrics_figure_changelist"),
        {"action": "delete_selected", "_selected_action": " 1", "post": "yes"},
    )
    assert response.status_code == 400
    assert Figure.objects.count() == count


def test_admin_checks_run_after_the_login_check(client):
    response = client.get("/admin/metrics/figure/abc/history/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_admin_index_shows_chinese_site_header(editor_client, audited_report):
    html = editor_client.get(reverse("admin:index")).content.decode()
    assert '<a href="/admin/">萬州區公安局工作報告管理後台</a>' in html
    assert re.search(r'<a href="/admin/metrics/"[^>]*>數據與單位</a>', html)
