"""The search page's GET form: the query, the years, the kind and the page, every one validated."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.models import FIRST_YEAR, LAST_YEAR
from search.models import Kind
from search.text import QUERY_MAX_LENGTH, normalise

#: Control characters (NUL, the index's field separator) have no place in a query.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

#: Pages a query may be paged to; a page past its last is a 404, as Django's list views answer.
MAX_PAGE = 10_000


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("搜尋"),
        required=False,
        max_length=QUERY_MAX_LENGTH,
        error_messages={"max_length": _("搜尋字詞最多 %(limit_value)d 個字：輸入的有 %(show_value)d 個字。")},
        widget=forms.TextInput(attrs={"type": "search", "maxlength": QUERY_MAX_LENGTH}),
    )
    year = forms.TypedMultipleChoiceField(
        label=_("年度"),
        required=False,
        coerce=int,
        choices=[(str(year), str(year)) for year in range(FIRST_YEAR, LAST_YEAR + 1)],
        error_messages={"invalid_choice": _("沒有「%(value)s」這個年度。")},
    )
    kind = forms.ChoiceField(
        label=_("類別"),
        required=False,
        choices=[("", _("全部類別")), *Kind.choices],
        error_messages={"invalid_choice": _("沒有「%(value)s」這個類別。")},
    )
    page = forms.IntegerField(
        label=_("頁次"),
        required=False,
        min_value=1,
        max_value=MAX_PAGE,
        error_messages={
            "invalid": _("頁次須是整數。"),
            "min_value": _("頁次從 1 起算。"),
            "max_value": _("頁次最多到 %(limit_value)s。"),
        },
    )

    def clean_q(self):
        query = self.cleaned_data["q"]
        if _CONTROL.search(query):
            raise forms.ValidationError(_("搜尋字詞不能含有控制字元。"))
        return query

    def clean(self):
        cleaned = super().clean()
        cleaned["needle"] = normalise(cleaned.get("q") or "")
        cleaned["page"] = cleaned.get("page") or 1
        return cleaned
