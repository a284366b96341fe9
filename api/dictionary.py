"""What every exported column and code means: one description, read by the data dictionary page,
each bundle's ``datapackage.json`` and its README. Texts are lazy: each reader gets them in its language."""

from django.utils.translation import gettext_lazy as _

from metrics.choices import Qualifier
from metrics.export import EXPORT_COLUMNS

#: Per column of ``EXPORT_COLUMNS``: Table Schema type and what it holds.
COLUMNS = {
    "report_year": ("integer", _("報告年度：數字所屬的工作綜述年份。")),
    "agency": ("string", _("發布機關。")),
    "section": ("string", _("章節代號（網址中的代號）：同一份報告內唯一。")),
    "metric_code": ("string", _("指標代碼：同一指標在各年度報告中使用同一代碼，可用來跨年比較。")),
    "metric_name": ("string", _("指標名稱，依下載時的語言。")),
    "value": ("number", _("公布的數值，保留報告所寫的小數位；單位見 unit 欄。")),
    "unit": ("string", _("單位，照報告原文（名、宗、%、萬元等）。")),
    "qualifier": ("string", _("精確度代碼：exact 確數；approx 報告寫「近」「約」；over 報告寫「餘」「多」。")),
    "source_paragraph": ("integer", _("出處段落：報告原文的行號（從 1 起算）。")),
    "source_quote": ("string", _("出處原文：報告中載有此數字的最短原句，繁體中文照錄。")),
    "stated_value": ("number", _("原文所載數值；與 value 不同時即為更正。")),
    "correction": ("string", _("更正理由；未更正時為空。")),
    "previous_value": ("number", _("上一份已公布報告中同一代碼、同一單位的數值；沒有時為空。")),
    "change": ("number", _("value 減 previous_value（比率為百分點）；沒有上年數值時為空。")),
}
assert tuple(COLUMNS) == EXPORT_COLUMNS, "every export column is described, in order"

#: The qualifier codes, with their meaning.
QUALIFIERS = {
    Qualifier.EXACT.value: _("確數：報告寫出確切數字。"),
    Qualifier.APPROX.value: _("近似：報告寫「近」或「約」，實際數字可能略高或略低。"),
    Qualifier.OVER.value: _("以上：報告寫「餘」「余」或「多」，實際數字高於所寫數字。"),
}


def table_schema() -> dict:
    """The Frictionless Table Schema of the export's CSV, descriptions in the active language."""
    fields = []
    for name, (kind, description) in COLUMNS.items():
        field = {"name": name, "type": kind, "description": str(description)}
        if name == "qualifier":
            field["constraints"] = {"required": True, "enum": list(QUALIFIERS)}
        if name in {"report_year", "metric_code", "value", "unit", "source_paragraph"}:
            field.setdefault("constraints", {})["required"] = True
        fields.append(field)
    return {"fields": fields, "missingValues": [""]}
