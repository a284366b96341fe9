"""Each entry copies its kind's group order and its report's year and publication, so the results page reads
one table (no join to reports) and its order is an index; existing entries get them from their reports here."""

from django.db import migrations, models

#: SQLite remakes the table to add a column that is not null or has a default (and to alter one), which drops
#: the triggers 0001 put on it that keep the FTS5 table in step: they are put back, and the FTS table rebuilt
#: from the entries (its rowids are the entries' ids, which the remake keeps).
SQLITE_TRIGGERS = (
    "DROP TRIGGER IF EXISTS search_fts_insert",
    "DROP TRIGGER IF EXISTS search_fts_delete",
    "DROP TRIGGER IF EXISTS search_fts_update",
    "CREATE TRIGGER search_fts_insert AFTER INSERT ON search_searchentry BEGIN "
    "INSERT INTO search_fts(rowid, document) VALUES (new.id, new.document); END",
    "CREATE TRIGGER search_fts_delete AFTER DELETE ON search_searchentry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, document) VALUES ('delete', old.id, old.document); END",
    "CREATE TRIGGER search_fts_update AFTER UPDATE ON search_searchentry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, document) VALUES ('delete', old.id, old.document); "
    "INSERT INTO search_fts(rowid, document) VALUES (new.id, new.document); END",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
)


def sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_TRIGGERS:
            schema_editor.execute(statement)


def fill(apps, schema_editor):
    """Copy onto every existing entry its kind's rank and its report's year, published and release_at:
    one UPDATE (with subqueries), as ``search.indexing.restamp`` does after a report's save."""
    SearchEntry = apps.get_model("search", "SearchEntry")
    Report = apps.get_model("reports", "Report")
    # The group order of the results page (search.models.KIND_ORDER, written out: a migration keeps its own).
    ranks = {"figure": 0, "section": 1, "case": 2, "named_item": 3, "paragraph": 4}
    report = Report.objects.filter(pk=models.OuterRef("report_id"))
    db = schema_editor.connection.alias
    SearchEntry.objects.using(db).update(
        rank=models.Case(
            *(models.When(kind=kind, then=models.Value(rank)) for kind, rank in ranks.items()),
            default=models.Value(0),
        ),
        **{name: models.Subquery(report.values(name)[:1]) for name in ("year", "published", "release_at")},
    )
    # An entry whose report is gone (none should be) would hold no year: the next rebuild drops it.
    SearchEntry.objects.using(db).filter(year__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0010_report_release_at"),
        ("search", "0001_initial"),
    ]

    operations = [
        # Reversed last: the fields' removal remakes the table again.
        migrations.RunPython(migrations.RunPython.noop, sqlite_triggers),
        migrations.AddField(
            model_name="searchentry",
            name="rank",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="year",
            field=models.PositiveSmallIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="published",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="release_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="searchentry",
            name="year",
            field=models.PositiveSmallIntegerField(),
        ),
        migrations.RunPython(sqlite_triggers, sqlite_triggers),
        migrations.AddIndex(
            model_name="searchentry",
            index=models.Index(fields=["rank", "-year", "position", "paragraph", "id"], name="search_entry_order"),
        ),
    ]
