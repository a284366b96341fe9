"""The admin column of the role matrix, through the real URLs.

Anonymous visitors are sent to the admin login; viewers and analysts (not staff)
too; editors open every changelist, change, add and history page of the
project's models, but not users or groups.
"""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from metrics.models import Figure, Proposal
from metrics.review import propose_figures

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module")]

PROJECT_APPS = {"reports", "metrics"}
PROJECT_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label in PROJECT_APPS),
    key=lambda model: model._meta.label,
)
AUDITED_MODELS = [model for model in PROJECT_MODELS if isinstance(admin.site._registry[model], SimpleHistoryAdmin)]
#: Models editors read but never add or edit in the admin: proposals are decided by ``metrics.review``.
READ_ONLY_MODELS = [Proposal]
EDITED_MODELS = [model for model in PROJECT_MODELS if model not in READ_ONLY_MODELS]


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def changelists() -> list[str]:
    return [admin_url(model, "changelist") for model in PROJECT_MODELS]


def test_admin_registers_every_project_model():
    labels = {model._meta.label for model in PROJECT_MODELS}
    assert labels == {
        "reports.Report",
        "reports.Section",
        "reports.NotableCase",
        "reports.NamedItem",
        "metrics.Figure",
        "metrics.Unit",
        "metrics.Proposal",
    }


def test_admin_audits_the_audited_models_with_simple_history():
    audited = {model._meta.label for model in AUDITED_MODELS}
    assert audited == {
        "reports.Report",
        "reports.Section",
        "reports.NotableCase",
        "reports.NamedItem",
        "metrics.Figure",
        "metrics.Unit",
    }


def test_admin_anonymous_is_redirected_to_admin_login(client, report_2021):
    login = reverse("admin:login")
    for url in [reverse("admin:index"), *changelists(), reverse("admin:auth_user_changelist")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == f"{login}?next={url}"


@pytest.mark.parametrize("role", ["viewer", "analyst"])
def test_admin_refuses_viewer_and_analyst(client, make_user, report_2021, role):
    client.force_login(make_user(role))
    login = reverse("admin:login")
    figure_change = admin_url(Figure, "change", Figure.objects.first().pk)
    for url in [reverse("admin:index"), *changelists(), figure_change]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == f"{login}?next={url}"


@pytest.mark.parametrize("model", EDITED_MODELS, ids=lambda model: model._meta.label)
def test_admin_editor_opens_changelist_change_and_add_forms(editor_client, report_2021, model):
    obj = model._default_manager.order_by("pk").first()
    for url in (admin_url(model, "changelist"), admin_url(model, "change", obj.pk), admin_url(model, "add")):
        response = editor_client.get(url)
        assert response.status_code == 200, url
    assert str(obj) in editor_client.get(admin_url(model, "change", obj.pk)).content.decode()


def test_admin_editor_reads_proposals_but_cannot_add_or_decide_them(editor_client, make_user):
    figure = Figure.objects.order_by("pk").first()
    figure.value += 1
    figure.correction_reason = "核對"
    proposal = propose_figures(figures=[figure], user=make_user("editor", username="proposer"))
    assert editor_client.get(admin_url(Proposal, "changelist")).status_code == 200
    page = editor_client.get(admin_url(Proposal, "change", proposal.pk))
    assert page.status_code == 200 and 'name="_approve"' not in page.content.decode()
    assert editor_client.get(admin_url(Proposal, "add")).status_code == 403
    assert editor_client.post(admin_url(Proposal, "change", proposal.pk), {"_approve": "1"}).status_code == 403


@pytest.mark.parametrize("model", AUDITED_MODELS, ids=lambda model: model._meta.label)
def test_admin_editor_opens_history_page(editor_client, report_2021, model):
    obj = model._default_manager.order_by("pk").first()
    response = editor_client.get(admin_url(model, "history", obj.pk))
    assert response.status_code == 200
    assert response.context["object"] == obj


@pytest.mark.parametrize("url", ["admin:auth_user_changelist", "admin:auth_group_changelist", "admin:auth_user_add"])
def test_admin_editor_cannot_manage_users_or_groups(editor_client, url):
    assert editor_client.get(reverse(url)).status_code == 403


def test_admin_index_shows_editor_no_auth_app(editor_client, report_2021):
    response = editor_client.get(reverse("admin:index"))
    app_labels = {app["app_label"] for app in response.context["app_list"]}
    assert app_labels == PROJECT_APPS


def test_roles_no_group_holds_an_auth_permission(roles):
    for group in Group.objects.all():
        assert not group.permissions.filter(content_type__app_label="auth").exists(), group.name
