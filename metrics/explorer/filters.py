"""The explorer's filters: one django-filter FilterSet whose form is the page's GET form.

Every value arrives in the query string, so every field validates it: an unknown
choice, a non-number, min > max, a NUL byte or an over-long search is a form
error, never a database error (CONVENTIONS 6).
"""

from decimal import Decimal
from urllib.parse import urlencode

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from common.languages import in_language
from metrics.changes import DOWN, SAME, UP
from metrics.choices import Qualifier
from metrics.explorer.tables import FigureExplorerTable, sort_choices
from metrics.formatting import plain_number, unit_label
from metrics.models import Figure, Unit
from reports.models import Report
from search.selectors import figure_ids
from search.text import QUERY_MAX_LENGTH, normalise

PAGE_SIZES = (25, 50, 100)
DEFAULT_PAGE_SIZE = PAGE_SIZES[0]

#: The search page's limit (long enough for any figure name or code, short enough to keep a hostile URL cheap).
SEARCH_MAX_LENGTH = QUERY_MAX_LENGTH

#: Same bounds as ``Figure.value``, so a bound never overflows the column.
VALUE_DIGITS = {"max_digits": 16, "decimal_places": 2}

CORRECTED_ONLY = "yes"
CORRECTED_CHOICES = [(CORRECTED_ONLY, _("只看更正過的數據（與報告所載不同）"))]

# Choices are given to the filters as callables: django-filter and Django deep-copy every
# filter and form field per request, and a function is copied by reference where a list of
# (value, lazy label) pairs is copied item by item.

#: Built once: the labels are lazy, so each request still shows them in its own language.
SORT_CHOICES = sort_choices(FigureExplorerTable)
PAGE_SIZE_CHOICES = [(str(n), str(n)) for n in PAGE_SIZES]

#: Filters an export's file name flags as ``filtered`` without spelling them out.
NARROWING_FILTERS = ("kind", "unit", "qualifier", "value_min", "value_max", "corrected", "change")

KIND_RATES = "rates"
KIND_COUNTS = "counts"
KIND_CHOICES = [(KIND_RATES, _("只看比率（%）")), (KIND_COUNTS, _("只看比率以外（數量、金額等）"))]

CHANGE_ANY = "any"
CHANGE_NONE = "none"
CHANGE_CHOICES = [
    (UP, _("上升")),
    (DOWN, _("下降")),
    (SAME, _("持平")),
    (CHANGE_ANY, _("有上年數據可比")),
    (CHANGE_NONE, _("上年沒有可比數據")),
]
#: Each ``change`` choice as a condition on ``Figure.objects.with_previous()``'s annotations.
CHANGE_CONDITIONS = {
    UP: Q(change__gt=0),
    DOWN: Q(change__lt=0),
    SAME: Q(change=0),
    CHANGE_ANY: Q(previous_value__isnull=False),
    CHANGE_NONE: Q(previous_value__isnull=True),
}


def unit_choices() -> list[tuple[str, str]]:
    """The units of published figures, each named in the page language: 1 query."""
    return [(unit.code, unit_label(unit)) for unit in Unit.objects.published()]


def explorer_query(*, year: int, section: str) -> str:
    """The explorer's query string for one year's section of topic ``section``: ``year=2021&section=mediation``."""
    return urlencode({"year": year, "section": section})


class FigureFilterForm(forms.Form):
    """Checks what no single field can: the value range must not be upside down."""

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("value_min"), cleaned.get("value_max")
        if low is not None and high is not None and low > high:
            self.add_error("value_max", _("數值上限不能小於下限。"))
        return cleaned


