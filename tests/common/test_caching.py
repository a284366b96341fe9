"""The page cache: served from cache, invalidated by any change, never mixing users' variants."""

from decimal import Decimal

import pytest
from django.db.models import F

from metrics.models import Figure
from reports.models import ContentRevision, NamedItem

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module")]

MEDIATION = "/reports/2021/mediation/"


def resolved() -> Figure:
    return Figure.objects.get(code="mediation.disputes_resolved")


def test_section_page_is_served_from_the_cache_until_the_revision_changes(viewer_client, report_2021):
    assert "17,918起" in viewer_client.get(MEDIATION).content.decode()
    Figure.objects.filter(pk=resolved().pk).update(value=Decimal("17920"), correction_reason="更正")  # bypasses signals
    assert "17,918起" in viewer_client.get(MEDIATION).content.decode(), "expected the cached body"
    ContentRevision.objects.filter(pk=1).update(edits=F("edits") + 1)  # as another process's save would
    assert "17,920起" in viewer_client.get(MEDIATION).content.decode()


def test_saving_a_figure_shows_on_the_very_next_request(viewer_client, report_2021):
    viewer_client.get(MEDIATION)
    viewer_client.get("/reports/2021/")
    figure = resolved()
    figure.value, figure.correction_reason = Decimal("17920"), "更正"
    figure.save()
    assert "17,920起" in viewer_client.get(MEDIATION).content.decode()
    screened = Figure.objects.get(code="mediation.disputes_screened")
    screened.value, screened.correction_reason = Decimal("18200"), "更正"
    screened.save()
    assert "18,200起" in viewer_client.get("/reports/2021/").content.decode()


def test_an_admin_edit_shows_on_the_portal_at_once(editor_client, report_2021):
    editor_client.get(MEDIATION)
    figure = Figure.objects.get(code="crackdown.guns_seized")
    page = editor_client.get(f"/admin/metrics/figure/{figure.pk}/change/")
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if value is not None and key not in {"case", "numerator", "denominator"}
    }
    data.update(
        report=figure.report_id, section=figure.section_id, value="21", correction_reason="更正", change_reason="更正"
    )
    editor_client.get("/reports/2021/crackdown/")
    response = editor_client.post(f"/admin/metrics/figure/{figure.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "21支" in editor_client.get("/reports/2021/crackdown/").content.decode()


def test_deleting_content_invalidates_the_page(viewer_client, report_2021):
    assert "世界大河歌會" in viewer_client.get("/reports/2021/stability/").content.decode()
    NamedItem.objects.get(name="世界大河歌會").delete()
    assert "世界大河歌會" not in viewer_client.get("/reports/2021/stability/").content.decode()


def test_cached_bodies_are_kept_apart_per_permission(client, make_user, report_2021):
    client.force_login(make_user("editor"))
    editor_html = client.get(MEDIATION).content.decode()
    assert "_export=csv" in editor_html and "/history/" in editor_html
    client.force_login(make_user("viewer"))
    viewer_html = client.get(MEDIATION).content.decode()
    assert "_export=csv" not in viewer_html
    assert "/history/" not in viewer_html
    client.force_login(make_user("analyst"))
    analyst_html = client.get(MEDIATION).content.decode()
    assert "_export=csv" in analyst_html and "/history/" not in analyst_html


def test_cached_body_carries_no_stray_query_parameters(viewer_client, report_2021):
    viewer_client.get(MEDIATION + "?sort=name&planted=leak")
    html = viewer_client.get(MEDIATION + "?sort=name").content.decode()
    assert "planted" not in html
    assert "sort=-name" in html, "the sort links still toggle the current order"


def test_unknown_sort_shares_the_default_body(viewer_client, report_2021, django_assert_max_num_queries):
    viewer_client.get(MEDIATION)
    with django_assert_max_num_queries(6):
        response = viewer_client.get(MEDIATION + "?sort=nonsense")
    assert "18,161起" in response.content.decode()
