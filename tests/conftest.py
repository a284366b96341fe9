"""Shared fixtures: the 2021 report loaded from its fixture and its source text, the roles, logged-in clients."""

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import client as test_client
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from reports.models import Report
from search.indexing import rebuild as rebuild_search_index
from tests.loading import load_fixture, put_back_units
from wanzhou_police import outages

# Each test above one large frame: CPython 3.11 maps and unmaps its frame stack less (tests/frame_stack.py);
# the garbage collector frozen after collection and run less often on young objects (tests/garbage_collection.py).
pytest_plugins = ["tests.frame_stack", "tests.garbage_collection"]

# Hypothesis's 200 ms deadline per example measures the machine, not the code: on a CI machine running both
# databases' suites side by side one example can take half a second, and the deadline then fails a correct test.
# Bounded work has tests of its own (tests/wanzhou_police/test_limits.py, the extraction timing tests).
hypothesis_settings.register_profile("portal", deadline=None)
hypothesis_settings.load_profile("portal")

#: The report's text lives beside the repository in ../shared/source (README), never in it.
SOURCE_NAME_2021 = "wanzhou-police-2021-work-report.zh-Hant.txt"


def source_path_2021() -> Path:
    """Where the 2021 text is read from: ``WANZHOU_SOURCE_TEXT``, else ``../shared/source/``."""
    return Path(
        os.environ.get("WANZHOU_SOURCE_TEXT") or Path(settings.BASE_DIR).parent / "shared/source" / SOURCE_NAME_2021
    )


