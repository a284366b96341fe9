"""Template access to ``metrics.changes`` so templates never compute or format a change themselves."""

from django import template

from metrics.changes import describe

register = template.Library()


@register.filter
def change_text(item) -> str:
    """``{{ change|change_text }}`` → ▲ +53起（+5.3%） or ▼ −1.16 個百分點."""
    return describe(item)
