"""The report as a document: the report, its sections, notable cases and named lists.

The numbers live in ``metrics.Figure``; this app holds the text around them.
Every year's report is data: a 2022 report is entered, not coded.
"""

import functools
import hashlib
from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import RegexValidator
from django.db import connections, models, router
from django.db.models import F, Func, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.constraints import ChecksInOneQuery
from common.source_text import paragraphs
from common.versioning import ChangeSetRecord, Versioned
from reports.choices import ListKind

#: The years a report may have: the People's Republic's founding to a far horizon.
FIRST_YEAR, LAST_YEAR = 1949, 2100

#: A topic: lowercase ASCII letters, digits and hyphens, starting with a letter, so it can open a figure code.
TOPIC_PATTERN = r"^[a-z][a-z0-9-]*$"

#: Slugs a section may not take: ``/reports/<year>/text/`` is the report's text, not a section.
RESERVED_SLUGS = ("text",)

#: The highest paragraph number a ``source_paragraph`` holds (PositiveSmallIntegerField on every database).
MAX_SOURCE_PARAGRAPH = 32767


def released(prefix: str = "", *, now: datetime | None = None) -> Q:
    """The one rule of what readers who may not see drafts see: a report an editor has published whose
    release time (``release_at``), if any, has come. ``prefix`` reaches the report from another model
    (``"report__"`` for a figure or a section).

    Read at the time of the query (``timezone.now()``, or ``now``), so a scheduled report appears when
    its time passes, with nobody acting; the page cache sees the moment through
    ``ContentRevision.current()``, which counts the release times passed.
    """
    return Q(**{f"{prefix}published": True}) & (
        Q(**{f"{prefix}release_at__isnull": True})
        | Q(**{f"{prefix}release_at__lte": timezone.now() if now is None else now})
    )


class ReportQuerySet(models.QuerySet):
    def published(self):
        """Reports released to readers (``released``): published, and their release time, if any, passed.

        Drafts (imported, under review) and published reports still waiting for their release time are left out.
        """
        return self.filter(released())

    def just_before(self, year):
        """Published reports before ``year`` (an int, or an expression such as ``OuterRef``), the nearest first.

        ``.values("pk")[:1]`` of it is the report a year is compared with.
        """
        return self.published().filter(year__lt=year).order_by("-year")

    def newest(self):
        """The report with the highest year, or None when there is none."""
        return self.order_by("-year").first()

    def for_year(self, year: int):
        """The report of ``year``, or None."""
        return self.filter(year=year).first()


