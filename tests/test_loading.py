"""The tests' fast fixture loader (tests/loading.py) leaves the database exactly as ``loaddata`` does."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction

from metrics.models import Unit
from reports.models import ContentRevision, Report
from tests.loading import load_fixture, put_back_units

pytestmark = pytest.mark.django_db


def sequences() -> dict[str, int | None]:
    """The next-id counter of every table that has one."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, seq FROM sqlite_sequence")
            return dict(cursor.fetchall())
        counters = {}
        for model in apps.get_models(include_auto_created=True):
            table, column = model._meta.db_table, model._meta.pk.column
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
            (sequence,) = cursor.fetchone()
            if sequence:
                cursor.execute("SELECT pg_sequence_last_value(%s)", [sequence])
                counters[table] = cursor.fetchone()[0]
        return counters


def database() -> dict[str, list]:
    """Every row of every table, in primary-key order, and the sequences."""
    rows = {
        model._meta.db_table: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models(include_auto_created=True)
    }
    return rows | {"sequences": sequences()}


def after(load) -> dict[str, list]:
    """The database after ``load`` ran twice (the second time over the first's rows), then rolled back."""
    with transaction.atomic():
        load()
        once = database()
        load()
        twice = database()
        transaction.set_rollback(True)
    return {"once": once, "twice": twice}


def test_load_fixture_leaves_every_table_and_sequence_as_loaddata_leaves_them():
    before = database()
    # The fast loader first: PostgreSQL's sequences keep what a rolled-back setval set, so loaddata's
    # resets would otherwise hide a missing one.
    by_load_fixture = after(load_fixture)
    by_loaddata = after(lambda: call_command("loaddata", "wanzhou_2021", verbosity=0))
    assert by_load_fixture == by_loaddata
    assert by_loaddata["once"] != before and Report.objects.count() == 0
    # The second load changes only the edit counter, which counts each row's save (its post_save signal).
    once, twice = by_loaddata["once"], by_loaddata["twice"]
    assert {name for name in once if once[name] != twice[name]} == {ContentRevision._meta.db_table}


def test_put_back_units_leaves_the_units_as_the_migrations_left_them(django_assert_num_queries):
    def units():
        return list(Unit.objects.order_by("pk").values_list()), list(Unit.history.order_by("pk").values_list())

    migrated = units()
    assert len(migrated[0]) == 22 and migrated[1] == []
    Unit.objects.all().delete()  # as a transactional test's flush leaves the tables
    Unit.history.all().delete()
    with django_assert_num_queries(1):
        put_back_units()
    assert units() == migrated
    put_back_units()  # units already there are kept as they are
    assert units() == migrated
