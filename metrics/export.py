"""The one row format for exported figures, shared by the web export, the chart and series CSVs and ``export_figures``.

CSV: UTF-8 with a byte-order mark (so Excel reads the Chinese), the header
``EXPORT_COLUMNS``, RFC 4180 quoting with CRLF line ends.
JSON: a list of objects with the same keys; the number columns are JSON numbers written
from the decimal's own digits (null where there is none), years and paragraphs are integers,
and an empty text (``correction`` of an uncorrected figure) is null.
Numbers keep the places the report states them with (a rate stated 98.60 stays 98.60).
The columns after ``source_quote`` were appended over time, so every earlier column
keeps its position: ``stated_value`` is what the clause states and ``correction`` is
empty or the reason the portal publishes another value; ``previous_value`` is the value
of the same code in the published report just before (``metrics.models.previous_figure``;
empty when there is none) with its own stated places, and ``change`` is ``value -
previous_value`` to the finer of the two precisions (percentage points for rates).
XLSX: the same columns with numbers as number cells, the header frozen, set column
widths and an autofilter over the rows, and a second sheet citing the source, the export time and the filters.
In all three, a text cell that a spreadsheet could run as a formula gets a leading ``'``.

The database writes the cells (number text, formula escapes, the English text), so
Python only computes ``change``, converts Simplified Chinese with OpenCC and writes the
CSV; a 100,000-row export stays fast.
CSV and JSON come as text chunks and XLSX is written by openpyxl in write-only mode,
so a caller can export any number of rows in flat memory.
"""

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal
from itertools import chain, islice
from typing import BinaryIO
from urllib.parse import quote
from zoneinfo import ZoneInfo

from django.db.models import Case, F, QuerySet, Subquery, TextField, Value, When
from django.db.models.functions import Concat, Left
from django.db.models.lookups import In
from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from common.languages import (
    ENDONYMS,
    ENGLISH,
    SIMPLIFIED,
    TRADITIONAL,
    citation,
    current_language,
    in_language,
    to_simplified,
)
from metrics.formatting import PlainNumber, plain_number
from metrics.models import previous_figure
from reports.models import Report

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
    "stated_value",
    "correction",
    "previous_value",
    "change",
)

BOM = "\ufeff"

#: Leading characters that make Excel/LibreOffice treat a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

_TRIGGER_SET = frozenset(FORMULA_TRIGGERS)

#: Rows fetched per database round trip when streaming.
CHUNK_SIZE = 2000

#: Rows handled and written as one batch (one streamed chunk): few writes, memory still flat.
ROWS_PER_CHUNK = 1000

NUMBER_COLUMNS = frozenset({"value", "stated_value", "previous_value", "change"})
NUMBER_INDEXES = frozenset(EXPORT_COLUMNS.index(column) for column in NUMBER_COLUMNS)
TEXT_INDEXES = tuple(
    index
    for index, column in enumerate(EXPORT_COLUMNS)
    if column not in {"report_year", "source_paragraph", *NUMBER_COLUMNS}
)
VALUE, PREVIOUS = EXPORT_COLUMNS.index("value"), EXPORT_COLUMNS.index("previous_value")

#: Columns whose text is in the export's language; the others read the same in every language.
LANGUAGE_INDEXES = tuple(EXPORT_COLUMNS.index(column) for column in ("agency", "metric_name", "unit"))


def escape_formula(text: str) -> str:
    """Prefix ``'`` to text a spreadsheet would evaluate; other text is returned unchanged."""
    if text[:1] in _TRIGGER_SET:
        return "'" + text
    return text


def formula_safe(expression):
    """``escape_formula`` of a text expression, computed by the database."""
    return Case(
        When(In(Left(expression, 1), FORMULA_TRIGGERS), then=Concat(Value("'"), expression)),
        default=expression,
        output_field=TextField(),
    )


def _english_or_chinese(chinese: str, english: str):
    """Our English text where it is written, else the Chinese: ``in_language`` for English, in SQL."""
    return Case(When(**{english: ""}, then=F(chinese)), default=F(english), output_field=TextField())


