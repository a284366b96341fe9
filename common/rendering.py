"""The form renderer (``FORM_RENDERER``): the widget and error-list templates pages render by the hundred,
written in Python.

Django renders every widget through a template, a hidden input through three (hidden.html, input.html,
attrs.html), a select through one more per option, and every field's error list, empty or not, through
two. A section's admin page renders about 900 of them; the explorer's filter form a few hundred options.
``PythonFormRenderer`` writes the markup of the templates in ``BUILDERS`` from the same context Django
passes them, byte for byte (tests/common/test_rendering.py renders with both and compares, down to whole
admin pages), so validation, ids, values and attributes stay Django's; only the string building is ours.
Any other template, or a context these builders do not know (a custom option template, a label that
is not text), is rendered by Django's templates as before.
"""

import html
from collections.abc import Callable

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise

WIDGETS = "django/forms/widgets/"
#: The widget templates that are nothing but ``{% include "django/forms/widgets/input.html" %}``.
INPUT_TEMPLATES = (
    *("hidden", "text", "number", "checkbox", "email", "url", "password", "search", "tel", "color"),
    *("date", "datetime", "time"),
)


class NotBuilt(Exception):
    """A context the Python builders do not write: the template renders it instead."""


def escape(value) -> str:
    """As a template's ``{{ value }}``: safe text as it is, anything else HTML-escaped (Django's ``escape``)."""
    if type(value) is str:
        return html.escape(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _text(value) -> str:
    """``{{ value|stringformat:'s' }}``: text of a value, escaped unless safe; a tuple is left to the template."""
    if isinstance(value, tuple):
        raise NotBuilt
    return escape(value)


def _label(value) -> str:
    """``{{ label }}``: text escaped, a whole number as its digits; anything else (a decimal the template would
    localize) is left to the template."""
    if isinstance(value, bool) or not isinstance(value, str | Promise | int):
        raise NotBuilt
    return escape(value)


def attrs_html(attrs: dict) -> str:
    """`` name="value"`` for each attribute, as django/forms/widgets/attrs.html: True bare, False left out."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def input_html(widget: dict) -> str:
    """``<input>`` from a widget context, as django/forms/widgets/input.html."""
    value = "" if widget["value"] is None else f' value="{_text(widget["value"])}"'
    return (
        f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"{value}{attrs_html(widget["attrs"])}>'
    )


def _options(widget: dict, template_name: str):
    """Each (group, options) of a choice widget; NotBuilt if an option has a template of its own."""
    for group, options, _index in widget["optgroups"]:
        if any(option["template_name"] != template_name for option in options):
            raise NotBuilt
        yield group, options


def select_html(widget: dict) -> str:
    """As django/forms/widgets/select.html with select_option.html for each option."""
    parts = [f'<select name="{escape(widget["name"])}"{attrs_html(widget["attrs"])}>']
    for group, options in _options(widget, WIDGETS + "select_option.html"):
        if group:
            parts.append(f'\n  <optgroup label="{_label(group)}">')
        for option in options:
            parts.append(
                f'\n  <option value="{_text(option["value"])}"{attrs_html(option["attrs"])}>{_label(option["label"])}'
                "</option>\n"
            )
        if group:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def checkbox_select_html(widget: dict) -> str:
    """As django/forms/widgets/multiple_input.html with checkbox_option.html for each box, inside its label."""
    attrs = widget["attrs"]
    id_part = f' id="{escape(attrs["id"])}"' if attrs.get("id") else ""
    class_part = f' class="{escape(attrs["class"])}"' if attrs.get("class") else ""
    parts = [f"<div{id_part}{class_part}>"]
    for group, options in _options(widget, WIDGETS + "checkbox_option.html"):
        if group:
            parts.append(f"\n  <div><label>{_label(group)}</label>")
        for option in options:
            if not option["wrap_label"]:
                raise NotBuilt
            option_id = option["attrs"].get("id")
            for_part = f' for="{escape(option_id)}"' if option_id else ""
            # input.html, input_option.html and checkbox_option.html each end in a newline the include keeps.
            parts.append(
                f"<div>\n    <label{for_part}>{input_html(option)}\n {_label(option['label'])}</label>\n\n</div>"
            )
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return "".join(parts)


def error_list_html(context: dict) -> str:
    """As django/forms/errors/list/ul.html: nothing for no errors, else a ``<ul>`` of them."""
    errors = context["errors"]
    if not errors:
        return ""
    field_id = getattr(errors, "field_id", None)
    id_part = f' id="{escape(field_id)}_error"' if field_id else ""
    items = "".join(f"<li>{escape(error)}</li>" for error in errors)
    return f'<ul class="{escape(context["error_class"])}"{id_part}>{items}</ul>'


#: The templates written in Python, each by its builder of the template's context.
BUILDERS: dict[str, Callable[[dict], str]] = {
    **{f"{WIDGETS}{name}.html": lambda context: input_html(context["widget"]) for name in INPUT_TEMPLATES},
    WIDGETS + "select.html": lambda context: select_html(context["widget"]),
    WIDGETS + "checkbox_select.html": lambda context: checkbox_select_html(context["widget"]),
    "django/forms/errors/list/default.html": error_list_html,
    "django/forms/errors/list/ul.html": error_list_html,
}


class PythonFormRenderer(DjangoTemplates):
    """Django's default form renderer, with the templates of ``BUILDERS`` written in Python."""

    def render(self, template_name, context, request=None):
        build = BUILDERS.get(template_name)
        if build is not None:
            try:
                return build(context)
            except NotBuilt:
                pass
        return super().render(template_name, context, request)