@pytest.fixture(scope="session")
def source_text_2021() -> str:
    """The 2021 report's text. Skips, naming the path, where it is absent (a fresh clone without
    ../shared); under CI=true it fails instead, so CI never passes without the provenance checks."""
    path = source_path_2021()
    if not path.is_file():
        message = (
            f"source text not found at {path}; put ../shared/source beside the repository or set WANZHOU_SOURCE_TEXT"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session", autouse=True)
def response_context_of_the_view_template_only():
    """``response.context`` holds the context of the first template a response renders, the view's own.

    Django's test client copies the context of every template rendered. Each widget is a template, so a
    section's admin form renders about 375 of them. In the modules that render many pages (draft visibility,
    the import admin) the copies took a sixth of the time: 41 s before, 35 s without them. The tests read only
    the view's variables (``adminform``, ``cl``, ``table``, ...), which that first context holds;
    ``response.templates`` still lists every template.
    """
    django_store = test_client.store_rendered_templates

    def store_first_context(store, signal, sender, template, context, **kwargs):
        if "context" in store:
            store["templates"].append(template)
        else:
            django_store(store, signal, sender, template, context, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(test_client, "store_rendered_templates", store_first_context)
        yield


@pytest.fixture
def second_approval_off(settings):
    """Saves of published figures and publications take effect at once, as for a bureau with one editor
    (``SECOND_APPROVAL_REQUIRED`` off). For the tests of the admin's edits and publishing themselves, which
    were written before the second pair of eyes; tests/metrics/test_review.py tests both settings."""
    settings.SECOND_APPROVAL_REQUIRED = False


@pytest.fixture
def second_approval_on(settings):
    settings.SECOND_APPROVAL_REQUIRED = True


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: the database rolls back between tests, and with it
    the content revision that page-cache keys include, so cached pages would otherwise leak."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language: the test client leaves active the language of the
    last page it requested (LocaleMiddleware activates it in this thread), so a ``reverse()`` in the
    next test would otherwise give that language's prefix, e.g. /en/admin/… after an English page."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def no_outage_carried_over():
    """Each test starts with the database and the cache up: this process remembers an outage
    (wanzhou_police/outages.py), so a test that simulates one would otherwise get 503s in the next."""
    yield
    outages.DATABASE.recovered()
    outages.CACHE.recovered()


@pytest.fixture(scope="module")
def report_2021_for_module(django_db_setup, django_db_blocker):
    """The 2021 report and the roles, loaded once for a whole module: ``report_2021`` and ``roles`` then load nothing.

    A module opts in with ``pytest.mark.usefixtures("report_2021_for_module")`` in its ``pytestmark``,
    and every test in it then sees the report. The rows stay in a transaction that rolls back after the
    module's last test; each test runs in a savepoint inside it, so a test's own writes still roll back
    before the next. Only for modules whose tests are all plain ``django_db`` tests: a transactional
    test (``transaction=True``, the live server) would flush the database from inside this transaction.
    """
    loaded = transaction.atomic()
    with django_db_blocker.unblock():
        loaded.__enter__()
    try:
        with django_db_blocker.unblock():
            load_fixture()
            # The index is written when a transaction commits; this one never does.
            rebuild_search_index()
            call_command("setup_roles", verbosity=0)
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            loaded.__exit__(None, None, None)


@pytest.fixture
def report_2021(request, db) -> Report:
    """The 2021 report from fixtures/wanzhou_2021.json, in the state `make run`'s loaddata leaves (tests/loading.py)."""
    if "report_2021_for_module" not in request.fixturenames:
        load_fixture()
        # The search index is written when a transaction commits, which a test's never does.
        rebuild_search_index()
    return Report.objects.get(year=2021)


@pytest.fixture
def roles(request, db) -> None:
    if "report_2021_for_module" not in request.fixturenames:
        call_command("setup_roles", verbosity=0)


@pytest.fixture
def make_user(db, roles, django_user_model):
    """Factory: ``make_user("viewer")`` → a user in that group (editors are also staff)."""

    def make(role: str | None, username: str | None = None, **extra):
        user = django_user_model.objects.create_user(
            username=username or f"{role or 'nobody'}-user",
            password="pw-for-tests",
            is_staff=role in ("editor", "approver"),
            **extra,
        )
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


def _client_for(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def viewer_client(client, make_user):
    return _client_for(client, make_user("viewer"))


@pytest.fixture
def analyst_client(client, make_user):
    return _client_for(client, make_user("analyst"))


@pytest.fixture
def editor_client(client, make_user):
    return _client_for(client, make_user("editor"))


@pytest.fixture
def audited_report(report_2021) -> Report:
    """The 2021 report with its history baseline, as `make run` loads it."""
    from metrics.management.commands.seed_report import record_history_baseline

    record_history_baseline()
    return report_2021


def flushes_at_the_end(request) -> bool:
    """Whether this test ran in a real transaction that Django ends with a flush: ``transaction=True``
    on its marker, or a transactional fixture, which the live server (the browser tests) takes
    without any marker."""
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    return bool({"transactional_db", "live_server", "django_db_reset_sequences"} & set(request.fixturenames))


#: Where a transactional test leaves the step that puts the units back after its flush.
UNITS_BACK = pytest.StashKey[Callable[[], None]]()


@pytest.fixture(autouse=True)
def units_back_after_a_flush(request, django_db_blocker):
    """After a transactional test, the 22 units its flush removed are back, as the migration left them.

    Transactional tests (see ``flushes_at_the_end``) end by flushing every table, the units migration
    metrics/0005 seeded with them; code that, like production, takes those rows as given (the
    benchmark-data command, a figure made without ``tests.factories.unit``) would then meet a foreign
    key with nothing to point at in whichever test this process runs next (under pytest-xdist a plain
    ``django_db`` test can follow a transactional one). pytest-django's own fixture flushes in its
    teardown, after this fixture's, so the step runs from ``pytest_runtest_teardown`` once every
    fixture of the test is torn down.
    """
    if not flushes_at_the_end(request):
        return

    def put_units_back():
        with django_db_blocker.unblock():
            put_back_units()

    request.node.stash[UNITS_BACK] = put_units_back


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        put_units_back = item.stash.get(UNITS_BACK, None)
        # Only for a test that follows: after the last test of a run (or of an xdist worker) the session's
        # teardown has already removed the test database, and nothing needs the units any more.
        if put_units_back is not None and nextitem is not None:
            put_units_back()
