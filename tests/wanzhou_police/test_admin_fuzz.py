"""Hostile admin requests as an editor: never a 500, and nothing stored changes unless a save succeeds.

Every model the editors manage, every URL position that holds an id (change,
delete, history, a history version, the old-style ``<id>/`` URL), list filters,
raw ids on the add and change forms, the autocomplete view's parameters, the
changelist's actions and editable columns, and every field of every change form
and revert form (inline rows included), each given garbage: letters, decimals,
huge numbers, NUL and other control characters, bidirectional overrides, long
strings. Each model and each of its forms is a test of its own. Writes are read
from the SQL each request runs: any statement but a read, on any table but the
session's, unless the request rolls back a savepoint opened before it. The run's
table of requests and answers is written to
``artifacts/admin-fuzz-<database>[-<xdist worker>].md``.
"""

import logging
import os
import re
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from pathlib import Path
from unittest import mock
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.contrib import admin
from django.db import connection, transaction
from django.dispatch import Signal
from django.test import Client
from django.urls import reverse

from metrics.management.commands.seed_report import record_history_baseline
from metrics.models import Figure
from reports.models import NamedItem, NotableCase, Report, Section
from tests.factories import make_report

# About 2,900 admin round trips, the Section and Figure tests 25-40 s each.
pytestmark = [pytest.mark.django_db, pytest.mark.slow, pytest.mark.usefixtures("report_2021_for_module")]

EDITED_MODELS = (Figure, Section, Report, NotableCase, NamedItem)
#: Every admin form of every edited model (each keeps a history, so each has a revert form).
FORMS = [(model, form) for model in EDITED_MODELS for form in ("change", "add", "revert")]

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

#: Tables a request may write without changing stored data: the logged-in editor's session.
MAY_WRITE = frozenset({"django_session"})
#: Statements that read, or open and close savepoints; any other statement counts as a write.
READ = re.compile(r"\s*(SELECT|SAVEPOINT|RELEASE|ROLLBACK|SET|SHOW|PRAGMA|EXPLAIN)\b", re.IGNORECASE)
SAVEPOINT = re.compile(r'\s*(SAVEPOINT|RELEASE\s+SAVEPOINT|ROLLBACK\s+TO\s+SAVEPOINT)\s+"?(\w+)"?', re.IGNORECASE)
WRITE_TABLE = re.compile(r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)

ARTIFACTS = Path(settings.BASE_DIR) / "artifacts"


class Writes:
    """An execute wrapper that keeps the tables written and not rolled back to a savepoint since it was installed.

    Each open savepoint holds the tables written since it; releasing it hands them to the one
    before, rolling back to it forgets them.
    """

    def __init__(self):
        self.savepoints: list[tuple[str, list[str]]] = [("", [])]

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if savepoint := SAVEPOINT.match(sql):
            self.savepoint(savepoint[1].split()[0].upper(), savepoint[2])
        elif not READ.match(sql):
            table = WRITE_TABLE.match(sql)
            self.savepoints[-1][1].append(table[1] if table else sql[:80])
        return result

    def savepoint(self, verb: str, name: str) -> None:
        if verb == "SAVEPOINT":
            self.savepoints.append((name, []))
            return
        index = max(i for i, (opened, _tables) in enumerate(self.savepoints) if opened == name)
        if verb == "RELEASE":
            for _name, tables in self.savepoints[index:]:
                self.savepoints[index - 1][1].extend(tables)
            del self.savepoints[index:]
        else:
            del self.savepoints[index + 1 :]
            self.savepoints[index][1].clear()

    @property
    def tables(self) -> list[str]:
        return sorted({table for _name, tables in self.savepoints for table in tables} - MAY_WRITE)


class Tally:
    """The answers of every request of the module's tests, by kind, for the artifacts table."""

    def __init__(self):
        self.answers: dict[str, Counter] = defaultdict(Counter)
        self.seconds: Counter = Counter()
        self.failures: list[str] = []

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


@pytest.fixture(scope="module")
def tally():
    tally = Tally()
    yield tally
    ARTIFACTS.mkdir(exist_ok=True)
    # One file a pytest-xdist worker: the module's tests may be shared between workers.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    (ARTIFACTS / f"admin-fuzz-{connection.vendor}{worker and '-' + worker}.md").write_text(
        tally.table() + "\n" + "\n".join(tally.failures), encoding="utf-8"
    )