class Report(ChecksInOneQuery, Versioned):
    """One annual work report of the bureau."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    title = models.CharField(_("標題"), max_length=200)
    agency = models.CharField(_("發布機關"), max_length=100)
    byline = models.CharField(_("署名"), max_length=100, blank=True, help_text=_("報告原文所署作者。"))
    summary = models.TextField(_("概述"), blank=True, help_text=_("以我們自己的話寫的導言，不照抄原文。"))
    published = models.BooleanField(
        _("已發布"),
        default=True,
        help_text=_("未發布的報告（例如剛匯入的草稿）只有編輯看得到。"),
    )
    release_at = models.DateTimeField(
        _("預定發布時間"),
        null=True,
        blank=True,
        help_text=_("已發布的報告到這個時間才對讀者顯示，無須有人操作；留空則發布後立即顯示。發布時間表列出它。"),
    )
    published_at = models.DateTimeField(
        _("發布操作時間"), null=True, blank=True, editable=False, help_text=_("編輯發布這份報告的時間。")
    )
    source_name = models.CharField(
        _("來源文件"), max_length=200, blank=True, help_text=_("原文檔名或出處，頁面引用來源時顯示。")
    )
    title_en = models.CharField(_("標題（英文）"), max_length=200, blank=True)
    agency_en = models.CharField(_("發布機關（英文）"), max_length=100, blank=True)
    byline_en = models.CharField(_("署名（英文）"), max_length=100, blank=True)
    summary_en = models.TextField(_("概述（英文）"), blank=True, help_text=_("英文頁面顯示；空白時顯示中文。"))

    history = HistoricalRecords(bases=[ChangeSetRecord])
    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("工作報告")
        verbose_name_plural = _("工作報告")
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR) & Q(year__lte=LAST_YEAR), name="report_year_plausible"
            ),
        ]

    def __str__(self):
        """The title, led by the year unless the title already names it ("2021年工作綜述")."""
        return self.title if str(self.year) in self.title else f"{self.year} {self.title}"

    def clean(self):
        """Explain the year rule in Chinese before the database constraint rejects it."""
        if self.year is not None and not FIRST_YEAR <= self.year <= LAST_YEAR:
            raise ValidationError(
                {
                    "year": _("年度須介於 %(first)s 與 %(last)s 之間：填入的是 %(year)s。")
                    % {"first": FIRST_YEAR, "last": LAST_YEAR, "year": self.year}
                }
            )

    def get_absolute_url(self):
        return reverse("metrics:overview", kwargs={"year": self.year})

    @property
    def is_released(self) -> bool:
        """``released()`` for this row: published, and its release time, if any, passed."""
        return self.published and (self.release_at is None or self.release_at <= timezone.now())

    @property
    def released_at(self):
        """When readers could first see it: the later of its publication and its release time (None: not yet, or
        published before the portal recorded the time)."""
        if not self.is_released:
            return None
        times = [time for time in (self.published_at, self.release_at) if time is not None]
        return max(times) if times else None


class Section(ChecksInOneQuery, Versioned):
    """One part of a report, as many as its text has, with the report's own heading.

    ``slug`` names the part in its report's URLs; ``topic`` is what links parts of different
    years that report on the same work (2021's 矛盾化解 and a later year's part on disputes):
    the explorer filters by it, the chart specs are keyed by it, and new figure codes open
    with it, so a later year's figures share last year's codes. Each is unique per report.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="sections", verbose_name=_("報告"))
    slug = models.SlugField(_("代號"), max_length=50, help_text=_("網址中的章節代號，同一份報告內不可重複。"))
    topic = models.CharField(
        _("主題"),
        max_length=50,
        db_index=True,
        validators=[RegexValidator(TOPIC_PATTERN, _("主題代號須以小寫英文字母開頭，只含小寫英文字母、數字與連字號。"))],
        help_text=_("連結各年度同一主題的章節：跨年比較、篩選與圖表都依主題。"),
    )
    position = models.PositiveSmallIntegerField(_("順序"))
    heading = models.CharField(_("標題"), max_length=200, help_text=_("報告原文的小標題。"))
    summary = models.TextField(_("摘要"), blank=True, help_text=_("以我們自己的話寫的摘要，不照抄原文。"))
    source_paragraph = models.PositiveSmallIntegerField(_("標題所在段落"), help_text=_("原文的行號（從 1 起算）。"))
    heading_en = models.CharField(_("標題（英文）"), max_length=200, blank=True)
    summary_en = models.TextField(_("摘要（英文）"), blank=True, help_text=_("英文頁面顯示；空白時顯示中文。"))

    history = HistoricalRecords(bases=[ChangeSetRecord])

    class Meta:
        ordering = ["report_id", "position"]
        verbose_name = _("章節")
        verbose_name_plural = _("章節")
        constraints = [
            models.UniqueConstraint(fields=["report", "slug"], name="section_unique_slug_per_report"),
            models.UniqueConstraint(fields=["report", "position"], name="section_unique_position_per_report"),
            models.UniqueConstraint(fields=["report", "topic"], name="section_unique_topic_per_report"),
            models.CheckConstraint(condition=Q(topic__regex=TOPIC_PATTERN), name="section_topic_pattern"),
            models.CheckConstraint(condition=~Q(slug__in=RESERVED_SLUGS), name="section_slug_not_reserved"),
            models.CheckConstraint(condition=Q(source_paragraph__gte=1), name="section_source_paragraph_from_1"),
        ]

    def __str__(self):
        return f"{self.report.year} {self.heading}"

    def clean(self):
        """Refuse moving a section that holds figures to another report.

        A figure records its report as well as its section (so codes are unique per
        report); moving the section alone would split the two. Also refused: a reserved slug,
        and a heading's paragraph outside the report's text (``source_paragraph_errors``).
        """
        errors = {}
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = _("「%(slug)s」是保留的網址，章節不能使用。") % {"slug": self.slug}
        if self.report_id is not None and (
            problems := source_paragraph_errors(self.source_paragraph, report_id=self.report_id)
        ):
            errors["source_paragraph"] = problems
        if errors:
            raise ValidationError(errors)
        if self.pk is None or self.report_id is None:
            return
        stored_report_id = Section.objects.filter(pk=self.pk).values_list("report_id", flat=True).first()
        if stored_report_id not in (None, self.report_id) and self.figures.exists():
            raise ValidationError(
                {
                    "report": _(
                        "這一章已有數據，不能移到另一份報告：數據記錄了所屬報告。"
                        "請在新報告中新增章節，再把數據逐筆移過去。"
                    )
                }
            )

    def get_absolute_url(self):
        return reverse("metrics:section", kwargs={"year": self.report.year, "slug": self.slug})


