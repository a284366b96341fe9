"""The one row format for exported figures, shared by the web export and ``export_figures``.

CSV: UTF-8 with a byte-order mark (so Excel reads the Chinese), the header
``EXPORT_COLUMNS``, RFC 4180 quoting with CRLF line ends.
JSON: a list of objects with the same keys; ``value`` and ``stated_value`` are JSON
numbers written from the Decimal's own digits, years and paragraphs are integers.
Numbers keep the places the report states them with (a rate stated 98.60 stays 98.60).
The last two columns say whether a number is the report's: ``stated_value`` is what
the clause states, ``correction`` is empty or the reason the portal publishes another
value. They come last so that every earlier column keeps its position.
XLSX: the same columns with numbers as number cells and the header frozen, and a
second sheet citing the source, the export time and the filters.
In all three, a text cell that a spreadsheet could run as a formula gets a leading ``'``.

CSV and JSON come as text chunks and XLSX is written by openpyxl in write-only
mode, so a caller can export any number of rows in flat memory.
"""

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import BinaryIO
from urllib.parse import quote
from zoneinfo import ZoneInfo

from django.db.models import Case, F, QuerySet, TextField, Value, When
from django.db.models.functions import Cast
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

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
from metrics.choices import Unit
from metrics.formatting import plain_number
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
)

BOM = "\ufeff"

#: Leading characters that make Excel/LibreOffice treat a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

_TRIGGER_SET = frozenset(FORMULA_TRIGGERS)

#: Rows fetched per database round trip when streaming.
CHUNK_SIZE = 2000

#: Distinct numbers and units an export remembers as text before it starts over.
MEMO_SIZE = 2_000


def escape_formula(text: str) -> str:
    """Prefix ``'`` to text a spreadsheet would evaluate; other text is returned unchanged."""
    if text[:1] in _TRIGGER_SET:
        return "'" + text
    return text


#: Where each export column comes from, as ``values_list`` paths on a Figure queryset.
EXPORT_FIELDS = (
    "report__year",
    "report__agency",
    "section__slug",
    "code",
    "name",
    "value_text",
    "unit",
    "qualifier",
    "source_paragraph",
    "source_quote",
    "stated_text_if_corrected",
    "correction_reason",
    "decimals",
    "report__agency_en",
    "name_en",
)
NUMBER_COLUMNS = frozenset({"value", "stated_value"})
NUMBER_INDEXES = frozenset(EXPORT_COLUMNS.index(column) for column in NUMBER_COLUMNS)
TEXT_INDEXES = tuple(
    index
    for index, column in enumerate(EXPORT_COLUMNS)
    if column not in {"report_year", "source_paragraph", *NUMBER_COLUMNS}
)

#: Rows joined into one streamed chunk: few enough writes to the socket, memory still flat.
ROWS_PER_CHUNK = 500


def unit_in_language(unit: str, language: str) -> str:
    """The unit cell in ``language``: the stored unit (Traditional), converted, or its English label."""
    if language == ENGLISH:
        with translation.override(ENGLISH):
            return str(Unit(unit).label) if unit in Unit.values else unit
    if language == SIMPLIFIED:
        return to_simplified(unit)
    return unit


