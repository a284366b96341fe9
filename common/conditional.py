"""Conditional GET for downloads and API answers: an ETag from the content revision and the query.

The content revision (``reports.models.ContentRevision``, the page cache's version) changes on
every save or delete of content, so a tag made of it and of everything else that shapes the
answer (path, query, format, language, what the caller may see) changes exactly when the body
may. A client repeating the request with ``If-None-Match`` gets 304 and no body.
"""

import hashlib
from datetime import datetime

from django.utils.http import http_date, parse_etags
from django.utils.translation import get_language


def etag(revision: str, *parts) -> str:
    """A strong entity tag for the answer ``parts`` describe at ``revision``, in the active language."""
    raw = "\x1f".join(str(part) for part in (revision, get_language(), *parts))
    return '"' + hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32] + '"'


def request_tag_parts(request) -> tuple:
    """The request's path and its query with parameters in a fixed order."""
    query = sorted((key, value) for key in request.GET for value in request.GET.getlist(key))
    return (request.path, query)


def not_modified(request, tag: str) -> bool:
    """Whether ``If-None-Match`` names ``tag`` (or ``*``): the client already holds this answer."""
    header = request.META.get("HTTP_IF_NONE_MATCH")
    if not header:
        return False
    tags = parse_etags(header)
    return "*" in tags or tag in tags or tag in (t.removeprefix("W/") for t in tags)


def stamp(response, tag: str, last_modified: datetime | None):
    """Set ``ETag``, ``Last-Modified`` (when known) and ``Vary`` on ``response`` and return it."""
    response["ETag"] = tag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    response["Vary"] = "Accept, Accept-Language, Authorization, Cookie"
    return response
