"""Print the figures a report's plain text states, as proposals for an editor to review."""

import csv
import json
import os
import sys

from django.core.management.base import BaseCommand, CommandError

from metrics.export import escape_formula
from metrics.text.extraction import PROPOSAL_KEYS, extract_figures

FORMATS = ("json", "csv")


class Command(BaseCommand):
    help = "Propose the figures stated in a report's text file (UTF-8, one paragraph a line) as JSON or CSV."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the report text: UTF-8, one paragraph a line")
        parser.add_argument("--format", choices=FORMATS, default="json", help="json (default) or csv")

    def handle(self, *args, file, format, **options):
        try:
            with open(file, encoding="utf-8") as source:
                text = source.read()
        except FileNotFoundError:
            raise CommandError(f"No such file: {file}") from None
        except IsADirectoryError:
            raise CommandError(f"{file} is a directory, not a text file.") from None
        except UnicodeDecodeError as error:
            raise CommandError(f"{file} is not UTF-8 text (byte {error.start} cannot be decoded).") from None
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None

        rows = [proposal.as_dict() for proposal in extract_figures(text)]
        stream = self.stdout._out
        if hasattr(stream, "reconfigure"):
            # The quotes are Chinese: they must reach the terminal or file as UTF-8 whatever the locale says.
            stream.reconfigure(encoding="utf-8")
        try:
            if format == "json":
                self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            else:
                writer = csv.DictWriter(self.stdout, fieldnames=PROPOSAL_KEYS)
                writer.writeheader()
                writer.writerows({**row, "quote": escape_formula(row["quote"])} for row in rows)
            self.stdout.flush()
        except BrokenPipeError:
            # The reader stopped early (`| head`): not a failure. Point stdout at /dev/null so the
            # interpreter's final flush stays quiet.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