def export_rows(figures: QuerySet, language: str = TRADITIONAL) -> Iterator[tuple]:
    """Each figure as a tuple of cells in ``EXPORT_COLUMNS`` order, in the queryset's order.

    Agency, name and unit are in ``language``; codes, qualifier codes and the verbatim
    clause are the same in every language, so the columns mean the same in each.

    Text cells are formula-escaped, ``value`` and ``stated_value`` are plain-number
    strings with the stated places, year and paragraph are ints; ``correction`` is ''
    unless the value differs from the stated one. Reads plain tuples (``values_list``)
    in chunks through a server-side cursor on PostgreSQL, so no model instance is built per row.
    """
    language = current_language(language)
    # Few distinct numbers, units and agencies repeat over many rows: each is turned into text
    # once per export. That and reading the language once keep a 100,000-row export fast.
    texts: dict[tuple, str] = {}

    def number(stored: str, places: int | None) -> str:
        key = (stored, places)
        text = texts.get(key)
        if text is None:
            if len(texts) > MEMO_SIZE:
                texts.clear()
            text = texts[key] = plain_number(Decimal(stored), places)
        return text

    def unit_text(unit: str) -> str:
        key = ("unit", unit)
        text = texts.get(key)
        if text is None:
            text = texts[key] = escape_formula(unit_in_language(unit, language))
        return text

    if language == TRADITIONAL:

        def data_text(chinese: str, english: str) -> str:
            return escape_formula(chinese)

    else:

        def data_text(chinese: str, english: str) -> str:
            return escape_formula(in_language(chinese, english, language))

    escape = escape_formula
    # Numbers are read as the database's text and converted here, once per distinct number:
    # Django's per-row Decimal conversion was a third of a large export's time. The stated
    # value is read only where it differs from the published one (a correction).
    rows = (
        figures.annotate(
            value_text=Cast("value", TextField()),
            stated_text_if_corrected=Cast(
                Case(When(stated_value=F("value"), then=Value(None)), default=F("stated_value")), TextField()
            ),
        )
        .values_list(*EXPORT_FIELDS)
        .iterator(chunk_size=CHUNK_SIZE)
    )
    for (
        year,
        agency,
        slug,
        code,
        name,
        value,
        unit,
        qualifier,
        paragraph,
        clause,
        stated,
        reason,
        places,
        agency_en,
        name_en,
    ) in rows:
        value_text = number(value, places)
        yield (
            year,
            data_text(agency, agency_en),
            escape(slug),
            escape(code),
            data_text(name, name_en),
            value_text,
            unit_text(unit),
            escape(qualifier),
            paragraph,
            escape(clause),
            value_text if stated is None else number(stated, places),
            "" if stated is None else escape(reason),
        )


def batched(rows: Iterator[tuple], size: int = ROWS_PER_CHUNK) -> Iterator[list[tuple]]:
    """Consecutive lists of at most ``size`` rows."""
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def csv_chunks(figures: QuerySet, language: str = TRADITIONAL) -> Iterator[str]:
    """The CSV export: BOM and header first, then the rows, ``ROWS_PER_CHUNK`` lines a chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    yield BOM + buffer.getvalue()
    for batch in batched(export_rows(figures, language)):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(batch)
        yield buffer.getvalue()


def _json_object(cells: tuple) -> str:
    parts = []
    for index, column in enumerate(EXPORT_COLUMNS):
        encoded = cells[index] if index in NUMBER_INDEXES else json.dumps(cells[index], ensure_ascii=False)
        parts.append(f"{json.dumps(column)}: {encoded}")
    return "{" + ", ".join(parts) + "}"


def json_chunks(figures: QuerySet, language: str = TRADITIONAL) -> Iterator[str]:
    """The JSON export: ``[`` then one object per line, comma-separated, then ``]``.

    No byte-order mark: RFC 8259 forbids one and Python's json.loads rejects it.
    """
    yield "["
    separator = "\n"
    for batch in batched(export_rows(figures, language)):
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


def content_disposition(filename: str) -> str:
    """An attachment header with an ASCII ``filename`` and the RFC 6266 ``filename*=UTF-8''`` form."""
    ascii_name = filename.encode("ascii", "replace").decode("ascii").replace('"', "").replace("\\", "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def sheet_text(text: str) -> str:
    """Text for an XLSX cell: control characters XML cannot hold removed, then formulas escaped."""
    return escape_formula(ILLEGAL_CHARACTERS_RE.sub("", text))


def xlsx_row(cells: tuple) -> list:
    """An ``export_rows`` row as a data-sheet row: numbers as numbers, text safe for XML and formulas."""
    return [
        Decimal(cell) if index in NUMBER_INDEXES else sheet_text(cell) if index in TEXT_INDEXES else cell
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
    data.append(EXPORT_COLUMNS)
    count = 0
    for cells in export_rows(figures, language):
        data.append(xlsx_row(cells))
        count += 1

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
