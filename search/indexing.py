"""Keeping the index in step: which models feed it, how one object becomes entries, and when they are written.

Each model that feeds the index is a ``Source`` (``register``): reports' sections, cases, named lists and
attached texts here (``search.apps``), figures from ``metrics.apps``. A save or delete of a source's object
(raw fixture loads included) queues its pk; the queue is written once the transaction commits
(``transaction.on_commit``), so an import of hundreds of rows rewrites their entries in a few queries, a
rolled-back save writes nothing, and a save's own queries are unchanged. A queued pk whose object is gone
loses its entries. Each entry carries its report's year and publication (``stamp``); a save of a report
rewrites them on its entries (``restamp``). ``bulk_create`` and ``update()`` send no signal: code that writes
that way calls ``rebuild`` (``manage.py rebuild_search_index``) or ``reindex`` itself.
"""

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import OuterRef, Q, Subquery
from django.db.models.signals import post_delete, post_save

from reports.models import NamedItem, NotableCase, Report, Section, SourceText
from search.models import KIND_ORDER, Kind, SearchEntry
from search.text import normalise

logger = logging.getLogger(__name__)

#: Separates the fields of a document, so no match spans two of them (``search.forms`` refuses it in a query).
FIELD_SEPARATOR = "\x01"

#: Rows written or ids deleted per statement (far below SQLite's limit on parameters).
BATCH = 500


def document(*texts: str) -> str:
    """The searchable text of an entry: each of ``texts`` normalised, kept apart by ``FIELD_SEPARATOR``."""
    return FIELD_SEPARATOR.join(normalise(text) for text in texts if text)


@dataclass(frozen=True)
class Source:
    """A model that feeds the index: the kind of its entries, its rows with what ``entries`` reads joined,
    and its unsaved entries (one object may give several: a text gives one per paragraph)."""

    model: type[models.Model]
    kind: str
    queryset: Callable[[], models.QuerySet]
    entries: Callable[[models.Model], Iterable[SearchEntry]]
    #: Other models whose save changes these entries, each with the condition on this model's rows it touches.
    dependencies: dict = field(default_factory=dict)


SOURCES: dict[type[models.Model], Source] = {}
_state = threading.local()


def register(source: Source) -> None:
    """Index ``source.model``'s objects from now on: connect its save and delete (and its dependencies' saves)."""
    SOURCES[source.model] = source
    label = source.model._meta.label
    post_save.connect(_queue_saved, sender=source.model, dispatch_uid=f"search-save-{label}")
    post_delete.connect(_queue_saved, sender=source.model, dispatch_uid=f"search-delete-{label}")
    for model in source.dependencies:
        post_save.connect(_queue_dependants, sender=model, dispatch_uid=f"search-depends-{label}-{model._meta.label}")


def _pending() -> dict[type[models.Model], tuple[set, list]]:
    if not hasattr(_state, "pending"):
        _state.pending = {}
    return _state.pending


def _queue(model, *, pk=None, condition: Q | None = None) -> None:
    pks, conditions = _pending().setdefault(model, (set(), []))
    if pk is not None:
        pks.add(pk)
    if condition is not None:
        conditions.append(condition)
    transaction.on_commit(flush, using=router.db_for_write(model))


def _queue_saved(sender, instance, **kwargs) -> None:
    _queue(sender, pk=instance.pk)


def _queue_dependants(sender, instance, **kwargs) -> None:
    for source in SOURCES.values():
        if sender in source.dependencies:
            _queue(source.model, condition=source.dependencies[sender](instance))


def _queue_report(sender, instance, **kwargs) -> None:
    _queue(Report, pk=instance.pk)


def flush() -> None:
    """Write the entries of everything queued. After a commit; a database error is logged, never raised
    (the save it follows has succeeded; ``rebuild_search_index`` repairs the index)."""
    pending, _state.pending = _pending(), {}
    for model, (pks, conditions) in pending.items():
        try:
            if model is Report:
                restamp(pks)
            else:
                reindex(model, pks=pks, conditions=conditions)
        except DatabaseError:
            logger.exception("search index not updated for %s %s", model._meta.label, sorted(pks)[:20])


#: What an entry copies from its report (``stamp``, ``restamp``).
REPORT_FIELDS = ("year", "published", "release_at")


def stamp(entries: list[SearchEntry], reports: dict | None = None) -> list[SearchEntry]:
    """``entries`` with their kind's rank and their report's ``REPORT_FIELDS`` filled in: 1 query (none when
    ``reports``, ``{pk: (year, published, release_at)}``, is given or there are no entries). An entry whose
    report is gone (deleted since its object was read; its own delete follows) is left out."""
    if reports is None:
        reports = report_fields({entry.report_id for entry in entries}) if entries else {}
    stamped = []
    for entry in entries:
        if entry.report_id in reports:
            entry.rank = KIND_ORDER[entry.kind]
            entry.year, entry.published, entry.release_at = reports[entry.report_id]
            stamped.append(entry)
    return stamped


def report_fields(pks: Iterable | None = None) -> dict[int, tuple]:
    """``{pk: (year, published, release_at)}`` of the reports with ``pks`` (default: all): 1 query."""
    reports = Report.objects.all() if pks is None else Report.objects.filter(pk__in=pks)
    return {pk: tuple(values) for pk, *values in reports.values_list("pk", *REPORT_FIELDS)}


