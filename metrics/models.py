"""The numbers of the report: one ``Figure`` per number the report states."""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from metrics.choices import Qualifier, Unit

#: A code is ``<section slug>.<name>``, the same across years so years compare.
CODE_PATTERN = r"^[a-z]+\.[a-z0-9_]+$"

#: How far a stated rate may sit from numerator ÷ denominator, in percentage points.
RATE_TOLERANCE = Decimal("0.01")


class FigureQuerySet(models.QuerySet):
    def with_context(self):
        """Join report, section and case so rows render without further queries."""
        return self.select_related("report", "section", "case")

    def for_section(self, section):
        """The figures of one section in reading order, with their context joined."""
        return self.with_context().filter(section=section).order_by("position", "pk")

    def for_export(self):
        """Figures in the stable export order: year, section order, position."""
        return self.with_context().order_by("report__year", "section__position", "position", "pk")

    def rates(self):
        return self.filter(unit=Unit.PERCENT)

    def counts(self):
        return self.exclude(unit=Unit.PERCENT)


class Figure(models.Model):
    """One number stated by a report, with its unit, qualifier and the clause that states it.

    ``value`` is the number in ``unit`` with any 萬/億 multiplier of a plain unit
    applied (8萬餘噸 is 80000 噸, ``over``); money keeps the report's own unit
    (790萬元 is 790 萬元). A rate may link the two counts it was computed from.
    """

    report = models.ForeignKey(
        "reports.Report", on_delete=models.CASCADE, related_name="figures", verbose_name=_("報告")
    )
    section = models.ForeignKey(
        "reports.Section", on_delete=models.CASCADE, related_name="figures", verbose_name=_("章節")
    )
    case = models.ForeignKey(
        "reports.NotableCase",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="figures",
        verbose_name=_("典型案例"),
    )
    code = models.CharField(
        _("指標代碼"),
        max_length=80,
        help_text=_("格式為「章節代號.名稱」，例如 mediation.disputes_resolved；各年度沿用同一代碼。"),
    )
    name = models.CharField(_("指標名稱"), max_length=100)
    theme = models.CharField(_("主題"), max_length=50, help_text=_("章節內的分組，例如「社會面巡防」。"))
    headline = models.BooleanField(_("重點數據"), default=False, help_text=_("勾選後在報告總覽以卡片顯示。"))
    value = models.DecimalField(_("數值"), max_digits=16, decimal_places=2)
    unit = models.CharField(_("單位"), max_length=10, choices=Unit.choices)
    qualifier = models.CharField(_("精確度"), max_length=10, choices=Qualifier.choices, default=Qualifier.EXACT)
    numerator = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rates_as_numerator",
        verbose_name=_("分子"),
        help_text=_("比率的分子（例如化解數）；只用於百分比。"),
    )
    denominator = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rates_as_denominator",
        verbose_name=_("分母"),
        help_text=_("比率的分母（例如排查數）；只用於百分比。"),
    )
    source_paragraph = models.PositiveSmallIntegerField(_("來源段落"), help_text=_("原文的行號（從 1 起算）。"))
    source_quote = models.CharField(_("原文引句"), max_length=300, help_text=_("原文中陳述此數字的最短分句，逐字照錄。"))
    position = models.PositiveSmallIntegerField(_("順序"), default=0)

    history = HistoricalRecords()
    objects = FigureQuerySet.as_manager()

    class Meta:
        ordering = ["report", "section", "position"]
        verbose_name = _("數據")
        verbose_name_plural = _("數據")
        permissions = [("export_figure", _("可匯出數據"))]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="figure_value_non_negative"),
            models.CheckConstraint(
                condition=~Q(unit=Unit.PERCENT) | Q(value__lte=100), name="figure_percentage_at_most_100"
            ),
            models.UniqueConstraint(fields=["report", "code"], name="figure_unique_code_per_report"),
            models.CheckConstraint(condition=Q(code__regex=CODE_PATTERN), name="figure_code_pattern"),
            models.CheckConstraint(
                condition=(
                    (Q(numerator__isnull=True) & Q(denominator__isnull=True))
                    | (Q(numerator__isnull=False) & Q(denominator__isnull=False) & Q(unit=Unit.PERCENT))
                ),
                name="figure_rate_links_both_or_neither",
            ),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True) | ~Q(numerator=F("denominator")),
                name="figure_rate_numerator_not_denominator",
            ),
        ]
        indexes = [models.Index(fields=["section", "position"], name="figure_section_position")]

    def __str__(self):
        return f"{self.report.year} {self.name}"

    def get_absolute_url(self):
        return f"{self.section.get_absolute_url()}#figure-{self.code}"

    @property
    def is_rate(self) -> bool:
        return self.unit == Unit.PERCENT

    @property
    def is_linked_rate(self) -> bool:
        return self.numerator_id is not None and self.denominator_id is not None
