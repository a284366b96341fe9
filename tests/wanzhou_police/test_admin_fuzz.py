"""Hostile admin requests as an editor: never a 500, and nothing stored changes unless a save succeeds.

Every model the editors manage, every URL position that holds an id (change,
delete, history, a history version, the old-style ``<id>/`` URL), list filters,
raw ids on the add and change forms, the autocomplete view's parameters, the
changelist's actions and editable columns, and every field of every change form
and revert form (inline rows included), each given garbage: letters, decimals,
huge numbers, NUL and other control characters, bidirectional overrides, long
strings. The run's table of requests and answers is written to
``artifacts/admin-fuzz-<database>.md``.
"""

import hashlib
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.contrib import admin
from django.db import connection
from django.test import Client
from django.urls import reverse

from metrics.management.commands.seed_report import record_history_baseline
from metrics.models import Figure
from reports.models import NamedItem, NotableCase, Report, Section

pytestmark = pytest.mark.django_db

EDITED_MODELS = (Figure, Section, Report, NotableCase, NamedItem)

#: Garbage for a URL position or a parameter that holds an id.
BAD_IDS = (
    "abc",
    "1.5",
    "-1",
    "0",
    "1e3",
    "99999999999999999999",
    " 1",
    "1 OR 1=1",
    "\x00",
    "1\x00",
    "\x1b[0m",
    "\u202e1",
    "%",
    "a" * 300,
)
#: Garbage for any parameter: text where a number or an id belongs, a number no column holds,
#: a control character, a right-to-left override, a long string.
BAD_VALUES = ("abc", "1.5", "99999999999999999999", "\x00", "\u202eevil\u202c", "字" * 300)
#: Garbage for every form field, fewer kinds as each is a full form round trip: a bidirectional
#: override is valid text, tried above and in the login fuzz.
BAD_FORM_VALUES = ("abc", "99999999999999999999", "\x00", "字" * 300)

ARTIFACTS = Path(settings.BASE_DIR) / "artifacts"


def url_id(value: str) -> str:
    return quote(value, safe="")


def snapshot() -> str:
    """A digest of every row the editors can change, and of their history."""
    digest = hashlib.sha256()
    for model in EDITED_MODELS:
        for row in model.objects.order_by("pk").values():
            digest.update(repr(sorted(row.items())).encode())
        if hasattr(model, "history"):
            digest.update(str(model.history.count()).encode())
    return digest.hexdigest()


class Fuzzer:
    """Sends requests with a client that turns exceptions into the 500 a browser would see, and tallies them."""

    def __init__(self, client: Client):
        self.client = client
        self.answers: dict[str, Counter] = defaultdict(Counter)
        self.seconds: Counter = Counter()
        self.failures: list[str] = []

    def send(self, kind: str, method: str, url: str, data=None, *, may_save: bool = False):
        before = snapshot() if method == "POST" else None
        started = time.monotonic()
        if method == "GET":
            response = self.client.get(url)
        else:
            response = self.client.post(url, data or {})
        self.seconds[kind] += time.monotonic() - started
        self.answers[kind][response.status_code] += 1
        if response.status_code >= 500:
            self.failures.append(f"{response.status_code} {method} {url!r} {str(data)[:200]!r}")
        saved = may_save and response.status_code == 302
        if before is not None and not saved and snapshot() != before:
            self.failures.append(f"stored data changed by {response.status_code} {method} {url!r} {str(data)[:200]!r}")
        return response

    def table(self) -> str:
        lines = ["| requests | tried | answers | 500s | seconds |", "| --- | ---: | --- | ---: | ---: |"]
        for kind, counts in self.answers.items():
            answers = ", ".join(f"{status}: {count}" for status, count in sorted(counts.items()))
            fives = sum(count for status, count in counts.items() if status >= 500)
            lines.append(f"| {kind} | {sum(counts.values())} | {answers} | {fives} | {self.seconds[kind]:.0f} |")
        total = sum(sum(counts.values()) for counts in self.answers.values())
        fives = sum(count for counts in self.answers.values() for status, count in counts.items() if status >= 500)
        lines.append(f"| **all** | {total} | | {fives} | {sum(self.seconds.values()):.0f} |")
        return "\n".join(lines) + "\n"


@pytest.fixture
def fuzzer(report_2021, make_user) -> Fuzzer:
    record_history_baseline()
    client = Client(raise_request_exception=False)
    client.force_login(make_user("editor"))
    return Fuzzer(client)


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def form_data(form) -> dict:
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if isinstance(value, list | tuple):
            value = [str(item) for item in value]
        data[form.add_prefix(name)] = "on" if value is True else value
    return data


