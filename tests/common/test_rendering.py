"""The Python form renderer writes exactly what Django's widget and error-list templates write."""

import re
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.forms.utils import ErrorList
from django.http import QueryDict
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from common.rendering import BUILDERS, INPUT_TEMPLATES, PythonFormRenderer
from metrics.explorer.filters import FigureFilter
from metrics.models import Figure
from reports.models import Section

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module")]

OURS, DJANGOS = PythonFormRenderer(), DjangoTemplates()


def both(widget, name, value, attrs=None) -> tuple[str, str]:
    return widget.render(name, value, attrs, renderer=OURS), widget.render(name, value, attrs, renderer=DJANGOS)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "year=2021",
        "year=2021&year=2022&q=化解&section=mediation&kind=rates&unit=%25&qualifier=over"
        "&value_min=1.5&value_max=99&sort=-value&per_page=50",
        "q=%22%3E%3Cscript%3E&value_min=abc&section=nowhere",
    ],
)
def test_explorer_form_renders_as_djangos_templates_render_it(report_2021, query):
    form = FigureFilter(QueryDict(query)).form
    form.renderer = OURS
    ours = form.render()
    form.renderer = DJANGOS
    assert ours == form.render()
    assert "<select" in ours and 'type="checkbox"' in ours


@pytest.mark.parametrize(
    ("widget", "value"),
    [
        (forms.Select(choices=[("", "全部"), ("a&b", "A & B"), ("<", "<b>")]), "a&b"),
        (forms.Select(choices=[("群組", [("x", "X")]), ("y", "Y")]), "x"),
        (forms.Select(choices=[(2021, 2021), (2022, 2022)]), 2022),
        (forms.Select(choices=[("1", gettext_lazy("全部")), ("2", mark_safe("<b>粗</b>"))]), "2"),
        (forms.Select(choices=[("1.5", Decimal("1.5"))]), "1.5"),  # a decimal label: the template's
        (forms.SelectMultiple(choices=[("1", "一"), ("2", "二")]), ["1", "2"]),
        (forms.CheckboxSelectMultiple(choices=[("1", "一"), ("2", "二")], attrs={"class": "years"}), ["2"]),
        (forms.CheckboxSelectMultiple(choices=[("群組", [("1", "一")])]), ["1"]),
        (forms.RadioSelect(choices=[("1", "一")]), "1"),  # its own templates: Django's
        (forms.TextInput(attrs={"type": "search", "maxlength": 100}), 'a"<b'),
        (forms.NumberInput(attrs={"step": "0.01"}), None),
        (forms.NumberInput(), Decimal("98.66")),
        (forms.HiddenInput(), 0),
        (forms.HiddenInput(attrs={"data-x": mark_safe("&amp;")}), ""),
        (forms.CheckboxInput(), True),
        (forms.CheckboxInput(), False),
        (forms.EmailInput(), "a@b.c"),
        (forms.Textarea(), "<p>"),
    ],
)
def test_widget_renders_as_djangos_template_renders_it(widget, value):
    ours, djangos = both(widget, "f", value, {"id": "id_f", "required": True, "disabled": False, "tabindex": 1})
    assert ours == djangos


@pytest.mark.parametrize(
    "errors",
    [
        ErrorList(),
        ErrorList(["數值不得為負<script>"], field_id="id_value"),
        ErrorList(["一", mark_safe("<b>二</b>")], error_class="nonfield"),
        ErrorList([forms.ValidationError("%(n)s 太大", params={"n": 5})]),
    ],
)
def test_error_list_renders_as_djangos_template_renders_it(errors):
    errors.renderer = OURS
    ours = str(errors)
    errors.renderer = DJANGOS
    assert ours == str(errors)


def test_every_template_written_in_python_is_one_django_renders():
    for template_name in BUILDERS:
        DJANGOS.get_template(template_name)
    # Each input template is the one include the builders write: a Django that changed one fails here.
    for name in INPUT_TEMPLATES:
        source = DJANGOS.get_template(f"django/forms/widgets/{name}.html").template.source
        assert source.strip() == '{% include "django/forms/widgets/input.html" %}', name


@pytest.mark.parametrize("name", INPUT_TEMPLATES)
def test_each_input_template_renders_as_djangos_renders_it(name):
    widget = forms.TextInput(attrs={"class": "v<", "autofocus": True})
    widget.input_type, widget.template_name = name, f"django/forms/widgets/{name}.html"
    ours, djangos = both(widget, "f", 'a"&b', {"id": "id_f"})
    assert ours == djangos and f'type="{name}"' in ours


def test_a_context_the_builders_do_not_write_goes_to_the_template(monkeypatch):
    widget = forms.Select(choices=[("1", "一")])
    monkeypatch.setattr(widget, "option_template_name", "django/forms/widgets/radio_option.html")
    ours, djangos = both(widget, "f", "1")
    assert ours == djangos and "<label><input" in ours


def page(client, url, data=None) -> str:
    response = client.post(url, data) if data is not None else client.get(url)
    assert response.status_code == 200, url
    return re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+', r"\1…", response.content.decode())


def test_admin_pages_render_as_with_djangos_form_renderer(editor_client, settings):
    section = Section.objects.get(report__year=2021, slug="mediation")
    figure = Figure.objects.get(report__year=2021, code="mediation.resolution_rate")
    urls = [
        f"/admin/reports/section/{section.pk}/change/",
        "/admin/metrics/figure/",
        f"/admin/metrics/figure/{figure.pk}/change/",
        "/admin/metrics/figure/add/",
        "/admin/reports/report/",
    ]
    ours = [page(editor_client, url) for url in urls]
    # A change form sent back with errors in every row.
    invalid = {"name": "", "value": "abc", "code": "Not a code", "version": "1", "unit": "%"}
    ours.append(page(editor_client, f"/admin/metrics/figure/{figure.pk}/change/", invalid))
    settings.FORM_RENDERER = "django.forms.renderers.DjangoTemplates"
    djangos = [page(editor_client, url) for url in urls]
    djangos.append(page(editor_client, f"/admin/metrics/figure/{figure.pk}/change/", invalid))
    for url, mine, theirs in zip([*urls, "invalid change form"], ours, djangos, strict=True):
        assert mine == theirs, url
    assert 'class="errorlist' in ours[-1]