class NotableCase(ChecksInOneQuery, Versioned):
    """A case the report tells as a story, written up in our own words."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="cases", verbose_name=_("章節"))
    title = models.CharField(_("案例名稱"), max_length=200)
    month = models.PositiveSmallIntegerField(_("月份"), null=True, blank=True, help_text=_("報告未註明月份時留空。"))
    summary = models.TextField(_("案情摘要"), help_text=_("以我們自己的話寫的案情，不照抄原文。"))
    title_en = models.CharField(_("案例名稱（英文）"), max_length=200, blank=True)
    summary_en = models.TextField(_("案情摘要（英文）"), blank=True, help_text=_("英文頁面顯示；空白時顯示中文。"))
    source_paragraph = models.PositiveSmallIntegerField(_("來源段落"))
    position = models.PositiveSmallIntegerField(_("順序"), default=0)

    history = HistoricalRecords(bases=[ChangeSetRecord])

    class Meta:
        ordering = ["section_id", "position"]
        verbose_name = _("典型案例")
        verbose_name_plural = _("典型案例")
        constraints = [
            models.CheckConstraint(
                condition=Q(month__isnull=True) | (Q(month__gte=1) & Q(month__lte=12)),
                name="case_month_1_to_12",
            ),
            models.CheckConstraint(condition=Q(source_paragraph__gte=1), name="case_source_paragraph_from_1"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        """Explain the month and paragraph rules in Chinese before the database constraints reject them."""
        errors = {}
        if self.month is not None and not 1 <= self.month <= 12:
            errors["month"] = _("月份須介於 1 與 12 之間：填入的是 %(month)s。") % {"month": self.month}
        if self.section_id is not None and (
            problems := source_paragraph_errors(self.source_paragraph, section_id=self.section_id)
        ):
            errors["source_paragraph"] = problems
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self):
        return f"{self.section.get_absolute_url()}#case-{self.pk}"


class NamedItem(ChecksInOneQuery, Versioned):
    """One entry of a named list the report gives: an event, a key period, a campaign, a patrol force."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="named_items", verbose_name=_("章節"))
    kind = models.CharField(_("類別"), max_length=20, choices=ListKind.choices)
    name = models.CharField(_("名稱"), max_length=100, help_text=_("照錄原文名稱。"))
    name_en = models.CharField(_("名稱（英文）"), max_length=200, blank=True)
    source_paragraph = models.PositiveSmallIntegerField(_("來源段落"))
    position = models.PositiveSmallIntegerField(_("順序"), default=0)

    history = HistoricalRecords(bases=[ChangeSetRecord])

    class Meta:
        ordering = ["section_id", "kind", "position"]
        verbose_name = _("名錄項目")
        verbose_name_plural = _("名錄項目")
        constraints = [
            models.UniqueConstraint(fields=["section", "kind", "name"], name="named_item_unique_per_kind"),
            models.CheckConstraint(condition=Q(source_paragraph__gte=1), name="named_item_source_paragraph_from_1"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.name}"

    def clean(self):
        """Explain the paragraph rule in Chinese before the database constraint rejects it."""
        if self.section_id is not None and (
            problems := source_paragraph_errors(self.source_paragraph, section_id=self.section_id)
        ):
            raise ValidationError({"source_paragraph": problems})


class SourceText(models.Model):
    """The text of a report as it was read: one paragraph a line, numbered from 1 (``common.source_text``).

    Every ``source_paragraph`` of the report counts these lines, and the text page shows them.
    ``checksum`` and ``paragraph_count`` are computed from ``text`` on every save. Written by
    ``reports.services.attach_source``; the repository never holds a report's text.
    """

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="source_text", verbose_name=_("報告"))
    text = models.TextField(_("原文"))
    checksum = models.CharField(_("SHA-256 校驗碼"), max_length=64, editable=False)
    paragraph_count = models.PositiveIntegerField(_("段數"), editable=False)
    origin = models.CharField(
        _("來源"), max_length=300, help_text=_("原文從哪裡來：檔名、路徑，或「在管理後台匯入時貼上」。")
    )
    attached_at = models.DateTimeField(_("附上時間"), default=timezone.now)
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("附上者"),
    )

    class Meta:
        verbose_name = _("報告原文")
        verbose_name_plural = _("報告原文")
        constraints = [
            models.CheckConstraint(condition=Q(checksum__regex=r"^[0-9a-f]{64}$"), name="source_text_checksum_sha256"),
            models.CheckConstraint(condition=Q(paragraph_count__gte=1), name="source_text_has_paragraphs"),
        ]

    def __str__(self):
        return f"{self.report.year} {self.origin}"

    @staticmethod
    def checksum_of(text: str) -> str:
        """The SHA-256 of ``text`` in UTF-8, as hex: what ``sha256sum`` prints for a file holding exactly it."""
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def save(self, *args, **kwargs):
        self.checksum = self.checksum_of(self.text)
        self.paragraph_count = sum(1 for _line in paragraphs(self.text))
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "checksum", "paragraph_count"}
        super().save(*args, **kwargs)

    def paragraphs(self) -> list[tuple[int, str]]:
        """(number, line) of every paragraph, numbered from 1 as every ``source_paragraph`` counts."""
        return list(enumerate(paragraphs(self.text), start=1))


