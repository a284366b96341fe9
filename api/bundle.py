"""A report's bundle (or every published report's): figures as the export's CSV, a Frictionless
``datapackage.json``, a README in the request's language and the revision record, in one zip.

The CSV is ``metrics.export.csv_chunks`` of the explorer's rows for the year, so it is byte for byte
the web export of that year.
"""

import csv
import io
import json
import zipfile
from datetime import datetime
from typing import BinaryIO

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from api import dictionary, selectors
from common.languages import citation, in_language
from metrics.export import BOM, EXPORT_TIMEZONE, csv_chunks, escape_formula
from metrics.formatting import plain_number
from metrics.models import Unit
from reports.models import Report

REVISION_COLUMNS = (
    "report_year",
    "section",
    "metric_code",
    "stated_value",
    "previous_value",
    "value",
    "kind",
    "reason",
    "revised_at",
)


def figures_name(report: Report) -> str:
    return f"figures-{report.year}.csv"


def write_bundle(target: BinaryIO, *, reports: list[Report], built_at: datetime, portal_url: str) -> None:
    """Write the zip of ``reports`` (published ones, oldest first) to ``target``."""
    language = get_language()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for report in reports:
            figures = selectors.explorer_figures().filter(report=report)
            archive.writestr(figures_name(report), "".join(csv_chunks(figures, language)).encode("utf-8"))
        revisions = [row for report in reports for row in selectors.revision_record(report=report)]
        archive.writestr("revisions.csv", revisions_csv(revisions).encode("utf-8"))
        archive.writestr(
            "datapackage.json",
            json.dumps(datapackage(reports, built_at=built_at, portal_url=portal_url), ensure_ascii=False, indent=2),
        )
        archive.writestr(
            "README.md", readme(reports, revisions=len(revisions), built_at=built_at, portal_url=portal_url)
        )


def revisions_csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(REVISION_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row["report_year"],
                escape_formula(row["section"]),
                escape_formula(row["metric_code"]),
                plain_number(row["stated_value"]),
                plain_number(row["previous_value"]),
                plain_number(row["value"]),
                row["kind"],
                escape_formula(row["reason"]),
                "" if row["revised_at"] is None else row["revised_at"].astimezone(EXPORT_TIMEZONE).isoformat(),
            ]
        )
    return BOM + buffer.getvalue()


def datapackage(reports: list[Report], *, built_at: datetime, portal_url: str) -> dict:
    """The Frictionless Data Package descriptor: one resource per report's figures, and the revisions."""
    schema = dictionary.table_schema()
    resources = [
        {
            "name": f"figures-{report.year}",
            "path": figures_name(report),
            "title": citation(report),
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8-sig",
            "schema": schema,
            "sources": [{"title": citation(report), "path": report.source_name}],
        }
        for report in reports
    ]
    resources.append(
        {
            "name": "revisions",
            "path": "revisions.csv",
            "title": _("更正紀錄"),
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8-sig",
            "schema": {
                "fields": [
                    {"name": "report_year", "type": "integer"},
                    {"name": "section", "type": "string"},
                    {"name": "metric_code", "type": "string"},
                    {
                        "name": "stated_value",
                        "type": "number",
                        "description": str(dictionary.COLUMNS["stated_value"][1]),
                    },
                    {"name": "previous_value", "type": "number"},
                    {"name": "value", "type": "number", "description": str(dictionary.COLUMNS["value"][1])},
                    {"name": "kind", "type": "string", "constraints": {"enum": ["correction", "revision"]}},
                    {"name": "reason", "type": "string", "description": str(dictionary.COLUMNS["correction"][1])},
                    {"name": "revised_at", "type": "datetime", "format": "any"},
                ],
                "missingValues": [""],
            },
        }
    )
    years = "-".join(str(report.year) for report in reports[:1] + reports[-1:]) if reports else "none"
    return {
        "profile": "tabular-data-package",
        "name": f"wanzhou-police-work-reports-{years}",
        "title": _("萬州區公安局工作綜述數據"),
        "description": _("工作綜述所載數字，每個數字附出處段落與原文。"),
        "homepage": portal_url,
        "created": built_at.astimezone(EXPORT_TIMEZONE).isoformat(timespec="seconds"),
        "sources": [{"title": citation(report), "path": report.source_name} for report in reports],
        "qualifiers": {code: str(text) for code, text in dictionary.QUALIFIERS.items()},
        "units": [
            {"code": unit.code, "name": in_language(unit.code, unit.name_en), "kind": unit.kind}
            for unit in Unit.objects.published()
        ],
        "resources": resources,
    }


def readme(reports: list[Report], *, revisions: int, built_at: datetime, portal_url: str) -> str:
    """The bundle's README in the active language: what, how to cite, terms, qualifiers, corrections, provenance."""
    lines = [f"# {_('萬州區公安局工作綜述數據')}", ""]
    lines += [_("本壓縮檔收錄下列報告所載的數字："), ""]
    lines += [f"- {citation(report)}（{report.source_name}）" for report in reports]
    lines += ["", f"## {_('如何引用')}", ""]
    lines += [f"- {citation(report)}. {portal_url}" for report in reports]
    lines += [
        "",
        f"## {_('使用條款')}",
        "",
        _(
            "數字與原文由發布機關公開發布；轉載或引用時請註明出處（上列引用方式）。本入口網站的摘要與譯文為我們自己的文字，不代表發布機關。"
        ),
        "",
        f"## {_('檔案')}",
        "",
        _("figures-<年度>.csv：每份報告的數字，欄位與網站匯出相同（UTF-8，含 BOM）。"),
        _("revisions.csv：公布後的更正紀錄（共 %(count)s 筆）。") % {"count": revisions},
        _("datapackage.json：Frictionless Data Package 描述，載明每一欄的類型與意義。"),
        "",
        f"## {_('欄位')}",
        "",
    ]
    lines += [f"- `{name}`: {description}" for name, (_kind, description) in dictionary.COLUMNS.items()]
    lines += ["", f"## {_('精確度')}", ""]
    lines += [f"- `{code}`: {text}" for code, text in dictionary.QUALIFIERS.items()]
    lines += [
        "",
        f"## {_('更正')}",
        "",
        _(
            "value 是公布的數值，stated_value 是原文所寫的數值；"
            "兩者不同時，correction 寫明更正理由，revisions.csv 列出更正時間。"
        ),
        "",
        f"## {_('出處')}",
        "",
        _("每個數字都有 source_paragraph（原文行號）與 source_quote（原文最短原句），可在網站的報告原文頁對照。"),
        "",
        _("產生時間：%(time)s（Asia/Shanghai）")
        % {"time": f"{built_at.astimezone(EXPORT_TIMEZONE):%Y-%m-%d %H:%M:%S}"},
        "",
    ]
    return "\n".join(str(line) for line in lines)
