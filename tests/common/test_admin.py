"""Admin formsets take a bounded number of rows: a POST claiming more is refused at once and saves nothing."""

import time
import tracemalloc

import pytest
from django.contrib import admin
from django.forms.formsets import TOTAL_FORM_COUNT

from common.admin import BoundedInlineMixin
from common.forms import BoundedFormSetMixin
from metrics.admin import MAX_FIGURES_PER_SECTION
from metrics.models import Figure
from reports.models import NamedItem, NotableCase, Report, Section
from tests.admin_forms import FIGURE_CHANGELIST, admin_form_data, change_url, changelist_data
from tests.factories import make_case, make_figure, make_named_item, make_report, make_section

pytestmark = pytest.mark.django_db

#: What the hostile POST claimed: about 120 bytes that cost 33 s and a 27 MB page.
INFLATED = "999999"
#: A refusal costs no more than showing the page: well within these.
MAX_SECONDS = 2
MAX_PEAK_BYTES = 50 * 1024 * 1024
EDITED = "改過的標題"

#: Each admin change form with inlines: how to find the object it edits and a field of its own to change.
CHANGE_FORMS = {
    Report: (lambda: Report.objects.get(), "title"),
    Section: (lambda: Section.objects.get(), "heading"),
}


@pytest.fixture
def report(db) -> Report:
    """A report whose one section has a few rows in each inline."""
    report = make_report(2022)
    section = make_section(report, "mediation")
    for index in (1, 2, 3):
        make_figure(section, index)
        make_case(section, index)
        make_named_item(section, index)
    return report


def stored() -> dict:
    """Every row the admin could write, and the number of history rows, comparable before and after."""
    return {
        model.__name__: (list(model.objects.order_by("pk").values()), model.history.count())
        for model in (Report, Section, Figure, NotableCase, NamedItem)
    }


def timed_post(client, url: str, data: dict):
    """POST ``data`` twice: (the answer, its seconds, the peak bytes traced while answering it again).

    Timed untraced: tracemalloc slows a request several times over.
    """
    start = time.perf_counter()
    response = client.post(url, data)
    seconds = time.perf_counter() - start
    tracemalloc.start()
    try:
        client.post(url, data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return response, seconds, peak


def too_many_forms(formset) -> list[str]:
    return [error.code for error in formset.non_form_errors().as_data()]


def test_admin_every_inline_is_bounded():
    inlines = {inline for model_admin in admin.site._registry.values() for inline in model_admin.inlines}
    assert len(inlines) == 4
    for inline in inlines:
        assert issubclass(inline, BoundedInlineMixin), inline
        assert issubclass(inline.formset, BoundedFormSetMixin), inline
        assert inline.max_num, inline


def test_admin_inline_formset_absolute_max_is_its_max_num(rf, make_user):
    request = rf.get("/")
    request.user = make_user("editor")
    for model_admin in admin.site._registry.values():
        for inline in model_admin.get_inline_instances(request):
            formset = inline.get_formset(request)
            assert formset.absolute_max == formset.max_num == inline.max_num, inline


def test_admin_changelist_formset_takes_at_most_the_longest_page(rf, make_user):
    request = rf.get("/")
    request.user = make_user("editor")
    editable = [model_admin for model_admin in admin.site._registry.values() if model_admin.list_editable]
    assert editable
    for model_admin in editable:
        formset = model_admin.get_changelist_formset(request)
        rows = max(model_admin.list_per_page, model_admin.list_max_show_all)
        assert formset.absolute_max == formset.max_num == rows, model_admin


def test_admin_change_forms_with_inlines_are_all_walked():
    assert {model for model, model_admin in admin.site._registry.items() if model_admin.inlines} == set(CHANGE_FORMS)


@pytest.mark.parametrize("model", list(CHANGE_FORMS), ids=lambda model: model.__name__)
def test_admin_change_form_refuses_inflated_total_forms_at_once_saving_nothing(model, editor_client, report):
    find, field = CHANGE_FORMS[model]
    url = change_url(find())
    page = editor_client.get(url)
    data = admin_form_data(page, **{field: EDITED, "change_reason": "測試"})
    prefixes = [inline.formset.prefix for inline in page.context["inline_admin_formsets"]]
    editor_client.post(url, data | {f"{prefixes[0]}-{TOTAL_FORM_COUNT}": INFLATED})  # templates loaded, as when serving
    before = stored()

    for prefix in prefixes:
        response, seconds, peak = timed_post(editor_client, url, data | {f"{prefix}-{TOTAL_FORM_COUNT}": INFLATED})
        assert response.status_code == 200  # the change form again, with the error
        assert seconds < MAX_SECONDS and peak < MAX_PEAK_BYTES, prefix
        (inline,) = [inline for inline in response.context["inline_admin_formsets"] if inline.formset.prefix == prefix]
        assert too_many_forms(inline.formset) == ["too_many_forms"]
        assert inline.formset.forms == []
        assert f"請送出最多 {inline.formset.max_num} 個表單。" in response.content.decode()
        assert stored() == before, prefix

    assert editor_client.post(url, data).status_code == 302  # the same POST without the inflation saves
    assert getattr(find(), field) == EDITED


def test_admin_change_form_refuses_one_row_past_the_limit(editor_client, report):
    section = Section.objects.get()
    data = admin_form_data(editor_client.get(change_url(section)), heading=EDITED)
    data[f"figures-{TOTAL_FORM_COUNT}"] = str(MAX_FIGURES_PER_SECTION + 1)
    response = editor_client.post(change_url(section), data)
    assert response.status_code == 200
    assert f"請送出最多 {MAX_FIGURES_PER_SECTION} 個表單。" in response.content.decode()
    assert Section.objects.get().heading != EDITED


def test_admin_changelist_refuses_inflated_total_forms_at_once_saving_nothing(editor_client, report):
    page = editor_client.get(FIGURE_CHANGELIST)
    data = changelist_data(page, (Figure.objects.first(), "7")) | {f"form-{TOTAL_FORM_COUNT}": INFLATED}
    editor_client.post(FIGURE_CHANGELIST, data)  # templates loaded, as when serving
    before = stored()
    response, seconds, peak = timed_post(editor_client, FIGURE_CHANGELIST, data)
    assert response.status_code == 200
    assert seconds < MAX_SECONDS and peak < MAX_PEAK_BYTES
    formset = response.context["cl"].formset
    assert too_many_forms(formset) == ["too_many_forms"]
    assert len(formset.forms) == formset.absolute_max
    assert f"請送出最多 {formset.max_num} 個表單。" in response.content.decode()
    assert len(response.context["cl"].result_list) == 3  # the page's rows are shown with the error
    assert stored() == before