def paragraph_count(*, report_id=None, section_id=None) -> int | None:
    """The paragraphs of the text attached to the report (or to the section's report); None without one. 1 query."""
    texts = SourceText.objects.all()
    texts = texts.filter(report_id=report_id) if report_id is not None else texts.filter(report__sections=section_id)
    return texts.values_list("paragraph_count", flat=True).first()


def report_paragraph_count(report: Report) -> int | None:
    """``paragraph_count`` for ``report``, read once per instance (1 query, then none): the rows of one save
    (an import's figures) share their report. ``reports.services.attach_source`` keeps it current."""
    if "_paragraph_count" not in report.__dict__:
        report.__dict__["_paragraph_count"] = paragraph_count(report_id=report.pk)
    return report.__dict__["_paragraph_count"]


def source_paragraph_errors(paragraph, *, report=None, report_id=None, section_id=None) -> list[str]:
    """Why ``paragraph`` cannot be a source paragraph of the report (``report``, ``report_id`` or ``section_id``'s):
    empty when it can. It counts from 1, up to the attached text's last paragraph, or without a text up to
    ``MAX_SOURCE_PARAGRAPH``. Model ``clean()`` of every model with a ``source_paragraph`` calls it; 1 query
    (none for a number below 1, or for a ``report`` whose count was read already)."""
    if paragraph is None:
        return []
    if paragraph < 1:
        return [_("段落從 1 起算：填入的是 %(n)s。") % {"n": paragraph}]
    if report is not None:
        count = report_paragraph_count(report)
    else:
        count = paragraph_count(report_id=report_id, section_id=section_id)
    if count is not None and paragraph > count:
        return [_("報告原文只有 %(count)s 段：填入的第 %(n)s 段不在原文之內。") % {"count": count, "n": paragraph}]
    if count is None and paragraph > MAX_SOURCE_PARAGRAPH:
        return [_("段落最多到 %(max)s：填入的是 %(n)s。") % {"max": MAX_SOURCE_PARAGRAPH, "n": paragraph}]
    return []


