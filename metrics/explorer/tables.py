"""The explorer's table: figures across reports and sections, one page of rows at a time."""

import django_tables2 as tables
from django.db.models import F
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tables2.data import TableQuerysetData
from django_tables2.templatetags.django_tables2 import table_page_range

from common.languages import localized
from common.rendering import escape
from metrics import changes
from metrics.formatting import format_figure_in_language
from metrics.models import Figure
from metrics.tables import figure_anchor, provenance_html


class PageFirstRows(TableQuerysetData):
    """Table data that picks a page's rows before reading their computed columns.

    SQLite computes a SELECT-list subquery (``with_previous()``'s) for every row it
    sorts, before LIMIT: thousands of lookups for a page of 25. A slice of this data
    is one query that sorts and limits the primary keys in a subquery, then reads
    the columns, subqueries included, for those rows only. A sort or a filter by the
    annotation still computes it where it needs it.
    """

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return self.data[key]
        return self.data.filter(pk__in=self.data[key].values("pk"))


class FigureExplorerTable(tables.Table):
    """Figures across reports and sections for the explorer; each name links to its row on the section page.

    Needs ``report`` and ``section`` joined and ``Figure.objects.with_previous()``'s
    annotations (the explorer's queryset has both), so a page runs no query per row.
    Every sort ends on ``pk`` so pages never overlap; by ``change``, figures without
    a previous value come last in either direction.

    The explorer renders this table on every request, so its template writes the
    rows with ``rows_html()``: one pass of Python over the page's records calling
    ``render_<column>``, instead of django-tables2's template per row and cell
    lookups per cell. Columns, sorting and pagination stay django-tables2's.
    """

    year = tables.Column(
        verbose_name=_("年度"),
        accessor="report__year",
        order_by=("report__year", "section__position", "position", "pk"),
    )
    section = tables.Column(verbose_name=_("章節"), order_by=("section__position", "report__year", "position", "pk"))
    name = tables.Column(verbose_name=_("指標"), order_by=("name", "pk"), attrs={"td": {"class": "name"}})
    code = tables.Column(
        verbose_name=_("代碼"), order_by=("code", "report__year", "pk"), attrs={"td": {"class": "code"}}
    )
    value = tables.Column(verbose_name=_("數值"), order_by=("value", "pk"), attrs={"td": {"class": "num"}})
    change = tables.Column(verbose_name=_("與上年相比"), attrs={"td": {"class": "change-cell"}})
    #: Not shown (the change column states the change); a sort only, so units of different size compare.
    change_percent = tables.Column(verbose_name=_("與上年相比（百分比）"), visible=False, empty_values=())
    provenance = tables.Column(
        verbose_name=_("出處（段落・原文）"),
        accessor="source_quote",
        orderable=False,
        attrs={"td": {"class": "provenance"}},
    )

    class Meta:
        model = Figure
        fields = ("year", "section", "name", "code", "value", "change", "change_percent", "provenance")
        attrs = {"class": "figure-table explorer-table"}
        template_name = "metrics/explorer_table.html"
        empty_text = _("沒有符合篩選條件的數據。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One reverse() per section on the page rather than one per row.
        self._section_urls = {}
        self._no_change = None

    def render_year(self, record):
        return record.report.year

    def render_section(self, record):
        return localized(record.section, "heading")

    def render_name(self, record):
        section_url = self._section_urls.get(record.section_id)
        if section_url is None:
            section_url = reverse("metrics:section", kwargs={"year": record.report.year, "slug": record.section.slug})
            self._section_urls[record.section_id] = section_url
        name = localized(record, "name")
        return mark_safe(f'<a href="{escape(section_url)}#{escape(figure_anchor(record))}">{escape(name)}</a>')

    def render_code(self, record):
        """The code, breakable only after its dots and underscores (a narrow column breaks it between words)."""
        return mark_safe(escape(record.code).replace(".", ".<wbr>").replace("_", "_<wbr>"))

    def render_value(self, record):
        """The published value; a correction is marked as on the section page, with the stated value and reason."""
        text = escape(format_figure_in_language(record.value, record.unit, record.qualifier, record.decimals))
        if not record.is_correction:
            return mark_safe(text)
        stated = format_figure_in_language(record.stated_value, record.unit, record.qualifier, record.decimals)
        note = gettext("報告原載 %(stated)s；原因：%(reason)s") % {"stated": stated, "reason": record.correction_reason}
        return mark_safe(
            f'{text} <span class="correction-mark">{escape(gettext("更正"))}</span>'
            f' <span class="correction-note">{escape(note)}</span>'
        )

    def render_change(self, record):
        """``metrics.changes``' text for the row's value against ``previous_value``; a muted dash without one."""
        if record.previous_value is None:
            if self._no_change is None:
                # Built on first use, in the request's language (``sort_choices`` makes a table at import).
                label = escape(gettext("上年沒有可比數據"))
                self._no_change = mark_safe(
                    f'<span class="change-none" title="{label}"><span aria-hidden="true">—</span>'
                    f'<span class="visually-hidden">{label}</span></span>'
                )
            return self._no_change
        qualifiers = (record.previous_qualifier, record.qualifier)
        item = changes.change(record.previous_value, record.value, record.unit, qualifiers=qualifiers)
        return mark_safe(f'<span class="change change-{item.direction}">{escape(changes.describe(item))}</span>')

    def order_change(self, queryset, is_descending):
        """By the numeric change, figures without a previous value last both ways, then by ``pk``."""
        by_change = F("change").desc(nulls_last=True) if is_descending else F("change").asc(nulls_last=True)
        return queryset.order_by(by_change, "-pk" if is_descending else "pk"), True

    def order_change_percent(self, queryset, is_descending):
        """By the change as a percentage of last year's value; without one (no value, or 0 last year) last."""
        by_percent = F("change_percent")
        by_percent = by_percent.desc(nulls_last=True) if is_descending else by_percent.asc(nulls_last=True)
        return queryset.with_percent_change().order_by(by_percent, "-pk" if is_descending else "pk"), True

    def render_provenance(self, record):
        return provenance_html(record)

    def rows_html(self) -> SafeString:
        """``<tr>`` of each record on the current page (every record if unpaginated), in order.

        A cell is ``render_<column>(record)``, escaped unless safe, in a ``<td>`` with
        the column's ``td`` attributes: what the django-tables2 template would write.
        """
        cells = [
            (f"<td{flatatt(column.attrs['td'])}>", getattr(self, f"render_{column.name}")) for column in self.columns
        ]
        records = self.paginated_rows.data
        return mark_safe(
            "".join(
                "<tr>" + "".join(f"{td}{escape(render(record))}</td>" for td, render in cells) + "</tr>"
                for record in records
            )
        )

    def head_html(self) -> SafeString:
        """``<th>`` of each column: its header, for a sortable one a link that sorts by it (or turns it round).

        Sort links keep the other query parameters but the page: a new order starts on page 1.
        """
        query = self.request.GET.copy()
        query.pop(self.prefixed_page_field, None)
        cells = []
        for column in self.columns:
            header = escape(column.header)
            if column.orderable:
                query[self.prefixed_order_by_field] = column.order_by_alias.next
                header = f'<a href="?{escape(query.urlencode())}">{header}</a>'
            cells.append(f'<th scope="col"{flatatt(column.attrs["th"])}>{header}</th>')
        return mark_safe("".join(cells))

    def page_links(self) -> list[dict]:
        """Links to other pages of a paginated table: previous, up to ten numbers with gaps, next.

        Each is ``{"kind", "text", "url", "rel", "current"}``; a gap has no url, the
        current page is marked. URLs keep every other query parameter.
        """
        query = self.request.GET.copy()

        def url(number: int) -> str:
            query[self.prefixed_page_field] = number
            return "?" + query.urlencode()

        page = self.page
        links = []
        if page.has_previous():
            links.append(
                {"kind": "previous", "text": gettext("上一頁"), "url": url(page.previous_page_number()), "rel": "prev"}
            )
        for number in table_page_range(page, self.paginator):
            if number == "...":
                links.append({"kind": "gap", "text": "…"})
            else:
                links.append({"kind": "number", "text": number, "url": url(number), "current": number == page.number})
        if page.has_next():
            links.append(
                {"kind": "next", "text": gettext("下一頁"), "url": url(page.next_page_number()), "rel": "next"}
            )
        return links


def figures_in_order(figures, *, sort: str):
    """``figures`` in the explorer table's order for ``sort``, a ``?sort=`` value the form validated ("" keeps
    the queryset's own order): what an export of the table holds."""
    table = FigureExplorerTable(figures)
    if sort:
        table.order_by = sort
    return table.data.data


def sort_choices(table_class: type[tables.Table]) -> list[tuple[str, str]]:
    """The ``?sort=`` values a table accepts: each orderable column ascending, then descending."""
    choices = []
    for column in table_class([]).columns.iterall():
        if column.orderable:
            choices.append((column.name, format_lazy(_("{}（由小到大）"), column.header)))
            choices.append((f"-{column.name}", format_lazy(_("{}（由大到小）"), column.header)))
    return choices
