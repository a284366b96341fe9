"""The search index: one ``SearchEntry`` per thing a reader can find, its text in ``search.text.normalise``'s form.

An entry is written only by ``search.indexing`` (after each save, delete, import and revert commits, and by
``rebuild_search_index``); it repeats what the result list shows, so a page of results is one query.
Whether a reader may see it is read from its report (``published``) at query time, never copied.
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
    section costs no extra query for entries."""

    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    report = models.ForeignKey("reports.Report", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    section = models.ForeignKey(
        "reports.Section", on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
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
        indexes = [models.Index(fields=["kind", "object_id"], name="search_entry_object")]

    def __str__(self):
        return f"{self.kind} {self.object_id}"
