"""The 2021 report put into the test database as ``loaddata wanzhou_2021`` puts it, in a fraction of the time.

``loaddata`` saves the fixture's 116 rows one at a time (an UPDATE tried first, then the INSERT, then the
save's signals), about 0.15 s each time a test loads the report. Here the rows are read once a process
and written with one INSERT … ON CONFLICT UPDATE a table: a row already there, such as a unit the
migrations seeded, is overwritten as ``loaddata`` overwrites it. Each row's ``pre_save`` and ``post_save``
go out as ``loaddata`` sends them (``raw=True``, ``created`` for a row that was not there: the edit counter
counts each row, history records none), and the sequences are reset as ``loaddata`` resets them.
``tests/test_loading.py`` checks that every table and sequence comes out the same.
"""

from functools import cache
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import post_save, pre_save

from metrics.models import Unit

FIXTURE_2021 = Path(settings.BASE_DIR) / "fixtures" / "wanzhou_2021.json"


@cache
def _fixture_rows(path: Path) -> tuple[tuple[type, dict], ...]:
    """Each row of the fixture at ``path``, in its order: the model and its column values."""
    rows = []
    for deserialized in serializers.deserialize("json", path.read_text(encoding="utf-8")):
        if deserialized.m2m_data or deserialized.deferred_fields:
            raise ValueError(f"{path.name}: {deserialized.object!r} has many-to-many or deferred values")
        obj = deserialized.object
        rows.append((type(obj), {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}))
    return tuple(rows)


def load_fixture(path: Path = FIXTURE_2021, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Write the rows of the fixture at ``path`` as ``loaddata`` would, in one transaction."""
    objects = [model(**values) for model, values in _fixture_rows(path)]
    by_model: dict[type, list] = {}
    for obj in objects:
        by_model.setdefault(type(obj), []).append(obj)
    connection = connections[using]
    with transaction.atomic(using=using):
        existing = set()
        for model, rows in by_model.items():
            stored = model._base_manager.using(using).filter(pk__in=[obj.pk for obj in rows])
            existing |= {(model, pk) for pk in stored.values_list("pk", flat=True)}
            for obj in rows:
                pre_save.send(sender=model, instance=obj, raw=True, using=using, update_fields=None)
            model._base_manager.using(using).bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=[model._meta.pk.name],
                update_fields=[field.name for field in model._meta.concrete_fields if not field.primary_key],
            )
        for obj in objects:
            obj._state.adding, obj._state.db = False, using
            created = (type(obj), obj.pk) not in existing
            post_save.send(sender=type(obj), instance=obj, created=created, update_fields=None, raw=True, using=using)
        statements = connection.ops.sequence_reset_sql(no_style(), list(by_model))
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)


def put_back_units(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """The 22 units of 2021 into a database a flush emptied, as migration metrics/0005 left them: with one
    INSERT, and, as in a migration, without history rows or signals. A unit already there is kept."""
    units = [Unit(**values) for model, values in _fixture_rows(FIXTURE_2021) if model is Unit]
    Unit.objects.using(using).bulk_create(units, ignore_conflicts=True)
