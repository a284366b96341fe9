"""Attach a report's text from a file: ``manage.py attach_source YEAR FILE``.

Idempotent: the same text again writes nothing and says so, so ``make setup`` runs it every time.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from common.source_text import MAX_TEXT_BYTES, MAX_TEXT_CHARS, decode
from reports.models import Report
from reports.services import attach_source


class Command(BaseCommand):
    help = (
        "Attach FILE (UTF-8, one paragraph a line) as the text of the report of YEAR; the same text again is a no-op."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("file")

    def handle(self, *args, year: int, file: str, **options):
        report = Report.objects.filter(year=year).first()
        if report is None:
            raise CommandError(_("沒有 %(year)s 年度的工作報告。") % {"year": year})
        path = Path(file)
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_TEXT_BYTES + 1)
        except OSError as error:
            raise CommandError(_("無法讀取 %(file)s：%(reason)s") % {"file": file, "reason": error.strerror}) from None
        try:
            if len(data) > MAX_TEXT_BYTES:
                raise ValidationError(
                    _("檔案太大：報告原文最多 %(limit)s 字。") % {"limit": f"{MAX_TEXT_CHARS:,}"}, code="too_long"
                )
            attached = attach_source(report=report, text=decode(data), origin=str(path))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        source = attached.source
        params = {"year": year, "count": source.paragraph_count, "checksum": source.checksum, "origin": source.origin}
        if attached.changed:
            message = _("已為 %(year)s 年度報告附上原文：%(count)s 段，SHA-256 %(checksum)s，來源 %(origin)s。")
            self.stdout.write(self.style.SUCCESS(message % params))
        else:
            message = _("%(year)s 年度報告已附上同一份原文（SHA-256 %(checksum)s）：沒有變更。")
            self.stdout.write(message % params)