@pytest.fixture(scope="module", autouse=True)
def errors_only_from_django_request():
    """The thousands of 400 and 404 answers are expected here: log only errors, a 500's included."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@contextmanager
def keeping_no_template_contexts():
    """Under test, every template a response renders (a few hundred for an admin form, its widgets included)
    sends a signal from which the client copies its context for ``response.context``. The fuzz reads only
    the status: a signal without receivers in its place saves the sends and the copies, which were an eighth
    of its time."""
    with mock.patch("django.test.utils.template_rendered", Signal()):
        yield


class Fuzzer:
    """Sends requests with a client that turns exceptions into the 500 a browser would see, and tallies them."""

    def __init__(self, client: Client, tally: Tally):
        self.client = client
        self.tally = tally
        self.failures: list[str] = []

    def send(self, kind: str, method: str, url: str, data=None, *, field: str | None = None, may_save=False):
        """Send one request; a 500, or a write by anything but a save answered with a redirect, is a failure."""
        writes = Writes()
        started = time.monotonic()
        with connection.execute_wrapper(writes), keeping_no_template_contexts():
            if method == "GET":
                response = self.client.get(url)
            else:
                response = self.client.post(url, data or {})
        self.tally.seconds[kind] += time.monotonic() - started
        self.tally.answers[kind][response.status_code] += 1
        request = f"{method} {url!r}" + (f" field {field!r} = {str(data[field])[:40]!r}" if field else "")
        if response.status_code >= 500:
            self.failures.append(f"{response.status_code} {request}")
        if writes.tables and not (may_save and response.status_code == 302):
            self.failures.append(f"{response.status_code} {request} wrote {', '.join(writes.tables)}")
        return response

    def check(self) -> None:
        self.tally.failures += self.failures
        assert self.failures == [], "\n".join(self.failures[:40])


@pytest.fixture
def fuzzer(report_2021, make_user, tally) -> Fuzzer:
    record_history_baseline()
    client = Client(raise_request_exception=False)
    client.force_login(make_user("editor"))
    return Fuzzer(client, tally)


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def url_id(value: str) -> str:
    return quote(value, safe="")


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


def version_id(obj) -> int:
    """The newest history version of ``obj``, recorded first for a row without history.

    ``record_history_baseline`` records none for the named items ``loaddata`` saved.
    """
    if not obj.history.exists():
        type(obj).history.bulk_history_create([obj])
    return obj.history.first().history_id


def copy_row(row, **changes):
    """A new row with ``row``'s values but its primary key, and ``changes``."""
    copy = type(row).objects.get(pk=row.pk)
    copy.pk, copy._state.adding = None, True
    for name, value in changes.items():
        setattr(copy, name, value)
    return copy


def section_with_a_row_in_each_inline() -> Section:
    """A copy of the 2021 mediation section cut to one notable case, one named item and three figures.

    Its change form has every field the fixture's sections show, and more: none of them has both a
    notable case and a named item. The first figure row is a linked rate, the other two the counts it
    divides, so a garbage value in that row reaches the check of linked rates across the rows. Fewer
    rows than the fixture's sections (16 to 21 figures) make each round trip of the form a third of the time.
    """
    original = Section.objects.get(report__year=2021, slug="mediation")
    section = copy_row(original, report=make_report(2022))
    section.save()
    rate = Figure.objects.get(report=original.report, code="mediation.resolution_rate")
    counts = {}
    for position, count in enumerate((rate.numerator, rate.denominator), start=2):
        counts[count.pk] = copy_row(count, report=section.report, section=section, position=position)
        counts[count.pk].save()
    copy_row(
        rate,
        report=section.report,
        section=section,
        position=1,
        numerator=counts[rate.numerator_id],
        denominator=counts[rate.denominator_id],
    ).save()
    copy_row(NotableCase.objects.order_by("pk").first(), section=section).save()
    copy_row(NamedItem.objects.order_by("pk").first(), section=section).save()
    return section


def test_writes_drop_what_a_savepoint_rolled_back_and_keep_the_rest(report_2021):
    writes = Writes()
    with connection.execute_wrapper(writes):
        with transaction.atomic():
            Figure.objects.filter(pk=1).update(name="改名")
            with transaction.atomic():
                NamedItem.objects.filter(pk=1).update(name="改名")
            transaction.set_rollback(True)
        assert writes.tables == []
        with transaction.atomic():
            NotableCase.objects.filter(pk=1).update(title="改名")
    assert writes.tables == ["reports_notablecase"]


