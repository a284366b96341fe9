"""Template context for the language switcher: the current page in every other language."""

from django.conf import settings
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from common import roles
from common.languages import ENDONYMS, html_lang
from common.roles import EXPORT_PARAMETER


def _page_path(request) -> str:
    """The request's path and query string, less any download parameter."""
    query = request.GET.copy()
    query.pop(EXPORT_PARAMETER, None)
    return f"{request.path}?{query.urlencode()}" if query else request.path


def _links(request) -> list[dict]:
    current = get_language()
    path = _page_path(request)
    links = []
    for code, _name in settings.LANGUAGES:
        if code == current:
            continue
        url = translate_url(path, code)
        if url == path:
            # A path no URL pattern matches (a 404 page): offer that language's home page.
            url = translate_url("/", code)
        links.append({"code": code, "lang": html_lang(code), "name": ENDONYMS.get(code, code), "url": url})
    return links


def language_links(request):
    """``language_links``: for each other language, its name, ``lang`` tag and this page's URL in it.

    ``page_lang``: the active language's ``lang`` tag ('zh-Hant', 'zh-Hans' or 'en').
    """
    return {"language_links": SimpleLazyObject(lambda: _links(request)), "page_lang": html_lang()}


def public_mode(request):
    """``public_mode``: whether anyone may read the published pages without logging in (the navigation shows
    them, and a login link, to an anonymous reader)."""
    return {"public_mode": roles.public_mode()}
