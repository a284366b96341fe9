"""Form widgets that write their HTML in Python: the explorer's filter form, rendered on every request.

Django renders a widget through a template, and a choice widget through one
template per option: the explorer's year boxes, sections, units and sorts cost
more than the table itself. These subclasses produce byte for byte the markup of
Django's own widget templates (tests compare the two) from the same
``get_context()``, so validation, ids, ``checked``/``selected`` and attributes
stay Django's, only the string building is ours.
"""

from django import forms
from django.utils.safestring import SafeString, mark_safe

from metrics.formatting import escape


def attrs_html(attrs: dict) -> str:
    """`` name="value"`` for each attribute, as django/forms/widgets/attrs.html: True bare, False left out."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def input_html(widget: dict) -> str:
    """``<input>`` from a widget context, as django/forms/widgets/input.html."""
    value = "" if widget["value"] is None else f' value="{escape(widget["value"])}"'
    attrs = attrs_html(widget["attrs"])
    return f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"{value}{attrs}>'


class PythonRendered:
    """Mixin: ``render()`` builds the HTML from ``get_context()`` with ``html()`` instead of a template."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        return mark_safe(self.html(self.get_context(name, value, attrs)["widget"]))


class TextInput(PythonRendered, forms.TextInput):
    html = staticmethod(input_html)


class NumberInput(PythonRendered, forms.NumberInput):
    html = staticmethod(input_html)


class Select(PythonRendered, forms.Select):
    """As django/forms/widgets/select.html with select_option.html per option."""

    def html(self, widget: dict) -> str:
        parts = [f'<select name="{escape(widget["name"])}"{attrs_html(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{escape(group_name)}">')
            for option in options:
                parts.append(
                    f'\n  <option value="{escape(option["value"])}"{attrs_html(option["attrs"])}>'
                    f"{escape(option['label'])}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return "".join(parts)


class CheckboxSelectMultiple(PythonRendered, forms.CheckboxSelectMultiple):
    """As django/forms/widgets/multiple_input.html with input_option.html per box, each inside its label."""

    def html(self, widget: dict) -> str:
        attrs = widget["attrs"]
        id_part = f' id="{escape(attrs["id"])}"' if attrs.get("id") else ""
        class_part = f' class="{escape(attrs["class"])}"' if attrs.get("class") else ""
        parts = [f"<div{id_part}{class_part}>"]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f"\n  <div><label>{escape(group_name)}</label>")
            for option in options:
                option_id = option["attrs"].get("id")
                for_part = f' for="{escape(option_id)}"' if option_id else ""
                parts.append(
                    f"<div>\n    <label{for_part}>{input_html(option)}\n {escape(option['label'])}</label>\n\n</div>"
                )
            if group_name:
                parts.append("\n  </div>")
        parts.append("\n</div>")
        return "".join(parts)
