"""A page of entries as the results page shows them, in the page's language, with the matches marked.

Quotations of the report (a figure's clause, a paragraph of its text) stay in Traditional characters on
every page; what we wrote (names, summaries) is shown in the page's language (``common.languages``).
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.safestring import SafeString

from common.languages import ENGLISH, SIMPLIFIED, current_language, in_language, to_simplified
from reports.choices import ListKind
from search.models import Kind, SearchEntry
from search.text import highlight


@dataclass(frozen=True)
class Result:
    kind: str
    year: int
    url: str
    title: SafeString
    context: SafeString
    body: SafeString
    #: Whether ``body`` quotes the report (shown in its own script, ``lang="zh-Hant"``).
    quoted: bool
    value: str = ""
    code: str = ""
    code_html: SafeString = SafeString("")
    metric_url: str = ""
    paragraph: int | None = None


def _value(entry: SearchEntry, language: str) -> str:
    if language == ENGLISH:
        return entry.value_en or entry.value
    return to_simplified(entry.value) if language == SIMPLIFIED else entry.value


def result(entry: SearchEntry, needle: str, language: str | None = None) -> Result:
    """``entry`` (with its section joined) for a page in ``language`` (default: the active one)."""
    language = current_language(language)
    year = entry.year
    section_url = reverse("metrics:section", kwargs={"year": year, "slug": entry.section.slug}) if entry.section else ""
    title = in_language(entry.title, entry.title_en, language)
    context = in_language(entry.context, entry.context_en, language)
    quoted = entry.kind in (Kind.FIGURE, Kind.PARAGRAPH)
    body = entry.body if quoted else in_language(entry.body, entry.body_en, language)
    url, metric_url = section_url, ""
    if entry.kind == Kind.FIGURE:
        url = f"{section_url}#figure-{entry.code}"
        metric_url = reverse("metrics:series", kwargs={"code": entry.code})
    elif entry.kind == Kind.CASE:
        url = f"{section_url}#case-{entry.object_id}"
    elif entry.kind == Kind.NAMED_ITEM:
        context = f"{ListKind(entry.code).label if entry.code in ListKind.values else entry.code} · {context}"
    elif entry.kind == Kind.PARAGRAPH:
        url = f"{reverse('metrics:text', kwargs={'year': year})}#p-{entry.paragraph}"
    return Result(
        kind=entry.kind,
        year=year,
        url=url,
        title=highlight(title, needle),
        context=highlight(context, needle),
        body=highlight(body, needle, snippet=True),
        quoted=quoted,
        value=_value(entry, language) if entry.kind == Kind.FIGURE else "",
        code=entry.code if entry.kind == Kind.FIGURE else "",
        code_html=highlight(entry.code, needle) if entry.kind == Kind.FIGURE else SafeString(""),
        metric_url=metric_url,
        paragraph=entry.paragraph,
    )
