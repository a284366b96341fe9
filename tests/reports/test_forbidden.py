"""The 403 page names the role a page needs and who grants it; an account with no role is told so."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from reports.views import permission_denied

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module")]

EXPORT = "/metrics/?year=2021&q=%E5%8C%96%E8%A7%A3&_export=csv"


def text_of(response) -> str:
    """The page's visible text in one line, tags removed."""
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def test_permission_denied_for_a_viewers_export_names_the_analyst_role_and_who_grants_it(
    viewer_client, report_2021, django_assert_num_queries
):
    # Session, user, the user's own and group permissions, the navigation (revision, reports,
    # sections), then the user's groups for "目前的角色".
    with django_assert_num_queries(8):
        response = viewer_client.get(EXPORT)
    assert response.status_code == 403
    text = text_of(response)
    assert "這個頁面需要「分析員」角色（群組 analyst）" in text
    assert "您的帳號 viewer-user 目前的角色是「瀏覽者」" in text
    assert "系統管理員（超級使用者）" in text and "認證與授權 › 使用者" in text
    assert "在「群組」加入 analyst" in text


def test_permission_denied_for_an_export_links_back_to_the_same_filters_and_to_the_report(viewer_client, report_2021):
    html = viewer_client.get(EXPORT).content.decode()
    assert 'href="/metrics/?year=2021&amp;q=%E5%8C%96%E8%A7%A3"' in html
    assert 'href="/"' in html and "回到工作報告" in html
    assert "_export" not in html


def test_permission_denied_in_the_admin_names_the_editor_role_and_staff_status(client, make_user, report_2021):
    user = make_user("viewer")
    user.is_staff = True
    user.save()
    client.force_login(user)
    response = client.get("/admin/metrics/figure/add/")
    assert response.status_code == 403
    text = text_of(response)
    assert "這個頁面需要「編輯」角色（群組 editor）" in text
    assert "工作人員狀態" in text


def test_permission_denied_without_a_known_cause_still_says_who_to_ask(make_user, report_2021):
    # A refusal of a plain page to a viewer: nothing in the request names a higher role.
    request = RequestFactory().get("/reports/")
    request.user = make_user("viewer")
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    text = text_of(response)
    assert "請聯絡系統管理員（超級使用者）" in text
    assert "需要「" not in text
    assert "回到工作報告" in text


@pytest.mark.parametrize("path", ["/", "/reports/", "/reports/2021/", "/reports/2021/mediation/", "/metrics/"])
def test_an_account_without_a_role_lands_on_the_no_role_page(client, make_user, report_2021, path):
    client.force_login(make_user(None, username="newcomer"))
    response = client.get(path)
    assert response.status_code == 403
    text = text_of(response)
    assert "您的帳號還沒有角色" in text
    assert "您已登入為 newcomer" in text
    assert "在「群組」加入 viewer" in text
    assert "登出，改用其他帳號登入" in text


def test_no_role_page_costs_no_query_beyond_login_and_navigation(
    client, make_user, report_2021, django_assert_num_queries
):
    client.force_login(make_user(None, username="newcomer"))
    # Session, user, the user's own and group permissions, the navigation (revision, reports, sections).
    with django_assert_num_queries(7):
        response = client.get("/")
    assert response.status_code == 403
