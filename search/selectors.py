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
from django.db.models import BooleanField, Count, QuerySet
from django.db.models.expressions import RawSQL

from common.roles import SEE_DRAFTS_PERMISSION
from reports.models import released
from search.models import KIND_ORDER, Kind, SearchEntry
from search.text import SHORT_QUERY_LENGTH

#: Results on one page of the search page.
PAGE_SIZE = 20

#: The page's order: kind, newest year, reading order (the index ``search_entry_order``).
PAGE_ORDER = ("rank", "-year", "position", "paragraph", "pk")

#: How many matches ``search_results`` reads first (their id, kind, year and order): when a query has no more,
#: its counts and its page come from them, so the text is scanned once.
FIRST_READ = 1000

#: The SQLite FTS5 table over ``document`` (migration 0001); its rowid is the entry's id.
SQLITE_FTS_TABLE = "search_fts"


def matching(needle: str, entries: QuerySet | None = None, *, many: bool = False) -> QuerySet:
    """``entries`` (default: all) whose document contains ``needle``, which is already normalised
    (``search.text.normalise``) and not empty. ``many``: the caller knows there are many matches and reads
    them in an index's order (SQLite then tests each row it reads against the FTS matches, instead of
    looking every match up and sorting them all)."""
    entries = SearchEntry.objects.all() if entries is None else entries
    vendor = connections[router.db_for_read(SearchEntry)].vendor
    short = len(needle) <= SHORT_QUERY_LENGTH
    if vendor == "sqlite" and not short:
        # A phrase of the trigram tokenizer is a substring; a double quote inside it is written twice.
        phrase = '"' + needle.replace('"', '""') + '"'
        fts = f"SELECT rowid FROM {SQLITE_FTS_TABLE} WHERE {SQLITE_FTS_TABLE} MATCH %s"
        if many:
            # A unary + keeps SQLite from reaching the rows through this IN by their ids
            # (https://www.sqlite.org/optoverview.html, "Disqualifying WHERE clause terms using unary-+").
            column = f'+"{SearchEntry._meta.db_table}"."id"'
            return entries.filter(RawSQL(f"{column} IN ({fts})", [phrase], output_field=BooleanField()))
        return entries.filter(pk__in=RawSQL(fts, [phrase]))
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
    return _tally(entries.values_list("kind", "year").annotate(n=Count("pk")).order_by(), years=years, kind=kind)


def _tally(rows, *, years: list[int], kind: str) -> Facets:
    """``facets`` of ``rows``, each (kind, year, how many)."""
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


def search_entries(*, needle: str, user, years: list[int], kind: str, many: bool = False) -> QuerySet:
    """The visible entries matching ``needle`` under the filters, in the page's order (``PAGE_ORDER``), with the
    section joined: a slice of it is one query, which for ``many`` matches reads the index in order and stops
    at the slice's end."""
    entries = matching(needle, visible_to(user), many=many)
    if years:
        entries = entries.filter(year__in=years)
    if kind:
        # The rank, not the kind: the index (rank first) then starts at the kind's rows.
        entries = entries.filter(rank=KIND_ORDER[kind])
    return entries.select_related("section").order_by(*PAGE_ORDER)


@dataclass(frozen=True)
class Results:
    """The counts of a query and one page of its entries (with the section joined; none past the last page)."""

    facets: Facets
    entries: list[SearchEntry]


def search_results(*, needle: str, user, years: list[int], kind: str, page: int) -> Results:
    """The visible entries matching ``needle``: their ``facets`` and page ``page`` under the filters.

    First reads up to ``FIRST_READ`` + 1 matches' id, kind, year and order keys, in no order (so the read stops
    there however many match). When that is all of them, the counts are taken from them, the page is picked
    in the page's order and read by id: 2 queries (1 when nothing matches), the text scanned once. Otherwise
    the counts are ``facets`` and the page is a slice of ``search_entries``: 3 queries.
    """
    visible = matching(needle, visible_to(user))
    first = list(
        visible.order_by().values_list("pk", "kind", "year", "rank", "position", "paragraph")[: FIRST_READ + 1]
    )
    if len(first) > FIRST_READ:
        counts = facets(visible, years=years, kind=kind)
        start = (page - 1) * PAGE_SIZE
        if start >= counts.total:
            return Results(facets=counts, entries=[])
        entries = search_entries(needle=needle, user=user, years=years, kind=kind, many=True)[start : start + PAGE_SIZE]
        return Results(facets=counts, entries=list(entries))
    counts = _tally([(row[1], row[2], 1) for row in first], years=years, kind=kind)
    chosen = sorted(
        (row for row in first if (not years or row[2] in years) and (not kind or row[1] == kind)),
        key=_order_key(connections[router.db_for_read(SearchEntry)].features.nulls_order_largest),
    )
    ids = [row[0] for row in chosen[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]]
    by_id = SearchEntry.objects.select_related("section").in_bulk(ids) if ids else {}
    return Results(facets=counts, entries=[by_id[pk] for pk in ids if pk in by_id])


def _order_key(nulls_largest: bool):
    """``PAGE_ORDER`` in Python for rows (pk, kind, year, rank, position, paragraph), an empty paragraph
    sorting where the database sorts it (PostgreSQL: last; SQLite: first)."""

    def key(row):
        pk, _kind, year, rank, position, paragraph = row
        return (rank, -year, position, (paragraph is None) == nulls_largest, paragraph or 0, pk)

    return key


def figure_ids(needle: str) -> QuerySet:
    """The ids of figures whose entry matches ``needle`` (normalised), as a subquery: the explorer's text filter."""
    return matching(needle, SearchEntry.objects.filter(kind=Kind.FIGURE)).values("object_id")
