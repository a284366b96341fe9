"""Template access to ``metrics.formatting`` so templates never format numbers themselves."""

from django import template

from metrics.formatting import format_figure

register = template.Library()


@register.filter
def figure_text(figure) -> str:
    """A Figure's display text: ``{{ figure|figure_text }}`` → 近9萬戶."""
    return format_figure(figure.value, figure.unit, figure.qualifier, figure.decimals)
