"""Write figures to stdout as CSV or JSON, in the same format and order as the web export.

Without ``--year`` every report's figures are written, in the order of the
explorer's unsorted export (``Figure.objects.for_export()``); ``--section``
narrows to one section, of one year or of every year.
"""

import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from metrics.export import EXPORT_FORMATS
from metrics.models import Figure
from reports.models import Report, Section


class Command(BaseCommand):
    help = "Export figures to stdout (CSV with BOM, or JSON): one report with --year, else every report."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="only this report year, e.g. 2021 (default: every year)")
        parser.add_argument(
            "--section", help="only this section (its slug, e.g. mediation; of every report that has one by that slug)"
        )
        parser.add_argument("--format", choices=sorted(EXPORT_FORMATS), default="csv", help="csv (default) or json")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="language of names and units: zh-hant (default), zh-hans or en; columns and codes are the same",
        )

    def handle(self, *args, year, section, format, language, **options):
        figures = Figure.objects.for_export()
        if year is not None:
            report = Report.objects.filter(year=year).first()
            if report is None:
                known = ", ".join(str(y) for y in Report.objects.order_by("year").values_list("year", flat=True))
                raise CommandError(f"No report for year {year}. Reports in the database: {known or 'none'}.")
            figures = figures.filter(report=report)
            if section is not None:
                slugs = list(report.sections.order_by("position").values_list("slug", flat=True))
                if section not in slugs:
                    raise CommandError(f"No section {section!r} in the {year} report. Sections: {', '.join(slugs)}.")
        elif section is not None and not Section.objects.filter(slug=section).exists():
            slugs = dict.fromkeys(Section.objects.order_by("position", "-report__year").values_list("slug", flat=True))
            raise CommandError(f"No section {section!r}. Sections: {', '.join(slugs)}.")
        if section is not None:
            figures = figures.filter(section__slug=section)

        if hasattr(sys.stdout, "reconfigure"):
            # The BOM and the Chinese text must reach the file as UTF-8 whatever the locale says.
            sys.stdout.reconfigure(encoding="utf-8")
        try:
            for chunk in EXPORT_FORMATS[format](figures, language):
                self.stdout.write(chunk, ending="")
            self.stdout.flush()
        except BrokenPipeError:
            # The reader stopped early (`| head`): not a failure of the export.
            # Point stdout at /dev/null so the interpreter's final flush stays quiet.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
