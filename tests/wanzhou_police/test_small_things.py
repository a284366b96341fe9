"""Issue 27's small things: the login asks for an empty field, a viewer at /admin/ gets the portal's
403 page in the page language, the admin names its apps in the page language, and no name repeats."""

import re

import pytest
from django.test import Client

from reports.models import Report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module")]


def test_login_empty_fields_are_required_not_a_wrong_password():
    response = Client().post("/en/accounts/login/", {"username": "", "password": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("This field is required.") == 2
    assert "incorrect" not in html.lower()


def test_login_wrong_password_still_says_so_without_naming_a_field():
    response = Client().post("/en/accounts/login/", {"username": "nobody", "password": "wrong-password"})
    html = response.content.decode()
    assert "This field is required." not in html
    assert 'class="form-error"' in html


@pytest.mark.parametrize(
    ("prefix", "heading"),
    [("", "沒有權限"), ("/zh-hans", "没有权限"), ("/en", "Not allowed")],
)
def test_admin_viewer_gets_the_portals_403_page_in_the_page_language(viewer_client, prefix, heading):
    response = viewer_client.get(f"{prefix}/admin/", follow=True)
    html = response.content.decode()
    assert response.status_code == 403
    assert f"<h1>{heading}</h1>" in html
    assert "site-header" in html, "the portal's page, with its navigation"
    assert "not authorized" not in html


def test_admin_login_still_serves_anonymous_visitors_and_staff_elsewhere():
    response = Client().get("/admin/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [("/admin/login/?next=/admin/", 302)]


@pytest.mark.parametrize(
    ("prefix", "shown", "absent"),
    [
        ("", ["登入紀錄", "登入嘗試", "數據與單位"], ["Access attempts", "Axes"]),
        ("/zh-hans", ["登录记录", "登录尝试", "模型名称", "添加链接"], ["模型名稱", "加入鏈結", "Axes"]),
        ("/en", ["Login records", "Access attempts", "Figures and units", "Model name"], ["登入", "模型"]),
    ],
)
def test_admin_index_names_apps_and_captions_in_the_page_language(client, make_user, prefix, shown, absent):
    client.force_login(make_user("editor", is_superuser=True))
    html = client.get(f"{prefix}/admin/").content.decode()
    for text in shown:
        assert text in html, text
    for text in absent:
        assert text not in html, text


def test_admin_breadcrumb_names_app_and_model_differently(editor_client):
    html = editor_client.get("/admin/metrics/figure/").content.decode()
    crumbs = re.search(r'<div class="breadcrumbs">(.*?)</div>', html, re.S).group(1)
    text = " ".join(re.sub(r"<[^>]+>", " ", crumbs).split())
    assert text == "首頁 &rsaquo; 數據與單位 &rsaquo; 數據"


def test_report_name_is_not_doubled():
    report = Report.objects.get(year=2021)
    assert str(report) == "2021年工作綜述"
    assert str(Report(year=2022, title="工作綜述")) == "2022 工作綜述"
