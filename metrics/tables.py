"""django-tables2 tables of figures: ``render_<col>`` for HTML text.

Exports do not go through these tables: every exported row comes from
``metrics/export.py``, so the tables need no ``value_<col>``.
"""

import re

import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.languages import SIMPLIFIED, current_language, localized, to_simplified
from common.rendering import escape
from metrics.formatting import format_figure_in_language
from metrics.models import Figure


def figure_anchor(record) -> str:
    return f"figure-{record.code}"


def provenance_html(figure) -> SafeString:
    """The paragraph number and the verbatim clause that state a figure: the one place this markup is made.

    The paragraph links to it on the report's text page when the text is attached
    (``Figure.get_paragraph_url``: the figure needs ``source_text_attached``). The clause
    stays in the source's script, marked ``lang="zh-Hant"``; a Simplified page adds a
    Simplified rendering marked as such, only where it differs (「化解率98.66%」 is the same in both).
    """
    paragraph = escape(gettext("第 %(n)s 段") % {"n": figure.source_paragraph})
    if url := figure.get_paragraph_url():
        paragraph = f'<a href="{escape(url)}">{paragraph}</a>'
    html = f'<span class="paragraph">{paragraph}</span> <q lang="zh-Hant">{escape(figure.source_quote)}</q>'
    if current_language() == SIMPLIFIED:
        simplified = to_simplified(figure.source_quote)
        if simplified != figure.source_quote:
            html += f' <span class="quote-simplified" lang="zh-Hans">（{escape(simplified)}）</span>'
    return mark_safe(html)


class SectionFigureTable(tables.Table):
    """A section's figures, grouped by theme (reading order), sortable, with provenance.

    The ``history`` column links each figure to its admin history; exclude it for
    users who cannot edit (``SectionFigureTable(data, exclude=("history",))``).
    """

    theme = tables.Column(verbose_name=_("主題"))
    name = tables.Column(verbose_name=_("指標"))
    value = tables.Column(verbose_name=_("數值"), attrs={"td": {"class": "num"}})
    case = tables.Column(verbose_name=_("典型案例"), default="", order_by=("case__title",))
    provenance = tables.Column(
        verbose_name=_("出處（段落・原文）"),
        accessor="source_quote",
        orderable=False,
        attrs={"td": {"class": "provenance"}},
    )
    history = tables.Column(
        verbose_name=_("修改紀錄"), accessor="pk", orderable=False, attrs={"td": {"class": "no-print"}}
    )

    class Meta:
        model = Figure
        fields = ("theme", "name", "value", "case", "provenance", "history")
        row_attrs = {"id": figure_anchor}
        attrs = {"class": "figure-table"}
        template_name = "metrics/section_table.html"
        empty_text = _("本章尚無數據。")

    def __init__(self, *args, changes=None, **kwargs):
        """``changes`` maps a code to last year's figure and the change (``selectors.YearBefore.comparisons``),
        shown beside the value."""
        super().__init__(*args, **kwargs)
        self.changes = changes or {}

    def render_name(self, record):
        return format_html(
            '<a href="{}">{}</a>', reverse("metrics:series", args=[record.code]), localized(record, "name")
        )

    def render_value(self, record):
        text = format_figure_in_language(record.value, record.unit, record.qualifier, record.decimals)
        if record.code not in self.changes:
            return text
        previous, change = self.changes[record.code]
        context = {"change": change, "previous": previous}
        return format_html("{} {}", text, render_to_string("includes/_change.html", context))

    def render_case(self, record):
        return localized(record.case, "title") if record.case_id else ""

    def render_theme(self, record):
        return localized(record, "theme")

    def render_provenance(self, record):
        return provenance_html(record)

    def render_history(self, record):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:metrics_figure_history", args=[record.pk]), _("檢視、還原")
        )


def section_sort(requested: str) -> str:
    """``requested`` if it names a sortable column of the section table (``-`` for descending), else ''.

    The table validates an ``order_by`` itself and drops what it cannot sort by.
    """
    # Only names the table could know reach it: anything else ('1.5', NUL) means the default order.
    if not re.fullmatch(r"-?[a-z_]+(,-?[a-z_]+)*", requested):
        return ""
    accepted = SectionFigureTable([], order_by=requested).order_by
    return ",".join(accepted) if accepted else ""
