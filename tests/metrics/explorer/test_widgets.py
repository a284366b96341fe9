"""The explorer's Python-rendered widgets write exactly what Django's widget templates write."""

import pytest
from django.http import QueryDict

from metrics.explorer import widgets
from metrics.explorer.filters import FigureFilter

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module")]


def django_html(widget, name, value, attrs) -> str:
    """What Django's own template for this widget class renders."""
    return super(widgets.PythonRendered, widget).render(name, value, attrs)


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
def test_explorer_form_fields_render_as_django_renders_them(report_2021, query):
    form = FigureFilter(QueryDict(query)).form
    for field in form:
        widget = field.field.widget
        assert isinstance(widget, widgets.PythonRendered), field.name
        attrs = field.build_widget_attrs({"id": field.auto_id})
        assert widget.render(field.html_name, field.value(), attrs) == django_html(
            widget, field.html_name, field.value(), attrs
        ), field.name


@pytest.mark.parametrize(
    ("widget", "value"),
    [
        (widgets.Select(choices=[("", "全部"), ("a&b", "A & B"), ("<", "<b>")]), "a&b"),
        (widgets.Select(choices=[("群組", [("x", "X")]), ("y", "Y")]), "x"),
        (widgets.CheckboxSelectMultiple(choices=[("1", "一"), ("2", "二")], attrs={"class": "years"}), ["2"]),
        (widgets.CheckboxSelectMultiple(choices=[("群組", [("1", "一")])]), ["1"]),
        (widgets.TextInput(attrs={"type": "search", "maxlength": 100}), 'a"<b'),
        (widgets.NumberInput(attrs={"step": "0.01"}), None),
    ],
)
def test_widget_renders_as_django_renders_it(widget, value):
    attrs = {"id": "id_f", "required": True, "disabled": False}
    assert widget.render("f", value, attrs) == django_html(widget, "f", value, attrs)


def test_widget_escapes_values_and_labels():
    html = widgets.Select(choices=[('"><script>', "<i>")]).render("f", None)
    assert "<script>" not in html and "<i>" not in html
    assert 'value="&quot;&gt;&lt;script&gt;"' in html
