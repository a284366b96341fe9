"""Template access to ``metrics.formatting`` so templates never format numbers themselves."""

from django import template

from metrics.formatting import format_figure_in_language

register = template.Library()


@register.filter
def stated_text(figure) -> str:
    """What the report states for a figure, as the page shows numbers: ``{{ figure|stated_text }}`` → 17,918起."""
    return format_figure_in_language(figure.stated_value, figure.unit, figure.qualifier, figure.decimals)


@register.filter
def corrections(figures) -> list:
    """The figures among ``figures`` that are corrections (``Figure.is_correction``), in their order."""
    return [figure for figure in figures if figure.is_correction]


@register.filter
def figure_text(figure) -> str:
    """A Figure's display text in the page language: 近9萬戶, 近9万户 or nearly 90,000 households."""
    return format_figure_in_language(figure.value, figure.unit, figure.qualifier, figure.decimals)


@register.simple_tag
def revision_value(change, which: str) -> str:
    """One side of an approved change (``"old"`` or ``"new"``) with its qualifier, in the page's language."""
    figure = change.figure
    if which == "old":
        return format_figure_in_language(change.old_value, figure.unit, change.old_qualifier, change.decimals)
    return format_figure_in_language(change.value, figure.unit, change.qualifier, change.decimals)


@register.filter
def revision_stated(change) -> str:
    """What the report states for the figure of an approved change, with the new qualifier."""
    return format_figure_in_language(change.stated_value, change.figure.unit, change.qualifier, change.decimals)