class ContentRevision(models.Model):
    """One row counting the saves and deletions of published content since the database was made.

    Every page-cache entry is stored under the count at the time (``common.caching``),
    so a save in one process is seen by every other process at its next request,
    whatever cache backend each one uses. It lives in the database for that reason.
    """

    ROW = 1

    edits = models.PositiveBigIntegerField(_("內容修改次數"), default=0)

    class Meta:
        verbose_name = _("內容版本")
        verbose_name_plural = _("內容版本")

    def __str__(self):
        return f"#{self.edits}"

    @classmethod
    def current(cls) -> str:
        """The content's revision for the page cache: the edits so far and the release times passed, as
        ``"<edits>.<released>"``. One query.

        A scheduled report becomes visible when its time passes, with no save to bump ``edits``;
        the count of released reports with a release time changes at that moment, so every page
        cached before it is never read again. Within one count of edits that count only grows
        (time does not go back), so no two moments share a revision with different content.

        Every page asks for it, so its statement is compiled from ``released`` once per database
        (``_statement``) and only the moment changes from one call to the next.
        """
        using = router.db_for_read(cls)
        connection = connections[using]
        sql, params, now_at = cls._statement(using, connection.vendor)
        params = list(params)
        params[now_at] = Report._meta.get_field("release_at").get_db_prep_value(timezone.now(), connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        # Migration 0002 creates the row; only a database flushed since (tests) lacks it.
        edits, released_count = row if row is not None else (0, cls._released_with_a_time().count())
        return f"{edits}.{released_count}"

    @staticmethod
    def _released_with_a_time(now: datetime | None = None):
        return Report.objects.filter(released(now=now), release_at__isnull=False).order_by()

    @classmethod
    def _query(cls, now: datetime | None = None):
        passed = cls._released_with_a_time(now).annotate(n=Func(F("pk"), function="COUNT")).values("n")
        return (
            cls.objects.filter(pk=cls.ROW).annotate(passed=Coalesce(Subquery(passed), 0)).values_list("edits", "passed")
        )

    @classmethod
    @functools.cache
    def _statement(cls, using: str, vendor: str) -> tuple[str, tuple, int]:
        """``current``'s SQL and parameters on one database, and which parameter is the moment.

        Compiled at two moments, the parameter that differs is the moment; there is exactly one.
        ``vendor`` keys the cache too, for a test that points an alias at another database.
        """
        compiled = [
            cls._query(moment)[:1].query.get_compiler(using).as_sql()
            for moment in (datetime(2001, 1, 1, tzinfo=UTC), datetime(2002, 2, 2, tzinfo=UTC))
        ]
        (sql, params), (other_sql, other_params) = compiled
        same_shape = sql == other_sql and len(params) == len(other_params)
        moments = [i for i, (one, other) in enumerate(zip(params, other_params, strict=same_shape)) if one != other]
        if not same_shape or len(moments) != 1:
            raise ImproperlyConfigured(f"ContentRevision.current: no single moment in {sql!r}")
        return sql, tuple(params), moments[0]

    @classmethod
    def bump(cls, **signal_kwargs) -> None:
        """Count one more edit. Usable directly or as a post_save/post_delete receiver.

        The UPDATE is written out: it follows every save of content (each of a report's rows as they
        are loaded), and the ORM took ten times as long to build it as the database took to run it.
        """
        connection = connections[router.db_for_write(cls)]
        table, edits, pk = (
            connection.ops.quote_name(name) for name in (cls._meta.db_table, "edits", cls._meta.pk.column)
        )
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {edits} = {edits} + 1 WHERE {pk} = %s", [cls.ROW])
            updated = cursor.rowcount
        # Migration 0002 creates the row; a database flushed since (tests) gets it back here.
        if updated == 0:
            cls.objects.get_or_create(pk=cls.ROW, defaults={"edits": 1})
