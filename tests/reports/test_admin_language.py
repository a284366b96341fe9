"""The admin speaks Chinese to an editor on every page it shows them, history and revert pages included."""

import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from metrics.management.commands.seed_report import BASELINE_REASON, record_history_baseline
from metrics.models import Figure
from metrics.review import propose_figures
from reports.models import Section

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module")]

#: Data, not interface: metric codes, slugs, file and user names (``mediation.disputes_resolved``,
#: ``wanzhou-police-2021-work-report.zh-Hant.txt``, ``editor-user``) always join words with . _ or -.
IDENTIFIER = re.compile(r"[A-Za-z0-9]+(?:[._\-][A-Za-z0-9]+)+")
#: Names of formats and standards the interface uses as they are.
ALLOWED = {"CSV", "XLSX", "JSON", "PNG"}
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")


class VisibleText(HTMLParser):
    """The text a person meets on a page: text outside scripts and styles, plus the
    attributes that are read out or shown (title, placeholder, aria-label, alt, button values)."""

    def __init__(self):
        super().__init__()
        self.hidden_depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "textarea"):
            self.hidden_depth += 1
        attributes = dict(attrs)
        self.parts += [
            attributes[name] or "" for name in ("title", "placeholder", "aria-label", "alt") if name in attributes
        ]
        if tag == "input" and attributes.get("type") in ("submit", "button", "reset"):
            self.parts.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "textarea"):
            self.hidden_depth -= 1

    def handle_data(self, data):
        if not self.hidden_depth:
            self.parts.append(data)


def english_words(html: str) -> set[str]:
    parser = VisibleText()
    parser.feed(html)
    text = IDENTIFIER.sub(" ", " ".join(parser.parts))
    return set(ENGLISH_WORD.findall(text)) - ALLOWED


@pytest.fixture
def edited_report(report_2021):
    """The 2021 report with its history baselines and one later edit, so history pages show a change."""
    record_history_baseline()
    figure = Figure.objects.get(report__year=2021, code="stability.permitted_event_plans")
    figure.value += 1
    figure.correction_reason = figure._change_reason = "核對原文後更正"
    figure.save()
    # A proposal, so the list and the diff of proposals are among the pages.
    editor = get_user_model().objects.create_user("提議編輯", is_staff=True)
    proposed = Figure.objects.get(pk=figure.pk)
    proposed.value += 1
    propose_figures(figures=[proposed], user=editor, reason="核對原文")
    return report_2021


def admin_pages(user) -> list[str]:
    """Every admin page an editor can open: index, app lists, and each model's list, forms and history."""
    pages = [reverse("admin:index"), reverse("admin:password_change"), reverse("admin:password_change_done")]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        if not model_admin.has_view_permission(type("Request", (), {"user": user})()):
            continue
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        obj = model.objects.order_by("pk").first()
        pages += [
            reverse("admin:app_list", args=[opts.app_label]),
            reverse(f"{prefix}_changelist"),
            reverse(f"{prefix}_changelist") + "?q=沒有這個詞",
            reverse(f"{prefix}_change", args=[obj.pk]),
        ]
        # Proposals are read-only: no add, history or delete page.
        if hasattr(model, "history"):
            pages += [
                reverse(f"{prefix}_add"),
                reverse(f"{prefix}_history", args=[obj.pk]),
                reverse(f"{prefix}_delete", args=[obj.pk]),
            ]
        if hasattr(model, "history"):
            pages += [
                reverse(f"{prefix}_simple_history", args=[obj.pk, record.history_id])
                for record in model.history.filter(**{opts.pk.attname: obj.pk})
            ]
    return list(dict.fromkeys(pages))


@pytest.mark.slow  # opens about 40 admin pages, the section form with its 44 inline rows among them: ~6 s
def test_admin_pages_show_an_editor_no_english_interface_words(client, make_user, edited_report):
    editor = make_user("editor")
    client.force_login(editor)
    pages = admin_pages(editor)
    assert len(pages) > 30
    # Section slugs and topics are data an editor types (the section list shows them), not interface words.
    data = {*Section.objects.values_list("slug", flat=True), *Section.objects.values_list("topic", flat=True)}
    stray = {}
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        if words := english_words(response.content.decode()) - data:
            stray[path] = sorted(words)
    assert stray == {}


def test_figure_revert_page_breadcrumb_names_the_app_and_list_as_the_admin_does(editor_client, edited_report):
    figure = Figure.objects.get(report__year=2021, code="stability.permitted_event_plans")
    baseline = figure.history.earliest()
    url = reverse("admin:metrics_figure_simple_history", args=[figure.pk, baseline.history_id])
    html = editor_client.get(url).content.decode()
    crumbs = html.split('<div class="breadcrumbs">')[1].split("</div>")[0]
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", crumbs))).strip()
    assert text == f"首頁 › 數據與單位 › 數據 › {figure} › 修改紀錄 › 還原數據"
    assert "Historical" not in html


def test_figure_history_page_shows_the_baseline_reason_in_chinese(editor_client, edited_report):
    figure = Figure.objects.get(report__year=2021, code="stability.permitted_event_plans")
    html = editor_client.get(reverse("admin:metrics_figure_history", args=[figure.pk])).content.decode()
    assert BASELINE_REASON in html and "fixture baseline" not in html
    assert "核對原文後更正" in html


def test_english_words_ignores_identifiers_but_not_interface_words():
    html = '<p>mediation.disputes_resolved editor-user CSV</p><img alt="Search"><p>fixture baseline</p>'
    assert english_words(html) == {"Search", "fixture", "baseline"}


def test_admin_login_page_shows_no_english_interface_words(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert english_words(response.content.decode()) == set()