def page_form_data(response) -> dict:
    """The POST data that saves the admin form on this page as shown (main form and inline rows)."""
    data = form_data(response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets") or []:
        data |= form_data(inline.formset.management_form)
        for form in inline.formset.forms:
            data |= form_data(form)
    return data


def field_names(response) -> list[str]:
    """The POST names of the main form's fields and of each inline's first row.

    Not an inline row's DELETE box: any garbage there reads as ticked, a legitimate deletion.
    """
    names = [response.context["adminform"].form.add_prefix(name) for name in response.context["adminform"].form.fields]
    for inline in response.context.get("inline_admin_formsets") or []:
        forms = inline.formset.forms
        if forms:
            names += [forms[0].add_prefix(name) for name in forms[0].fields if name != "DELETE"]
    return names


def relation_names(model) -> list[str]:
    return [field.name for field in model._meta.get_fields() if field.is_relation and field.concrete]


def version_id(obj) -> int | None:
    """The newest history version of ``obj``, or None for a model without history."""
    if not hasattr(obj, "history"):
        return None
    return obj.history.first().history_id


def fuzz_url_ids(fuzzer: Fuzzer, model) -> None:
    obj = model.objects.order_by("pk").first()
    version = version_id(obj) or 1
    for bad in BAD_IDS:
        for view in ("change", "delete", "history"):
            fuzzer.send(
                "object ids in change/delete/history URLs", "GET", admin_url(model, view, "X").replace("X", url_id(bad))
            )
        fuzzer.send(
            "object ids in change/delete/history URLs",
            "POST",
            admin_url(model, "delete", "X").replace("X", url_id(bad)),
            {"post": "yes"},
        )
        base = admin_url(model, "changelist")
        fuzzer.send("object ids in the old `<id>/` URL", "GET", f"{base}{url_id(bad)}/")
        fuzzer.send("history version ids (revert page)", "GET", f"{base}{obj.pk}/history/{url_id(bad)}/")
        fuzzer.send("history version ids (revert page)", "GET", f"{base}{url_id(bad)}/history/{version}/")
        fuzzer.send("history version ids (revert page)", "POST", f"{base}{obj.pk}/history/{url_id(bad)}/", {"x": "1"})


def fuzz_changelist(fuzzer: Fuzzer, model) -> None:
    base = admin_url(model, "changelist")
    model_admin = admin.site._registry[model]
    filter_params = ["q", "o", "p", "e", "all", "_changelist_filters", "_to_field", "_popup"]
    for field in model._meta.concrete_fields:
        filter_params += [f"{field.name}__exact", f"{field.name}__isnull"]
        if field.is_relation:
            filter_params += [f"{field.name}__id__exact", f"{field.name}__pk__exact"]
    for spec in model_admin.list_filter:
        name = spec[0] if isinstance(spec, tuple) else spec
        if isinstance(name, str):
            filter_params += [f"{name}__exact", f"{name}__id__exact"]
    for param in dict.fromkeys(filter_params):
        for bad in ("abc", "1.5", "\x00", "\u202e1", "a" * 300):
            fuzzer.send("list filters, search, ordering, paging", "GET", f"{base}?{urlencode({param: bad})}")
    for bad in BAD_IDS:
        fuzzer.send(
            "changelist actions on selected rows",
            "POST",
            base,
            {"action": "delete_selected", "_selected_action": bad, "index": "0", "post": "yes"},
        )
    if model_admin.list_editable:
        list_page = fuzzer.client.get(base)
        formset = list_page.context["cl"].formset
        valid = form_data(formset.management_form)
        for form in formset.forms[:2]:
            valid |= form_data(form)
        names = [formset.forms[0].add_prefix(name) for name in formset.forms[0].fields]
        for name in names:
            for bad in BAD_VALUES:
                fuzzer.send(
                    "changelist editable columns", "POST", base, valid | {name: bad, "_save": "1"}, may_save=True
                )


def fuzz_raw_ids(fuzzer: Fuzzer, model) -> None:
    obj = model.objects.order_by("pk").first()
    for name in relation_names(model):
        for bad in BAD_IDS:
            query = urlencode({name: bad})
            fuzzer.send(
                "raw ids on add and change forms (`?numerator=abc`)", "GET", f"{admin_url(model, 'add')}?{query}"
            )
            fuzzer.send(
                "raw ids on add and change forms (`?numerator=abc`)",
                "GET",
                f"{admin_url(model, 'change', obj.pk)}?{query}",
            )


def fuzz_forms(fuzzer: Fuzzer, model) -> None:
    obj = model.objects.order_by("pk").first()
    forms = [
        ("change-form POSTs, every field (inline rows included)", admin_url(model, "change", obj.pk)),
        ("add-form POSTs, every field", admin_url(model, "add")),
    ]
    if version_id(obj) is not None:
        forms.append(("revert-form POSTs, every field", admin_url(model, "simple_history", obj.pk, version_id(obj))))
    for kind, url in forms:
        page = fuzzer.client.get(url)
        assert page.status_code == 200, url
        valid = page_form_data(page)
        for name in field_names(page):
            for bad in BAD_FORM_VALUES:
                fuzzer.send(kind, "POST", url, valid | {name: bad}, may_save=True)


def fuzz_autocomplete(fuzzer: Fuzzer) -> None:
    url = reverse("admin:autocomplete")
    good = {"app_label": "metrics", "model_name": "figure", "field_name": "numerator", "term": "化解"}
    for param in (*good, "page", "_to_field"):
        for bad in (*BAD_VALUES, ""):
            fuzzer.send("autocomplete parameters", "GET", f"{url}?{urlencode(good | {param: bad})}")


def test_admin_hostile_requests_as_an_editor_never_answer_500(fuzzer):
    try:
        for model in EDITED_MODELS:
            fuzz_url_ids(fuzzer, model)
            fuzz_changelist(fuzzer, model)
            fuzz_raw_ids(fuzzer, model)
            fuzz_forms(fuzzer, model)
        fuzz_autocomplete(fuzzer)
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"admin-fuzz-{connection.vendor}.md").write_text(
            fuzzer.table() + "\n" + "\n".join(fuzzer.failures), encoding="utf-8"
        )
    assert fuzzer.failures == [], "\n".join(fuzzer.failures[:40])
