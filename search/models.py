"""The search index: one ``SearchEntry`` per thing a reader can find, its text in ``search.text.normalise``'s form.

An entry is written only by ``search.indexing`` (after each save, delete, import and revert commits, and by
``rebuild_search_index``); it repeats what the result list shows, and its report's year and publication
(``published``, ``release_at``, rewritten when the report is saved), so a page of results, its counts and the
rule of who may see them read this one table: no join, and the page's order is an index (``search_entry_order``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What an entry is, in the order the results page groups them."""

    FIGURE = "figure", _("數據")
    SECTION = "section", _("章節")
    CASE = "case", _("典型案例")
    NAMED_ITEM = "named_item", _("名錄")
    PARAGRAPH = "paragraph", _("原文段落")


#: The group order of the results page.
KIND_ORDER = {kind: position for position, kind in enumerate(Kind.values)}


class SearchEntry(models.Model):
    """One findable thing. ``object_id`` is the pk of what it indexes (a paragraph's: its ``SourceText``);
    ``paragraph`` is the report paragraph it cites or is. The foreign keys hold no constraint and do
    nothing on delete: the indexer removes an entry when its object goes, and a delete of a report or
    section costs no extra query for entries. On SQLite, triggers on this table keep the FTS5 table in step:
    a migration that makes SQLite remake the table drops them and must put them back (as 0002 does)."""

    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    report = models.ForeignKey("reports.Report", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    section = models.ForeignKey(
        "reports.Section", on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    #: The group order of its kind (``KIND_ORDER``): the first key of the page's order.
    rank = models.PositiveSmallIntegerField(default=0)
    #: Its report's ``year``, ``published`` and ``release_at``, as ``search.indexing`` last copied them.
    year = models.PositiveSmallIntegerField()
    published = models.BooleanField(default=False)
    release_at = models.DateTimeField(null=True)
    position = models.PositiveIntegerField(default=0)
    paragraph = models.PositiveIntegerField(null=True)
    #: Everything searchable of the entry, Chinese and English, in ``normalise``'s form.
    document = models.TextField()
    title = models.TextField(blank=True)
    title_en = models.TextField(blank=True)
    context = models.TextField(blank=True)
    context_en = models.TextField(blank=True)
    body = models.TextField(blank=True)
    body_en = models.TextField(blank=True)
    value = models.TextField(blank=True)
    value_en = models.TextField(blank=True)
    code = models.CharField(max_length=80, blank=True)

    class Meta:
        verbose_name = _("搜尋索引項目")
        verbose_name_plural = _("搜尋索引項目")
        indexes = [
            models.Index(fields=["kind", "object_id"], name="search_entry_object"),
            # The results page's order (``search.selectors.search_entries``): a page of a query that matches
            # thousands reads its rows in this order and stops after one page, with no sort.
            models.Index(fields=["rank", "-year", "position", "paragraph", "id"], name="search_entry_order"),
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id}"
