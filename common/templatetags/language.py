"""Data text in the page language: ``{% load language %}`` then ``{{ figure|in_page_language:"name" }}``."""

from django import template

from common.languages import citation, html_lang, localized, to_simplified

register = template.Library()


@register.filter
def in_page_language(obj, field: str) -> str:
    """``obj.<field>`` in the active language: as stored, in Simplified (OpenCC) or our English."""
    return localized(obj, field)


@register.filter
def simplified(text) -> str:
    """``text`` converted to Simplified characters."""
    return to_simplified(str(text))


@register.simple_tag
def page_lang() -> str:
    """The active language's ``lang`` attribute value."""
    return html_lang()


@register.filter
def citation_in_page_language(report) -> str:
    """How a page cites ``report`` in the active language (``common.languages.citation``)."""
    return citation(report)
