"""django-tables2 tables of figures: ``render_<col>`` for HTML text.

Exports do not go through these tables: every exported row comes from
``metrics/export.py``, so the tables need no ``value_<col>``.
"""

import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from metrics.formatting import format_figure
from metrics.models import Figure


def _figure_anchor(record) -> str:
    return f"figure-{record.code}"


def provenance_html(figure) -> str:
    """The paragraph number and the verbatim clause that state a figure (includes/_provenance.html)."""
    return render_to_string("includes/_provenance.html", {"figure": figure})


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
        row_attrs = {"id": _figure_anchor}
        attrs = {"class": "figure-table"}
        template_name = "metrics/section_table.html"
        empty_text = _("本章尚無數據。")

    def __init__(self, *args, changes=None, **kwargs):
        """``changes`` maps a code to ``(last year's figure, metrics.changes.Change)``, shown beside the value."""
        super().__init__(*args, **kwargs)
        self.changes = changes or {}

    def render_name(self, record):
        return format_html('<a href="{}">{}</a>', reverse("metrics:series", args=[record.code]), record.name)

    def render_value(self, record):
        text = format_figure(record.value, record.unit, record.qualifier)
        if record.code not in self.changes:
            return text
        previous, change = self.changes[record.code]
        context = {"change": change, "previous": previous}
        return format_html("{} {}", text, render_to_string("includes/_change.html", context))

    def render_case(self, record):
        return record.case.title if record.case_id else ""

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
    accepted = SectionFigureTable([], order_by=requested or None).order_by
    return ",".join(accepted) if accepted else ""


class FigureExplorerTable(tables.Table):
    """Figures across reports and sections for the explorer; each name links to its row on the section page.

    Needs ``report``, ``section`` and ``section.report`` joined (the explorer's queryset
    does), so rendering a page runs no query per row. Every sort ends on ``pk`` so
    pages never overlap.
    """

    year = tables.Column(
        verbose_name=_("年度"),
        accessor="report__year",
        order_by=("report__year", "section__position", "position", "pk"),
    )
    section = tables.Column(verbose_name=_("章節"), order_by=("section__position", "report__year", "position", "pk"))
    name = tables.Column(verbose_name=_("指標"), linkify=True, order_by=("name", "pk"), attrs={"td": {"class": "name"}})
    code = tables.Column(
        verbose_name=_("代碼"), order_by=("code", "report__year", "pk"), attrs={"td": {"class": "code"}}
    )
    value = tables.Column(verbose_name=_("數值"), order_by=("value", "pk"), attrs={"td": {"class": "num"}})
    provenance = tables.Column(
        verbose_name=_("出處（段落・原文）"),
        accessor="source_quote",
        orderable=False,
        attrs={"td": {"class": "provenance"}},
    )

    class Meta:
        model = Figure
        fields = ("year", "section", "name", "code", "value", "provenance")
        attrs = {"class": "figure-table explorer-table"}
        empty_text = _("沒有符合篩選條件的數據。")

    def render_section(self, record):
        return record.section.get_slug_display()

    def render_value(self, record):
        return format_figure(record.value, record.unit, record.qualifier)

    def render_provenance(self, record):
        return provenance_html(record)


def sort_choices(table_class: type[tables.Table]) -> list[tuple[str, str]]:
    """The ``?sort=`` values a table accepts: each orderable column ascending, then descending."""
    choices = []
    for column in table_class([]).columns:
        if column.orderable:
            choices.append((column.name, format_lazy(_("{}（由小到大）"), column.header)))
            choices.append((f"-{column.name}", format_lazy(_("{}（由大到小）"), column.header)))
    return choices
