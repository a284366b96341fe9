"""Template access to ``metrics.formatting`` so templates never format numbers themselves."""

from django import template

from metrics.formatting import format_figure_in_language

register = template.Library()


@register.filter
def figure_text(figure) -> str:
    """A Figure's display text in the page language: 近9萬戶, 近9万户 or nearly 90,000 households."""
    return format_figure_in_language(figure.value, figure.unit, figure.qualifier)
