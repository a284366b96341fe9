"""Load a report fixture once, and record an audit-trail baseline for everything loaded.

Unlike ``loaddata``, running it again never overwrites what editors changed since:
if every report in the fixture is already in the database it loads nothing.
Baseline rows recorded by older versions with an English reason get the Chinese one.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from metrics.models import Figure
from reports.models import NotableCase, Report, Section

#: The change reason of a baseline row, shown on the admin's history pages. Stored as data in
#: the portal's language, not translated when read.
BASELINE_REASON = "由報告數據檔載入的初始版本"
#: The reason older versions of this command stored; ``relabel_old_baselines`` replaces it.
OLD_BASELINE_REASON = "fixture baseline"
AUDITED_MODELS = (Report, Section, NotableCase, Figure)


def find_fixture(name: str) -> Path | None:
    """The path of ``<name>.json`` in FIXTURE_DIRS, or None."""
    for directory in settings.FIXTURE_DIRS:
        candidate = Path(directory) / f"{name}.json"
        if candidate.exists():
            return candidate
    return None


def fixture_years(fixture_path) -> set[int]:
    """The report years a JSON fixture holds."""
    with open(fixture_path, encoding="utf-8") as handle:
        objects = json.load(handle)
    return {obj["fields"]["year"] for obj in objects if obj["model"] == "reports.report"}


def record_history_baseline() -> int:
    """Give every audited object without history one "+" history row; returns how many were added.

    ``loaddata`` saves raw rows, which django-simple-history does not record, so
    without this the first edit of a loaded figure would have nothing to compare with.
    """
    added = 0
    for model in AUDITED_MODELS:
        with_history = model.history.values_list("id", flat=True).distinct()
        missing = list(model.objects.exclude(pk__in=with_history))
        if missing:
            model.history.bulk_history_create(missing, default_change_reason=BASELINE_REASON)
            added += len(missing)
    return added


def relabel_old_baselines() -> int:
    """Give baseline rows recorded with the old English reason the current one; returns how many changed."""
    return sum(
        model.history.filter(history_change_reason=OLD_BASELINE_REASON).update(history_change_reason=BASELINE_REASON)
        for model in AUDITED_MODELS
    )


class Command(BaseCommand):
    help = "Load a report fixture unless its years are already in the database; then record history baselines."

    def add_arguments(self, parser):
        parser.add_argument("fixture", help="fixture name in fixtures/, e.g. wanzhou_2021")

    def handle(self, *args, fixture, **options):
        path = find_fixture(fixture)
        if path is None:
            raise CommandError(_("找不到數據檔 %(name)s.json（在 fixtures/ 中）。") % {"name": fixture})
        years = fixture_years(path)
        present = set(Report.objects.filter(year__in=years).values_list("year", flat=True))
        with transaction.atomic():
            if years and present == years:
                self.stdout.write(f"Reports {sorted(years)} already loaded; leaving editors' changes in place.")
            else:
                call_command("loaddata", fixture, verbosity=options["verbosity"])
            added = record_history_baseline()
            relabel_old_baselines()
        if added:
            self.stdout.write(f"Recorded a history baseline for {added} objects.")
