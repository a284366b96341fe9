"""The one row format for exported figures, shared by the web export and ``export_figures``.

CSV: UTF-8 with a byte-order mark (so Excel reads the Chinese), the header
``EXPORT_COLUMNS``, RFC 4180 quoting with CRLF line ends.
JSON: a list of objects with the same keys; ``value`` is a JSON number written
from the Decimal's own digits, years and paragraphs are integers.
In both, a text cell that a spreadsheet could run as a formula gets a leading ``'``.

Every function here takes an iterable of figures and yields text chunks, so a
caller can stream any number of rows in flat memory.
"""

import csv
import json
from collections.abc import Iterable, Iterator

from metrics.formatting import plain_number
from metrics.models import Figure

EXPORT_COLUMNS = (
    "report_year",
    "agency",
    "section",
    "metric_code",
    "metric_name",
    "value",
    "unit",
    "qualifier",
    "source_paragraph",
    "source_quote",
)

BOM = "\ufeff"

#: Leading characters that make Excel/LibreOffice treat a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

#: Rows fetched per database round trip when streaming.
CHUNK_SIZE = 2000


def escape_formula(text: str) -> str:
    """Prefix ``'`` to text a spreadsheet would evaluate; other text is returned unchanged."""
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def figure_row(figure: Figure) -> dict:
    """One figure as an export row: keys ``EXPORT_COLUMNS``; text escaped, value a plain-number string.

    Needs ``report`` and ``section`` loaded (``Figure.objects.for_export()`` joins them).
    """
    return {
        "report_year": figure.report.year,
        "agency": escape_formula(figure.report.agency),
        "section": escape_formula(figure.section.slug),
        "metric_code": escape_formula(figure.code),
        "metric_name": escape_formula(figure.name),
        "value": plain_number(figure.value),
        "unit": escape_formula(figure.unit),
        "qualifier": escape_formula(figure.qualifier),
        "source_paragraph": figure.source_paragraph,
        "source_quote": escape_formula(figure.source_quote),
    }


def iterate_figures(figures: Iterable[Figure]) -> Iterator[Figure]:
    """Iterate a queryset in chunks (server-side cursor on PostgreSQL); other iterables as they are."""
    if hasattr(figures, "iterator"):
        return figures.iterator(chunk_size=CHUNK_SIZE)
    return iter(figures)


class _LineBuffer:
    """A write-only file that hands back what csv.writer writes, for streaming."""

    def write(self, text: str) -> str:
        return text


def csv_chunks(figures: Iterable[Figure]) -> Iterator[str]:
    """The CSV export: BOM and header first, then one line per figure."""
    writer = csv.writer(_LineBuffer())
    yield BOM + writer.writerow(EXPORT_COLUMNS)
    for figure in iterate_figures(figures):
        row = figure_row(figure)
        yield writer.writerow([row[column] for column in EXPORT_COLUMNS])


def _json_object(row: dict) -> str:
    parts = []
    for column in EXPORT_COLUMNS:
        cell = row[column]
        encoded = cell if column == "value" else json.dumps(cell, ensure_ascii=False)
        parts.append(f"{json.dumps(column)}: {encoded}")
    return "{" + ", ".join(parts) + "}"


def json_chunks(figures: Iterable[Figure]) -> Iterator[str]:
    """The JSON export: ``[`` then one object per line, comma-separated, then ``]``.

    No byte-order mark: RFC 8259 forbids one and Python's json.loads rejects it.
    """
    yield "["
    separator = "\n"
    for figure in iterate_figures(figures):
        yield separator + _json_object(figure_row(figure))
        separator = ",\n"
    yield "\n]\n"


EXPORT_FORMATS = {"csv": csv_chunks, "json": json_chunks}
