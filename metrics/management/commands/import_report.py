"""Import a report from its text without a browser: the admin import page's pipeline, from a terminal.

Prints each proposal with its match and what it would create. With ``--accept-all`` (every
proposal) or ``--review FILE`` (the editor's say on each, as ``--write-review`` writes them)
it creates the draft from the accepted rows that pass the page's checks, lists every row it
refused and why, and exits 1 if any was refused. ``--dry-run`` checks everything and writes
nothing.
"""

import json
import os
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from metrics.importing.forms import ImportReportForm, read_upload
from metrics.importing.matching import MAX_PROPOSALS, TooManyProposals
from metrics.importing.services import (
    ReviewFileError,
    checked_rows,
    create_import,
    rate_links,
    read_review_file,
    review_file,
    review_import,
    row_formset,
)


class Command(BaseCommand):
    help = (
        "Import a report from its text (UTF-8, one paragraph a line) as a draft, as the admin's import page does: "
        "--accept-all or --review FILE to create it, --write-review FILE to write the proposals for review."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the report text: UTF-8, one paragraph a line")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--agency", default="萬州區公安局")
        parser.add_argument("--title", required=True)
        parser.add_argument("--source-name", default="", help="where the text came from (default: the file's name)")
        accepting = parser.add_mutually_exclusive_group()
        accepting.add_argument("--accept-all", action="store_true", help="accept every proposal as proposed")
        accepting.add_argument(
            "--review",
            metavar="FILE",
            help="a reviewed JSON file: extract_figures --format json's proposals plus code, section and accept",
        )
        parser.add_argument("--write-review", metavar="FILE", help="write the proposals as a review file to edit")
        parser.add_argument("--dry-run", action="store_true", help="check and print everything, write nothing")

    def handle(self, *args, file, year, agency, title, source_name, accept_all, review, write_review, dry_run, **_):
        stream = getattr(self.stdout, "_out", None)
        if hasattr(stream, "reconfigure"):
            # Quotes and names are Chinese: they reach the terminal or file as UTF-8 whatever the locale says.
            stream.reconfigure(encoding="utf-8")
        text = read_text(file)
        header = ImportReportForm(
            data={"year": year, "agency": agency, "title": title, "source_name": source_name or Path(file).name}
            | {"text": text}
        )
        if not header.is_valid():
            raise CommandError(form_errors(header))
        data = header.cleaned_data
        try:
            proposed = review_import(text=data["text"], year=year)
        except TooManyProposals:
            raise CommandError(
                f"The text states more than {MAX_PROPOSALS} figures, the most one import reads: import it in parts."
            ) from None
        if write_review:
            entries = review_file(proposed)
            if not dry_run:
                write_json(write_review, entries)
            self.stdout.write(f"Review file {'(not written: dry run) ' * dry_run}{write_review}: {len(entries)} rows.")

        if review:
            try:
                rows = read_review_file(read_json(review), headings=proposed.headings, year=year)
            except ReviewFileError as error:
                raise CommandError(f"{review}: {error}") from None
        elif accept_all:
            rows = proposed.initial
        else:
            rows = [{**row, "accept": False} for row in proposed.initial]
        accepted_rows = [row for row in rows if row["accept"]]
        self.print_rows(proposed, rows, rate_links(rows=accepted_rows, year=year) if accepted_rows else {})
        if not any(row["accept"] for row in rows):
            self.stdout.write("Nothing accepted, nothing created: pass --accept-all or --review FILE.")
            return

        formset = row_formset(rows, headings=proposed.headings)
        formset.is_valid()
        refused: dict[int, list[str]] = {}
        for index, form in enumerate(formset.forms):
            if rows[index]["accept"] and form.errors:
                refused[index] = [f"{name}: {message}" for name, errors in form.errors.items() for message in errors]
        good = [index for index, form in enumerate(formset.forms) if rows[index]["accept"] and index not in refused]
        cleaned = [formset.forms[index].cleaned_data for index in good]
        for place, problems in checked_rows(cleaned, text=data["text"]).items():
            refused[good[place]] = problems
        accepted = [formset.forms[index].cleaned_data for index in good if index not in refused]
        for index in sorted(refused):
            row = rows[index]
            self.stdout.write(f"Refused row {index + 1} (paragraph {row['paragraph']}, {row['quote']}):")
            for problem in refused[index]:
                self.stdout.write(f"    {problem}")
        for link in rate_links(rows=accepted, year=year).values() if accepted else ():
            if link.problem:
                self.stdout.write(f"Rate {link.rate} (as created): {link.problem}")

        if not accepted:
            raise CommandError(f"Every accepted row was refused ({len(refused)}): nothing created.")
        if dry_run:
            self.stdout.write(f"Dry run: would create the {year} draft with {len(accepted)} figures; nothing written.")
        else:
            try:
                created = create_import(
                    year=year,
                    agency=data["agency"],
                    title=data["title"],
                    source_name=data["source_name"],
                    text=data["text"],
                    headings=proposed.headings,
                    rows=accepted,
                )
            except ValidationError as error:
                raise CommandError("Nothing created: " + "; ".join(error.messages)) from None
            except IntegrityError as error:
                raise CommandError(f"Nothing created: the database refused it ({error}).") from None
            sections = created.report.sections.count()
            self.stdout.write(
                f"Created the {year} draft (report {created.report.pk}): {created.figures} figures in {sections} "
                "sections. Check it in the admin and publish it there."
            )
        if refused:
            raise CommandError(f"{len(refused)} accepted rows refused (listed above).", returncode=1)

    def print_rows(self, proposed, rows, links):
        """Each row with its match and what it would create; ``links`` are the rate links of the accepted rows."""
        headings = {heading.slug: heading for heading in proposed.headings}
        self.stdout.write(
            f"{len(proposed.rows)} proposals, {proposed.matched} matched to last year's codes; "
            f"{len(proposed.headings)} sections."
        )
        for heading in proposed.headings:
            english = f" / {heading.heading_en}" if heading.heading_en else " (no English heading)"
            self.stdout.write(f"  section {heading.slug} (topic {heading.topic}): {heading.text}{english}")
        for number, row in enumerate(rows, start=1):
            if row["code"] in proposed.previous_codes:
                confidence = f", {row['confidence']}%" if row.get("confidence") else ""
                match = f"last year's {row['code']}{confidence}"
            else:
                match = "none: a new code"
            heading = headings.get(row["slug"])
            english = " / ".join(part for part in (row["name_en"], row["theme_en"]) if part) or "(no English name)"
            self.stdout.write(
                f"{number:>4}. [{'accept' if row['accept'] else 'skip'}] paragraph {row['paragraph']}: {row['quote']}"
                f" = {row['value']} {row['unit']} ({row['qualifier']})"
            )
            self.stdout.write(f"      match: {match}")
            self.stdout.write(
                f"      creates: {row['code']} in section {heading.slug if heading else row['slug']}: {row['name']}"
                f" [{row['theme']}], {english}" + (", headline" * bool(row["headline"]))
            )
            if row["accept"] and (link := links.get(row["code"])) is not None:
                self.stdout.write(f"      rate: {link.problem or f'linked to {link.numerator} / {link.denominator}'}")


def read_text(path: str) -> str:
    """The text of ``path`` as the import page reads an upload (``forms.read_upload``); ``CommandError`` else."""
    try:
        with open(path, "rb") as handle:
            return read_upload(File(handle, name=os.path.basename(path)))
    except FileNotFoundError:
        raise CommandError(f"No such file: {path}") from None
    except IsADirectoryError:
        raise CommandError(f"{path} is a directory, not a text file.") from None
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
    except ValidationError as error:
        raise CommandError(f"{path}: {' '.join(error.messages)}") from None


def read_json(path: str):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise CommandError(f"No such review file: {path}") from None
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CommandError(f"{path} is not a JSON file in UTF-8: {error}") from None


def write_json(path: str, entries: list[dict]) -> None:
    try:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(entries, handle, ensure_ascii=False, indent=2)
            handle.write("\n")
    except OSError as error:
        raise CommandError(f"Cannot write {path}: {error.strerror}.") from None


def form_errors(form) -> str:
    """A bound form's errors, one per line, each with its field's label."""
    lines = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        lines += [f"{label}: {message}" if label else message for message in errors]
    return "\n".join(lines)