class FigureFilter(django_filters.FilterSet):
    """Filters over ``Figure`` for the explorer and its exports.

    The queryset must be ``Figure.objects.with_previous()`` (or built on it) for the
    ``change`` filter, which compares each figure with the report just before.

    ``sort`` and ``per_page`` ride in the same form so they are validated and kept
    with the filters, but the table applies them: they leave the rows as they are.
    """

    year = django_filters.MultipleChoiceFilter(
        label=_("年度"), field_name="report__year", distinct=False, widget=forms.CheckboxSelectMultiple
    )
    q = django_filters.CharFilter(
        label=_("搜尋名稱或代碼"),
        method="search",
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    section = django_filters.ChoiceFilter(
        label=_("章節"),
        field_name="section__topic",
        choices=list,
        empty_label=_("全部章節"),
        widget=forms.Select,
    )
    kind = django_filters.ChoiceFilter(
        label=_("類型"),
        choices=lambda: KIND_CHOICES,
        empty_label=_("比率與數量"),
        method="filter_kind",
        widget=forms.Select,
    )
    unit = django_filters.ChoiceFilter(
        label=_("單位"), choices=unit_choices, empty_label=_("全部單位"), widget=forms.Select
    )
    qualifier = django_filters.ChoiceFilter(
        label=_("精確度"), choices=lambda: Qualifier.choices, empty_label=_("全部"), widget=forms.Select
    )
    value_min = django_filters.NumberFilter(
        label=_("數值下限"), field_name="value", lookup_expr="gte", widget=forms.NumberInput, **VALUE_DIGITS
    )
    value_max = django_filters.NumberFilter(
        label=_("數值上限"), field_name="value", lookup_expr="lte", widget=forms.NumberInput, **VALUE_DIGITS
    )
    corrected = django_filters.ChoiceFilter(
        label=_("更正"),
        choices=lambda: CORRECTED_CHOICES,
        empty_label=_("全部數據"),
        method="filter_corrected",
        widget=forms.Select,
    )
    change = django_filters.ChoiceFilter(
        label=_("與上年相比"),
        choices=lambda: CHANGE_CHOICES,
        empty_label=_("全部"),
        method="filter_change",
        widget=forms.Select,
    )
    sort = django_filters.ChoiceFilter(
        label=_("排序"),
        choices=lambda: SORT_CHOICES,
        empty_label=_("預設順序"),
        method="leave_rows",
        widget=forms.Select,
    )
    per_page = django_filters.ChoiceFilter(
        label=_("每頁筆數"),
        choices=lambda: PAGE_SIZE_CHOICES,
        empty_label=None,
        method="leave_rows",
        widget=forms.Select,
    )

    class Meta:
        model = Figure
        fields = ()
        form = FigureFilterForm

    def __init__(self, *args, **kwargs):
        """Year choices: the published reports' years, whose rows are all the explorer shows (editors
        included); a draft's year is refused exactly as a year without a report is.

        Section choices: the topics of the published reports' sections, so one choice filters
        every year's section of that topic; each is labelled by its newest published heading
        in the page's language, newest report's sections first. 1 query for both.
        """
        super().__init__(*args, **kwargs)
        rows = (
            Report.objects.published()
            .order_by("-year", "sections__position")
            .values_list("year", "sections__topic", "sections__heading", "sections__heading_en")
        )
        years, headings = set(), {}
        for year, topic, heading, heading_en in rows:
            years.add(year)
            if topic is not None:
                headings.setdefault(topic, (heading, heading_en))
        year_choices = [(str(year), str(year)) for year in sorted(years)]
        self.filters["year"].extra["choices"] = lambda: year_choices
        # Labelled when the form is drawn, so in the request's language.
        self.filters["section"].extra["choices"] = lambda: [
            (topic, in_language(heading, heading_en)) for topic, (heading, heading_en) in headings.items()
        ]

    def filter_kind(self, queryset, name, value):
        return queryset.rates() if value == KIND_RATES else queryset.counts()

    def filter_corrected(self, queryset, name, value):
        return queryset.corrections()

    def filter_change(self, queryset, name, value):
        """Against the published report just before; needs ``with_previous()``, which the explorer's queryset has."""
        return queryset.filter(CHANGE_CONDITIONS[value])

    def search(self, queryset, name, value):
        """The figures the search page finds for ``value`` (``search.selectors.figure_ids``): name, theme, clause,
        code and value, in either script or English, so the two never disagree. A subquery, no extra query."""
        needle = normalise(value)
        return queryset.filter(pk__in=figure_ids(needle)) if needle else queryset

    def leave_rows(self, queryset, name, value):
        return queryset

    def page_size(self) -> int:
        """Rows a page: the chosen 25/50/100, else 25. Only for an unbound or valid form."""
        chosen = self.form.cleaned_data.get("per_page") if self.is_bound else None
        return int(chosen) if chosen else DEFAULT_PAGE_SIZE

    def sort_value(self) -> str:
        """The chosen ``?sort=`` (one of ``SORT_CHOICES``), else "" (none, or the form is invalid)."""
        return (self.form.cleaned_data.get("sort") or "") if self.is_bound and self.is_valid() else ""

    def selected_years(self) -> list[int]:
        """The years filtered on, ascending; empty for all years. Only for a valid form."""
        return sorted(int(year) for year in self.form.cleaned_data.get("year") or ())

    def file_naming(self) -> dict:
        """What an export's file name says about the rows, as ``export_filename`` keywords. Only for a valid form.

        Years, section and search are named; any other filter that narrows the rows
        (kind, unit, qualifier, value bounds, corrections, change) is only flagged. Sort and page size
        change no row and are left out.
        """
        data = self.form.cleaned_data
        return {
            "years": self.selected_years(),
            "section": data.get("section") or "",
            "search": data.get("q") or "",
            "other_filters": any(data.get(name) not in EMPTY_VALUES for name in NARROWING_FILTERS),
        }

    def describe(self) -> list[tuple[str, str]]:
        """The active filters and sort as (label, text) pairs, for citing an export. Only for a valid form."""
        described = []
        for name, value in self.form.cleaned_data.items():
            if name == "per_page" or value in EMPTY_VALUES:
                continue
            field = self.form.fields[name]
            if isinstance(value, Decimal):
                text = plain_number(value)
            elif hasattr(field, "choices"):
                labels = {str(key): str(label) for key, label in field.choices}
                text = str(_("、")).join(
                    labels.get(item, item) for item in (value if isinstance(value, list) else [value])
                )
            else:
                text = value
            described.append((str(field.label), text))
        return described