def test_fuzzer_reports_a_save_by_a_request_not_allowed_to_save(editor_client, report_2021):
    fuzzer = Fuzzer(editor_client, Tally())
    url = admin_url(NamedItem, "change", 1)
    valid = page_form_data(editor_client.get(url))
    fuzzer.send("a save", "POST", url, valid | {"name": "改名"}, field="name")
    assert NamedItem.objects.get(pk=1).name == "改名"
    assert len(fuzzer.failures) == 1
    request, tables = fuzzer.failures[0].split(" wrote ")
    assert request == f"302 POST {url!r} field 'name' = '改名'"
    assert {"reports_nameditem", "reports_historicalnameditem"} <= set(tables.split(", "))


@pytest.mark.parametrize("model", EDITED_MODELS, ids=lambda model: model.__name__)
def test_admin_object_ids_with_garbage_never_fail_nor_write(fuzzer, model):
    obj = model.objects.order_by("pk").first()
    version = version_id(obj)
    base = admin_url(model, "changelist")
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
        fuzzer.send("object ids in the old `<id>/` URL", "GET", f"{base}{url_id(bad)}/")
        fuzzer.send("history version ids (revert page)", "GET", f"{base}{obj.pk}/history/{url_id(bad)}/")
        fuzzer.send("history version ids (revert page)", "GET", f"{base}{url_id(bad)}/history/{version}/")
        fuzzer.send("history version ids (revert page)", "POST", f"{base}{obj.pk}/history/{url_id(bad)}/", {"x": "1"})
    fuzzer.check()


@pytest.mark.parametrize("model", EDITED_MODELS, ids=lambda model: model.__name__)
def test_admin_changelist_with_garbage_never_fails_nor_writes(fuzzer, model):
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
        formset = fuzzer.client.get(base).context["cl"].formset
        valid = form_data(formset.management_form)
        for form in formset.forms[:2]:
            valid |= form_data(form)
        for name in [formset.forms[0].add_prefix(name) for name in formset.forms[0].fields]:
            for bad in BAD_VALUES:
                fuzzer.send(
                    "changelist editable columns",
                    "POST",
                    base,
                    valid | {name: bad, "_save": "1"},
                    field=name,
                    may_save=True,
                )
    fuzzer.check()


@pytest.mark.parametrize("model", EDITED_MODELS, ids=lambda model: model.__name__)
def test_admin_raw_ids_with_garbage_never_fail_nor_write(fuzzer, model):
    obj = model.objects.order_by("pk").first()
    for name in relation_names(model):
        for bad in BAD_IDS:
            query = urlencode({name: bad})
            for url in (admin_url(model, "add"), admin_url(model, "change", obj.pk)):
                fuzzer.send("raw ids on add and change forms (`?numerator=abc`)", "GET", f"{url}?{query}")
    fuzzer.check()


@pytest.mark.parametrize(("model", "form"), FORMS, ids=lambda param: getattr(param, "__name__", param))
def test_admin_form_fields_with_garbage_never_fail_nor_write(fuzzer, model, form):
    obj = section_with_a_row_in_each_inline() if model is Section else model.objects.order_by("pk").first()
    kind, url = {
        "change": ("change-form POSTs, every field (inline rows included)", admin_url(model, "change", obj.pk)),
        "add": ("add-form POSTs, every field", admin_url(model, "add")),
        "revert": ("revert-form POSTs, every field", admin_url(model, "simple_history", obj.pk, version_id(obj))),
    }[form]
    page = fuzzer.client.get(url)
    assert page.status_code == 200, url
    valid = page_form_data(page)
    names = field_names(page)
    for name in names:
        for bad in BAD_FORM_VALUES:
            saved = fuzzer.send(kind, "POST", url, valid | {name: bad}, field=name, may_save=True).status_code == 302
            if saved and form != "add":
                # Garbage that is valid text was saved: the page as it reads now, with the row's new version,
                # so the next garbage meets the field checks an editor meets, not the stale-version refusal
                # (tests/metrics/test_admin.py and tests/common/test_admin.py test that one).
                valid = page_form_data(fuzzer.client.get(url))
    fuzzer.check()


def test_admin_autocomplete_with_garbage_never_fails_nor_writes(fuzzer):
    url = reverse("admin:autocomplete")
    good = {"app_label": "metrics", "model_name": "figure", "field_name": "numerator", "term": "化解"}
    for param in (*good, "page", "_to_field"):
        for bad in (*BAD_VALUES, ""):
            fuzzer.send("autocomplete parameters", "GET", f"{url}?{urlencode(good | {param: bad})}")
    fuzzer.check()