def export_cells(language: str) -> dict:
    """Each column of ``EXPORT_COLUMNS`` but ``change`` as a query expression over Figure, in column order.

    Simplified Chinese is read as the Traditional text here and converted in ``export_batches``:
    OpenCC runs in Python, not in the database.
    """
    if language == ENGLISH:
        agency = _english_or_chinese("report__agency", "report__agency_en")
        name = _english_or_chinese("name", "name_en")
        unit = _english_or_chinese("unit_id", "unit__name_en")
    else:
        agency, name, unit = F("report__agency"), F("name"), F("unit")
    value = PlainNumber("value", "decimals")
    previous = previous_figure().annotate(text=PlainNumber("value", "decimals")).values("text")[:1]
    return {
        "cell_year": F("report__year"),
        "cell_agency": formula_safe(agency),
        "cell_section": formula_safe(F("section__slug")),
        "cell_code": formula_safe(F("code")),
        "cell_name": formula_safe(name),
        "cell_value": value,
        "cell_unit": formula_safe(unit),
        "cell_qualifier": formula_safe(F("qualifier")),
        "cell_paragraph": F("source_paragraph"),
        "cell_quote": formula_safe(F("source_quote")),
        "cell_stated": Case(
            When(stated_value=F("value"), then=value),
            default=PlainNumber("stated_value", "decimals"),
            output_field=TextField(),
        ),
        "cell_correction": Case(
            When(stated_value=F("value"), then=Value("")),
            default=formula_safe(F("correction_reason")),
            output_field=TextField(),
        ),
        "cell_previous": Subquery(previous, output_field=TextField()),
    }


def difference(value: str, previous: str) -> str:
    """``value - previous`` of two plain numbers, to the finer of their places: ('97.5', '98.66') → '-1.16'."""
    return format(Decimal(value) - Decimal(previous), "f")


def export_batches(figures: QuerySet, language: str = TRADITIONAL) -> Iterator[list[tuple]]:
    """The rows of ``figures`` in the queryset's order, as lists of at most ``ROWS_PER_CHUNK`` tuples.

    Each row holds the cells of ``EXPORT_COLUMNS``: agency, name and unit in ``language``
    (codes, qualifier codes and the verbatim clause read the same in every language);
    text formula-escaped; the number columns plain-number strings with their stated
    places, or None for ``previous_value`` and ``change`` without a previous value;
    year and paragraph ints; ``correction`` '' unless the value differs from the stated one.
    The rows are read as plain tuples through a chunked cursor (server-side on PostgreSQL).
    """
    language = current_language(language)
    cells = export_cells(language)
    rows = figures.annotate(**cells).values_list(*cells).iterator(chunk_size=CHUNK_SIZE)
    while batch := list(islice(rows, ROWS_PER_CHUNK)):
        batch = [
            row + (None,) if row[PREVIOUS] is None else row + (difference(row[VALUE], row[PREVIOUS]),) for row in batch
        ]
        if language == SIMPLIFIED:
            batch = [_simplified(row) for row in batch]
        yield batch


def _simplified(row: tuple) -> tuple:
    cells = list(row)
    for index in LANGUAGE_INDEXES:
        cells[index] = to_simplified(cells[index])
    return tuple(cells)


def export_rows(figures: QuerySet, language: str = TRADITIONAL) -> Iterator[tuple]:
    """Each row of ``export_batches``, one at a time."""
    return chain.from_iterable(export_batches(figures, language))


