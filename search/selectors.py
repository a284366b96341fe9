"""Reads of the index: which entries match a query, which of them a user may see, and a page of them.

One rule for every caller (the search page, the explorer's text filter): ``matching`` on both databases.
A query of three characters or more uses a trigram index (PostgreSQL: pg_trgm's GIN index on ``document``;
SQLite: the FTS5 trigram table ``search_fts``). One or two characters, which no trigram index answers, scan
the normalised text with LIKE: on the 20-year data set (30,000 entries) a scan is about 10 ms on PostgreSQL,
and an index of every entry's characters and pairs measured worse for a common character (PostgreSQL
rechecks the array of each of its tens of thousands of rows); bench/search-results.md has the numbers.
"""

from dataclasses import dataclass

from django.db import connections, router
from django.db.models import Count, QuerySet
from django.db.models.expressions import RawSQL

from common.roles import SEE_DRAFTS_PERMISSION
from reports.models import released
from search.models import Kind, SearchEntry
from search.text import SHORT_QUERY_LENGTH

#: Results on one page of the search page.
PAGE_SIZE = 20

#: The SQLite FTS5 table over ``document`` (migration 0001); its rowid is the entry's id.
SQLITE_FTS_TABLE = "search_fts"


def matching(needle: str, entries: QuerySet | None = None) -> QuerySet:
    """``entries`` (default: all) whose document contains ``needle``, which is already normalised
    (``search.text.normalise``) and not empty."""
    entries = SearchEntry.objects.all() if entries is None else entries
    vendor = connections[router.db_for_read(SearchEntry)].vendor
    short = len(needle) <= SHORT_QUERY_LENGTH
    if vendor == "sqlite" and not short:
        # A phrase of the trigram tokenizer is a substring; a double quote inside it is written twice.
        phrase = '"' + needle.replace('"', '""') + '"'
        return entries.filter(
            pk__in=RawSQL(f"SELECT rowid FROM {SQLITE_FTS_TABLE} WHERE {SQLITE_FTS_TABLE} MATCH %s", [phrase])
        )
    # PostgreSQL from three characters: LIKE '%…%', which the trigram index serves; SQLite, one or two: a scan.
    return entries.filter(document__contains=needle)


def visible_to(user, entries: QuerySet | None = None) -> QuerySet:
    """``entries`` of the reports ``user`` may read: released ones (``reports.models.released``, read from the
    entry's copy of its report's publication), and drafts for editors, as the pages."""
    entries = SearchEntry.objects.all() if entries is None else entries
    if user.has_perm(SEE_DRAFTS_PERMISSION):
        return entries
    return entries.filter(released())


@dataclass(frozen=True)
class Facets:
    """How many visible matches each kind and each year has, and the total under the chosen filters."""

    kinds: dict[str, int]
    years: dict[int, int]
    total: int


def facets(entries: QuerySet, *, years: list[int], kind: str) -> Facets:
    """Counts of ``entries`` (matching and visible) by kind and by year: 1 query. A kind's count
    respects the chosen years, a year's count the chosen kind, the total both."""
    rows = entries.values_list("kind", "year").annotate(n=Count("pk")).order_by()
    by_kind: dict[str, int] = {}
    by_year: dict[int, int] = {}
    total = 0
    for entry_kind, year, n in rows:
        if not years or year in years:
            by_kind[entry_kind] = by_kind.get(entry_kind, 0) + n
        if not kind or entry_kind == kind:
            by_year[year] = by_year.get(year, 0) + n
            if not years or year in years:
                total += n
    return Facets(kinds=by_kind, years=dict(sorted(by_year.items(), reverse=True)), total=total)


def search_entries(*, needle: str, user, years: list[int], kind: str) -> QuerySet:
    """The visible entries matching ``needle`` under the filters, in the page's order (kind, newest year,
    reading order: the index ``search_entry_order``), with the section joined: a slice of it is one query."""
    entries = matching(needle, visible_to(user))
    if years:
        entries = entries.filter(year__in=years)
    if kind:
        entries = entries.filter(kind=kind)
    return entries.select_related("section").order_by("rank", "-year", "position", "paragraph", "pk")


def figure_ids(needle: str) -> QuerySet:
    """The ids of figures whose entry matches ``needle`` (normalised), as a subquery: the explorer's text filter."""
    return matching(needle, SearchEntry.objects.filter(kind=Kind.FIGURE)).values("object_id")
