"""What a browser posts to the admin: a page's own form data with an edit applied, and the 2021 codes tests edit.

Forms are posted the way a browser would: the page's own form data, with the edit applied.
"""

from django.urls import reverse

from metrics.models import Figure

RESOLVED = "mediation.disputes_resolved"  # 17918 起
SCREENED = "mediation.disputes_screened"  # 18161 起
RATE = "mediation.resolution_rate"  # 98.66 %, linked to the two counts above
PLAIN = "stability.permitted_event_plans"  # 14 場, linked to nothing

COUNT_BREAKS_RATE = (
    "比率須等於分子 ÷ 分母 × 100 四捨五入到小數 2 位：「化解矛盾糾紛」改為 17920 後為 17920 ÷ 18161 × 100 = "
    "98.67298…%，四捨五入為 98.67%，但「矛盾糾紛化解率」為 98.66%。請把分子、分母與比率放在同一次儲存中修改"
    "（數據列表或章節頁），或在修改紀錄中「還原整次儲存」。"
)
REASON = "依核對後的統計更正"
FIGURE_CHANGELIST = reverse("admin:metrics_figure_changelist")

#: Session, user, permissions, counts, results, filter choices: a constant, whatever the rows.
MAX_FIGURE_CHANGELIST_QUERIES = 10


def figure(code: str) -> Figure:
    return Figure.objects.get(report__year=2021, code=code)


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def form_data(form) -> dict:
    """What a browser posts for ``form`` as shown: each field, and the hidden initial value of versioned fields."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if field.show_hidden_initial:
            data[form.add_initial_prefix(name)] = "" if value is None else str(value)
        if value is None or value is False:
            continue
        data[form.add_prefix(name)] = "on" if value is True else value
    return data


def admin_form_data(response, **changes) -> dict:
    """The POST data that saves the admin form on this page as shown, with ``changes`` to the main form."""
    data = form_data(response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets") or []:
        data |= form_data(inline.formset.management_form)
        for form in inline.formset.forms:
            data |= form_data(form)
    return data | changes


def inline_field(response, obj, field: str) -> str:
    """The POST name of ``field`` in the inline row that edits ``obj``."""
    for inline in response.context["inline_admin_formsets"]:
        for form in inline.formset.forms:
            if type(form.instance) is type(obj) and form.instance.pk == obj.pk:
                return form.add_prefix(field)
    raise LookupError(f"no inline row for {obj!r}")


def changelist_data(page, *rows: tuple[Figure, str] | tuple[Figure, str, str]) -> dict:
    """The POST data that saves the figure list ``page`` as a browser shows it, with the rows
    (figure, new value[, correction reason]) edited."""
    formset = page.context["cl"].formset
    data = form_data(formset.management_form) | {"_save": "儲存"}
    forms = {form.instance.pk: form for form in formset.forms}
    for form in forms.values():
        data |= form_data(form)
    for figure, value, *reason in rows:
        form = forms[figure.pk]
        data[form.add_prefix("value")] = value
        if reason:
            data[form.add_prefix("correction_reason")] = reason[0]
    return data


def post_changelist(client, *rows, page=None):
    """Save the figure list as loaded in ``page`` (loaded now when None) with ``rows`` edited."""
    page = page or client.get(FIGURE_CHANGELIST)
    return client.post(FIGURE_CHANGELIST, changelist_data(page, *rows))


def post_change_form(client, obj, **changes):
    response = client.get(change_url(obj))
    return client.post(change_url(obj), admin_form_data(response, **changes))