def csv_chunks(figures: QuerySet, language: str = TRADITIONAL) -> Iterator[str]:
    """The CSV export: BOM and header first, then the rows, ``ROWS_PER_CHUNK`` lines a chunk; nothing after them.

    Every line after the header is a data row, so a CSV reader (pandas, R) reads exactly the
    figures; a chart's citation travels in an HTTP header (``citation_header``) and the bundle's README.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    yield BOM + buffer.getvalue()
    for batch in export_batches(figures, language):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(batch)
        yield buffer.getvalue()


#: The response header that carries a download's citation (RFC 8187 ``UTF-8''`` form: any script).
CITATION_HEADER = "X-Citation"


def citation_header(text: str) -> str:
    """``text`` as an RFC 8187 extended value, ``UTF-8''<percent-encoded>``: ASCII-safe in any header."""
    return "UTF-8''" + quote(text, safe="")


def _json_object(cells: tuple) -> str:
    parts = []
    for index, column in enumerate(EXPORT_COLUMNS):
        cell = cells[index]
        if index in NUMBER_INDEXES:
            encoded = "null" if cell is None else cell
        elif cell == "":
            encoded = "null"
        else:
            encoded = json.dumps(cell, ensure_ascii=False)
        parts.append(f"{json.dumps(column)}: {encoded}")
    return "{" + ", ".join(parts) + "}"


def json_chunks(figures: QuerySet, language: str = TRADITIONAL) -> Iterator[str]:
    """The JSON export: ``[`` then one object per line, comma-separated, then ``]``.

    No byte-order mark: RFC 8259 forbids one and Python's json.loads rejects it.
    """
    yield "["
    separator = "\n"
    for batch in export_batches(figures, language):
        yield separator + ",\n".join(_json_object(cells) for cells in batch)
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


#: How much of a search a file name keeps; the rest of a long search is cut.
FILENAME_SEARCH_LENGTH = 20

#: Runs of characters a file name should not carry (path separators, quotes, spaces, controls).
_UNSAFE_IN_FILENAME = re.compile(r"[^\w.]+")


def export_filename(
    *,
    years: Iterable[int],
    export_format: str,
    exported_at: datetime,
    section: str = "",
    search: str = "",
    other_filters: bool = False,
    language: str = TRADITIONAL,
) -> str:
    """``wanzhou-figures-<what>-<YYYYMMDD in Asia/Shanghai>.<format>``, ``<what>`` naming the rows' filters.

    ``<what>`` joins with ``-``: the years (joined by ``_``), the section slug, the
    search as ``search_<text>`` (letters and digits of any script kept, other runs
    as ``_``, at most ``FILENAME_SEARCH_LENGTH`` characters) and ``filtered`` when
    ``other_filters`` narrowed the rows further; ``all`` only when nothing did. The
    language (``-zh-hans``, ``-en``) follows the date unless it is Traditional Chinese,
    the source's own, so the names of Traditional exports stay what they always were.
    """
    parts = []
    year_part = "_".join(str(year) for year in years)
    if year_part:
        parts.append(year_part)
    if section:
        parts.append(section)
    search_part = _UNSAFE_IN_FILENAME.sub("_", search).strip("_.")[:FILENAME_SEARCH_LENGTH]
    if search_part:
        parts.append(f"search_{search_part}")
    elif search:
        # Nothing printable is left of the search: still say the rows are a selection.
        other_filters = True
    if other_filters:
        parts.append("filtered")
    what = "-".join(parts) or "all"
    language = current_language(language)
    language_part = "" if language == TRADITIONAL else f"-{language}"
    day = f"{exported_at.astimezone(EXPORT_TIMEZONE):%Y%m%d}"
    return f"wanzhou-figures-{what}-{day}{language_part}.{export_format}"


def streaming_download(chunks: Iterable[str], *, export_format: str, filename: str) -> StreamingHttpResponse:
    """The text ``chunks`` of a CSV or JSON export streamed as UTF-8, as an attachment named ``filename``.

    The one way an export in text reaches a browser: the explorer's CSV and JSON, each
    chart's CSV and the metric page's CSV.
    """
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in chunks), content_type=CONTENT_TYPES[export_format]
    )
    response["Content-Disposition"] = content_disposition(filename)
    return response


def content_disposition(filename: str) -> str:
    """An attachment header with an ASCII ``filename`` and the RFC 6266 ``filename*=UTF-8''`` form."""
    ascii_name = filename.encode("ascii", "replace").decode("ascii").replace('"', "").replace("\\", "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


#: Each data column's width in characters (a CJK character counts about two).
XLSX_WIDTHS = (11, 30, 16, 26, 30, 12, 8, 9, 16, 60, 12, 30, 14, 10)
COLUMN_LETTERS = tuple(get_column_letter(index) for index in range(1, len(EXPORT_COLUMNS) + 1))


def sheet_text(text: str) -> str:
    """Text for an XLSX cell: control characters XML cannot hold removed, then formulas escaped."""
    return escape_formula(ILLEGAL_CHARACTERS_RE.sub("", text))


def xlsx_row(cells: tuple) -> list:
    """An ``export_rows`` row as a data-sheet row: numbers as numbers, text safe for XML and formulas."""
    return [
        (None if cell is None else Decimal(cell))
        if index in NUMBER_INDEXES
        else sheet_text(cell)
        if index in TEXT_INDEXES
        else cell
        for index, cell in enumerate(cells)
    ]


def write_xlsx(
    figures: QuerySet,
    target: BinaryIO,
    *,
    sources: Iterable[Report],
    filters: Iterable[tuple[str, str]],
    exported_at: datetime,
    language: str = TRADITIONAL,
) -> int:
    """Write the XLSX export of ``figures`` to ``target`` and return the number of data rows.

    ``sources`` are the reports cited on the second sheet; ``filters`` the (label, value)
    pairs that selected the rows, empty for all figures.
    """
    workbook = Workbook(write_only=True)
    data = workbook.create_sheet(_("數據"))
    data.freeze_panes = "A2"
    for letter, width in zip(COLUMN_LETTERS, XLSX_WIDTHS, strict=True):
        data.column_dimensions[letter].width = width
    data.append(EXPORT_COLUMNS)
    count = 0
    for cells in export_rows(figures, language):
        data.append(xlsx_row(cells))
        count += 1
    # Write-only sheets write the filter after the rows, so its range can name the last one.
    data.auto_filter.ref = f"A1:{COLUMN_LETTERS[-1]}{count + 1}"

    about = workbook.create_sheet(_("來源與篩選"))
    about.append([_("項目"), _("內容")])
    for report in sources:
        about.append([_("資料來源"), sheet_text(citation(report, language))])
        about.append([_("發布機關"), sheet_text(in_language(report.agency, report.agency_en, language))])
        about.append([_("報告"), sheet_text(f"{report.year} {in_language(report.title, report.title_en, language)}")])
        about.append([_("來源文件"), sheet_text(report.source_name)])
    local_time = exported_at.astimezone(EXPORT_TIMEZONE)
    about.append([_("語言"), ENDONYMS[current_language(language)]])
    about.append([_("匯出時間"), f"{local_time:%Y-%m-%d %H:%M:%S} (Asia/Shanghai, UTC+8)"])
    described = list(filters)
    for label, value in described:
        about.append([_("篩選條件"), sheet_text(f"{label}：{value}")])
    if not described:
        about.append([_("篩選條件"), _("無（全部數據）")])
    about.append([_("筆數"), count])
    workbook.save(target)
    return count


REVISION_COLUMNS = (
    "year",
    "section",
    "metric_code",
    "metric_name",
    "kind",
    "old_value",
    "old_qualifier",
    "new_value",
    "new_qualifier",
    "stated_value",
    "unit",
    "reason",
    "approved_at",
    "proposed_by",
    "approved_by",
)


def revision_csv_chunks(changes) -> Iterator[str]:
    """The record of revisions as CSV (BOM, header, a row per change): plain numbers, times in the export's zone,
    every text cell formula-safe. ``changes`` are ``selectors.revision_list`` rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(REVISION_COLUMNS)
    yield BOM + buffer.getvalue()
    for change in changes.iterator(chunk_size=ROWS_PER_CHUNK):
        figure, proposal = change.figure, change.proposal
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(
            [
                figure.report.year,
                escape_formula(figure.section.heading),
                figure.code,
                escape_formula(figure.name),
                change.kind,
                plain_number(change.old_value, change.decimals),
                change.old_qualifier,
                plain_number(change.value, change.decimals),
                change.qualifier,
                plain_number(change.stated_value, change.decimals),
                figure.unit_id,
                escape_formula(change.correction_reason or proposal.reason),
                f"{proposal.decided_at.astimezone(EXPORT_TIMEZONE):%Y-%m-%d %H:%M}",
                escape_formula(proposal.proposed_by.get_username()),
                escape_formula(proposal.decided_by.get_username() if proposal.decided_by else ""),
            ]
        )
        yield buffer.getvalue()
