"""The one row format for exported figures, shared by the web export and ``export_figures``.

CSV: UTF-8 with a byte-order mark (so Excel reads the Chinese), the header
``EXPORT_COLUMNS``, RFC 4180 quoting with CRLF line ends.
JSON: a list of objects with the same keys; ``value`` is a JSON number written
from the Decimal's own digits, years and paragraphs are integers.
XLSX: the same columns with numbers as number cells and the header frozen, and a
second sheet citing the source, the export time and the filters.
In all three, a text cell that a spreadsheet could run as a formula gets a leading ``'``.

CSV and JSON come as text chunks and XLSX is written by openpyxl in write-only
mode, so a caller can export any number of rows in flat memory.
"""

import csv
import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import BinaryIO
from urllib.parse import quote
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from metrics.formatting import plain_number
from metrics.models import Figure
from reports.models import Report
from reports.selectors import report_source

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

#: Every format the web export offers, with its Content-Type.
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
}

#: The bureau's own time: export dates and times are stated in it whatever the server's zone.
EXPORT_TIMEZONE = ZoneInfo("Asia/Shanghai")

#: Columns of the XLSX data sheet that hold numbers rather than text.
NUMBER_COLUMNS = frozenset({"report_year", "value", "source_paragraph"})


def export_filename(*, years: Iterable[int], export_format: str, exported_at: datetime) -> str:
    """``wanzhou-figures-<years joined by _, or all>-<YYYYMMDD in Asia/Shanghai>.<format>``."""
    year_part = "_".join(str(year) for year in years) or "all"
    return f"wanzhou-figures-{year_part}-{exported_at.astimezone(EXPORT_TIMEZONE):%Y%m%d}.{export_format}"


def content_disposition(filename: str) -> str:
    """An attachment header with an ASCII ``filename`` and the RFC 6266 ``filename*=UTF-8''`` form."""
    ascii_name = filename.encode("ascii", "replace").decode("ascii").replace('"', "").replace("\\", "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def sheet_text(text: str) -> str:
    """Text for an XLSX cell: control characters XML cannot hold removed, then formulas escaped."""
    return escape_formula(ILLEGAL_CHARACTERS_RE.sub("", text))


def xlsx_row(figure: Figure) -> list:
    """One figure as a data-sheet row in ``EXPORT_COLUMNS`` order: the export row with numbers as numbers."""
    row = figure_row(figure)
    row["value"] = Decimal(row["value"])
    return [row[column] if column in NUMBER_COLUMNS else sheet_text(row[column]) for column in EXPORT_COLUMNS]


def write_xlsx(
    figures: Iterable[Figure],
    target: BinaryIO,
    *,
    sources: Iterable[Report],
    filters: Iterable[tuple[str, str]],
    exported_at: datetime,
) -> int:
    """Write the XLSX export of ``figures`` to ``target`` and return the number of data rows.

    ``sources`` are the reports cited on the second sheet; ``filters`` the (label, value)
    pairs that selected the rows, empty for all figures.
    """
    workbook = Workbook(write_only=True)
    data = workbook.create_sheet(_("數據"))
    data.freeze_panes = "A2"
    data.append(EXPORT_COLUMNS)
    count = 0
    for figure in iterate_figures(figures):
        data.append(xlsx_row(figure))
        count += 1

    about = workbook.create_sheet(_("來源與篩選"))
    about.append([_("項目"), _("內容")])
    for report in sources:
        about.append([_("資料來源"), sheet_text(report_source(report))])
        about.append([_("發布機關"), sheet_text(report.agency)])
        about.append([_("報告"), sheet_text(f"{report.year} {report.title}")])
        about.append([_("來源文件"), sheet_text(report.source_name)])
    local_time = exported_at.astimezone(EXPORT_TIMEZONE)
    about.append([_("匯出時間"), f"{local_time:%Y-%m-%d %H:%M:%S} (Asia/Shanghai, UTC+8)"])
    described = list(filters)
    for label, value in described:
        about.append([_("篩選條件"), sheet_text(f"{label}：{value}")])
    if not described:
        about.append([_("篩選條件"), _("無（全部數據）")])
    about.append([_("筆數"), count])
    workbook.save(target)
    return count