def restamp(report_pks: Iterable) -> int:
    """Copy the year and publication of the reports with ``report_pks`` onto their entries: 1 query.
    Returns the entries updated."""
    report = Report.objects.filter(pk=OuterRef("report_id"))
    return SearchEntry.objects.filter(report_id__in=list(report_pks)).update(
        **{name: Subquery(report.values(name)[:1]) for name in REPORT_FIELDS}
    )


def reindex(model, *, pks: Iterable = (), conditions: Iterable[Q] = ()) -> int:
    """Rewrite the entries of ``model``'s objects with ``pks`` or matching any of ``conditions``; entries of
    pks whose object is gone are removed. Returns the entries written."""
    source = SOURCES[model]
    pks = set(pks)
    condition = Q(pk__in=pks)
    for extra in conditions:
        condition |= extra
    objects = list(source.queryset().filter(condition)) if pks or conditions else []
    ids = sorted(pks | {obj.pk for obj in objects})
    entries = stamp([entry for obj in objects for entry in source.entries(obj)])
    with transaction.atomic(using=router.db_for_write(SearchEntry)):
        for start in range(0, len(ids), BATCH):
            SearchEntry.objects.filter(kind=source.kind, object_id__in=ids[start : start + BATCH]).delete()
        SearchEntry.objects.bulk_create(entries, batch_size=BATCH)
    return len(entries)


def rebuild() -> int:
    """Empty the index and write every source's entries again, in one transaction. Returns the entries written."""
    written = 0
    with transaction.atomic(using=router.db_for_write(SearchEntry)):
        SearchEntry.objects.all().delete()
        reports = report_fields()
        for source in SOURCES.values():
            batch = []
            for obj in source.queryset().iterator(chunk_size=2000):
                batch.extend(source.entries(obj))
                if len(batch) >= BATCH:
                    written += len(SearchEntry.objects.bulk_create(stamp(batch, reports)))
                    batch = []
            written += len(SearchEntry.objects.bulk_create(stamp(batch, reports)))
    # Fresh statistics: a planner that still thinks the table empty reads it by the wrong index.
    connection = connections[router.db_for_write(SearchEntry)]
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {SearchEntry._meta.db_table}")
    _state.pending = {}
    return written


def section_entries(section: Section) -> Iterable[SearchEntry]:
    yield SearchEntry(
        kind=Kind.SECTION,
        object_id=section.pk,
        report_id=section.report_id,
        section_id=section.pk,
        position=section.position,
        paragraph=section.source_paragraph,
        document=document(section.heading, section.summary, section.heading_en, section.summary_en),
        title=section.heading,
        title_en=section.heading_en,
        body=section.summary,
        body_en=section.summary_en,
    )


def case_entries(case: NotableCase) -> Iterable[SearchEntry]:
    yield SearchEntry(
        kind=Kind.CASE,
        object_id=case.pk,
        report_id=case.section.report_id,
        section_id=case.section_id,
        position=case.section.position * 1000 + case.position,
        paragraph=case.source_paragraph,
        document=document(case.title, case.summary, case.title_en, case.summary_en),
        title=case.title,
        title_en=case.title_en,
        context=case.section.heading,
        context_en=case.section.heading_en,
        body=case.summary,
        body_en=case.summary_en,
    )


def named_item_entries(item: NamedItem) -> Iterable[SearchEntry]:
    yield SearchEntry(
        kind=Kind.NAMED_ITEM,
        object_id=item.pk,
        report_id=item.section.report_id,
        section_id=item.section_id,
        position=item.section.position * 1000 + item.position,
        paragraph=item.source_paragraph,
        document=document(item.name, item.name_en),
        title=item.name,
        title_en=item.name_en,
        context=item.section.heading,
        context_en=item.section.heading_en,
        code=item.kind,
    )


def paragraph_entries(text: SourceText) -> Iterable[SearchEntry]:
    for number, line in text.paragraphs():
        yield SearchEntry(
            kind=Kind.PARAGRAPH,
            object_id=text.pk,
            report_id=text.report_id,
            position=number,
            paragraph=number,
            document=document(line),
            body=line,
        )


def register_document_sources() -> None:
    """The report's own text: sections, notable cases, named lists and the attached text, paragraph by paragraph;
    and a report's save copies its year and publication onto its entries (``restamp``)."""
    post_save.connect(_queue_report, sender=Report, dispatch_uid="search-restamp-report")
    register(
        Source(
            Section,
            Kind.SECTION,
            Section.objects.all,
            section_entries,
        )
    )
    register(
        Source(
            NotableCase,
            Kind.CASE,
            lambda: NotableCase.objects.select_related("section"),
            case_entries,
            {Section: lambda section: Q(section=section.pk)},
        )
    )
    register(
        Source(
            NamedItem,
            Kind.NAMED_ITEM,
            lambda: NamedItem.objects.select_related("section"),
            named_item_entries,
            {Section: lambda section: Q(section=section.pk)},
        )
    )
    register(Source(SourceText, Kind.PARAGRAPH, SourceText.objects.all, paragraph_entries))
