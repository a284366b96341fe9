"""The numbers of the report: one ``Figure`` per number the report states."""

import re
from collections import defaultdict
from collections.abc import Collection, Iterable
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from metrics.choices import FRACTIONAL_UNITS, Qualifier, Unit
from metrics.formatting import plain_number
from metrics.rates import rate_error

#: A code is ``<section slug>.<name>``, the same across years so years compare.
CODE_PATTERN = r"^[a-z]+\.[a-z0-9_]+$"


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
    name_en = models.CharField(_("指標名稱（英文）"), max_length=200, blank=True)
    theme_en = models.CharField(_("主題（英文）"), max_length=100, blank=True)
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
    source_quote = models.CharField(
        _("原文引句"), max_length=300, help_text=_("原文中陳述此數字的最短分句，逐字照錄。")
    )
    position = models.PositiveSmallIntegerField(_("順序"), default=0)

    history = HistoricalRecords()
    objects = FigureQuerySet.as_manager()

    #: Set on the rows of an admin formset, which checks linked rates across all its rows
    #: at once (``metrics.forms.LinkedRatesFormSetMixin``); ``clean()`` then leaves that check to it.
    rate_check_deferred = False

    class Meta:
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

    def clean(self):
        """Explain each broken rule in Chinese with its numbers, keyed by field.

        The database constraints stay the last guard. Unless ``rate_check_deferred``,
        the rates linked to this figure are checked with its unsaved value against the
        stored values of the others (``linked_rate_errors``).
        """
        errors = defaultdict(list)
        for problems in (self._value_problems(), self._placement_problems(), self._link_problems()):
            for field, message in problems:
                errors[field].append(message)
        if not errors and not self.rate_check_deferred:
            if rate_messages := linked_rate_errors([self]):
                errors["value"] = rate_messages
        if errors:
            raise ValidationError(dict(errors))

    def _related(self, name: str):
        """The object a required foreign key points to, or None while it is unset."""
        try:
            return getattr(self, name)
        except ObjectDoesNotExist:
            return None

    def _value_problems(self):
        """(field, message) pairs: counts are non-negative whole numbers, percentages 0–100."""
        if self.value is None or not self.unit:
            return
        value = plain_number(Decimal(self.value))
        if self.value < 0:
            yield "value", _("數值不可為負數：填入的是 %(value)s。") % {"value": value}
        elif self.unit not in FRACTIONAL_UNITS and self.value % 1:
            yield (
                "value",
                _("計數須為非負整數：單位「%(unit)s」不可有小數，但填入的是 %(value)s。")
                % {
                    "unit": self.unit,
                    "value": value,
                },
            )
        if self.unit == Unit.PERCENT and self.value > 100:
            yield "value", _("百分比須介於 0 與 100 之間：填入的是 %(value)s%%。") % {"value": value}

    def _placement_problems(self):
        """(field, message) pairs: section in the report, case in the section, code well-formed and unique."""
        section = self._related("section")
        if section is not None and self.report_id is not None and section.report_id != self.report_id:
            yield (
                "section",
                _("章節須屬於數據所屬的報告：章節「%(section)s」不屬於「%(report)s」。")
                % {
                    "section": section,
                    "report": self.report,
                },
            )
        if section is not None and self.case is not None and self.case.section_id != section.pk:
            yield (
                "case",
                _("典型案例須屬於數據所屬的章節：「%(case)s」不屬於章節「%(section)s」。")
                % {
                    "case": self.case.title,
                    "section": section.heading,
                },
            )
        if not self.code:
            return
        if not re.fullmatch(CODE_PATTERN, self.code):
            yield (
                "code",
                _(
                    "指標代碼須為「章節代號.名稱」（小寫英文字母、數字與底線），"
                    "例如 mediation.disputes_resolved：「%(code)s」不符合。"
                )
                % {"code": self.code},
            )
        elif section is not None and not self.code.startswith(f"{section.slug}."):
            yield (
                "code",
                _("指標代碼須以所屬章節的代號「%(slug)s.」開頭：「%(code)s」不符合。")
                % {
                    "slug": section.slug,
                    "code": self.code,
                },
            )
        elif self.report_id is not None:
            same_code = Figure.objects.filter(report_id=self.report_id, code=self.code).exclude(pk=self.pk).first()
            if same_code is not None:
                yield (
                    "code",
                    _("指標代碼在同一份報告內不可重複：這份報告已有代碼「%(code)s」（%(name)s）。")
                    % {
                        "code": self.code,
                        "name": same_code.name,
                    },
                )

    def _link_problems(self):
        """(field, message) pairs: a rate links both counts or neither, of its own report, not itself."""
        numerator, denominator = self.numerator, self.denominator
        if numerator is None and denominator is None:
            return
        if numerator is None or denominator is None:
            yield ("numerator" if numerator is None else "denominator"), _("比率的分子與分母須同時填寫或同時留空。")
            return
        if not self.is_rate:
            yield (
                "unit",
                _("只有單位為「%%」的比率可以連結分子與分母；這筆數據的單位是「%(unit)s」。") % {"unit": self.unit},
            )
        if self.pk is not None and self.pk in (numerator.pk, denominator.pk):
            yield "numerator", _("比率不可以自己作為分子或分母。")
        if numerator.pk == denominator.pk:
            yield "denominator", _("分子與分母不可為同一筆數據：兩者都是「%(name)s」。") % {"name": numerator.name}
        for field, linked in (("numerator", numerator), ("denominator", denominator)):
            if self.report_id is not None and linked.report_id != self.report_id:
                yield (
                    field,
                    _("分子與分母須屬於同一份報告：「%(name)s」屬於 %(year)s 年度的報告。")
                    % {
                        "name": linked.name,
                        "year": linked.report.year,
                    },
                )


def linked_rate_errors(edited: Iterable[Figure], *, deleted: Collection[int] = ()) -> list[str]:
    """Messages for every linked rate that the edited figures, with their unsaved values, break.

    ``edited`` are the figures changed in one save. Their current values win over the
    stored ones, so a count and its rate edited together are checked together. Checked
    are the edited figures that are linked rates and the stored rates (except ``deleted``
    pks) linked to an edited figure. A rate that was not edited gets the message naming
    the counts that changed; an edited rate gets the message naming its stated value.
    """
    edited = list(edited)
    by_pk = {figure.pk: figure for figure in edited if figure.pk is not None}
    to_check = [(figure, True) for figure in edited if figure.is_linked_rate]
    if by_pk:
        linked_to_edited = Figure.objects.filter(Q(numerator__in=by_pk) | Q(denominator__in=by_pk)).exclude(
            pk__in=[*by_pk, *deleted]
        )
        to_check += [(rate, False) for rate in linked_to_edited]
    linked_pks = {pk for rate, _rate_edited in to_check for pk in (rate.numerator_id, rate.denominator_id)}
    figures = {**Figure.objects.in_bulk(linked_pks - by_pk.keys()), **by_pk}

    errors = []
    for rate, rate_edited in to_check:
        numerator, denominator = figures.get(rate.numerator_id), figures.get(rate.denominator_id)
        if numerator is None or denominator is None:
            continue
        changed_counts = [] if rate_edited else [count for count in (numerator, denominator) if count.pk in by_pk]
        if message := rate_error(rate, numerator, denominator, changed_counts):
            errors.append(message)
    return errors
