"""django-tables2 tables of figures: ``render_<col>`` for HTML text."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from metrics.formatting import format_figure
from metrics.models import Figure


def _figure_anchor(record) -> str:
    return f"figure-{record.code}"


class SectionFigureTable(tables.Table):
    """A section's figures, grouped by theme (reading order), sortable, with provenance."""

    theme = tables.Column(verbose_name=_("主題"))
    name = tables.Column(verbose_name=_("指標"))
    value = tables.Column(verbose_name=_("數值"), attrs={"td": {"class": "num"}})
    case = tables.Column(verbose_name=_("典型案例"), default="")
    provenance = tables.Column(
        verbose_name=_("出處（段落・原文）"), accessor="source_quote", orderable=False, attrs={"td": {"class": "provenance"}}
    )

    class Meta:
        model = Figure
        fields = ("theme", "name", "value", "case", "provenance")
        row_attrs = {"id": _figure_anchor}
        attrs = {"class": "figure-table"}
        empty_text = _("本章尚無數據。")

    def render_value(self, record):
        return format_figure(record.value, record.unit, record.qualifier)

    def render_case(self, record):
        return record.case.title if record.case_id else ""

    def render_provenance(self, record):
        return format_html(
            '<span class="paragraph">{}</span> <q lang="zh-Hant">{}</q>',
            _("第 %(n)s 段") % {"n": record.source_paragraph},
            record.source_quote,
        )
