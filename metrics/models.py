"""The numbers of the report: one ``Figure`` per number the report states."""

import re
from collections import defaultdict
from collections.abc import Collection, Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models, transaction
from django.db.models import Case, DecimalField, Exists, ExpressionWrapper, F, OuterRef, Q, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.constraints import ChecksInOneQuery
from common.languages import to_simplified
from common.versioning import ChangeSetRecord, Versioned
from metrics.choices import ProposalKind, ProposalStatus, Qualifier, RevisionKind, UnitKind
from metrics.choices import Unit as UnitName
from metrics.formatting import plain_number
from metrics.rates import quantum, rate_error
from metrics.text.clauses import clause_decimals, clause_states, stated_decimals, stated_numbers
from reports.models import Report, SourceText, released, source_paragraph_errors

#: The places a value can hold (``Figure.value`` has two), so the most a figure can be stated with.
MAX_DECIMALS = 2

#: A code is ``<prefix>.<name>``, the same across years so years compare (by code and unit). The prefix
#: names the part of the report, usually its section's topic; it is not tied to the section, so a code
#: stays valid when an editor renames a section or its topic.
CODE_PATTERN = r"^[a-z]+\.[a-z0-9_]+$"


class FigureQuerySet(models.QuerySet):
    def with_context(self):
        """Join report, section, case and unit so rows render without further queries."""
        return self.select_related("report", "section", "case", "unit")

    def with_source_text(self):
        """Annotate ``source_text_attached``: whether the figure's report has its text attached, so its
        paragraph links to the text page (``Figure.get_paragraph_url``). A subquery, no extra query."""
        return self.annotate(source_text_attached=Exists(SourceText.objects.filter(report=OuterRef("report"))))

    def for_section(self, section):
        """The figures of one section in reading order, with their context joined."""
        return self.with_context().filter(section=section).order_by("position", "pk")

    def for_export(self):
        """Figures in the stable export order: year, section order, position."""
        return self.with_context().order_by("report__year", "section__position", "position", "pk")

    def with_previous(self):
        """Annotate ``previous_value`` and ``change``: this figure against the year before.

        ``previous_value`` and ``previous_qualifier`` are the value and qualifier of
        ``previous_figure()``, None when there is none. ``change`` is ``value - previous_value``
        (percentage points for rates), None without a previous value. Correlated subqueries:
        no extra query, an index lookup per row read.

        This is the SQL form of ``metrics.selectors.year_before`` and ``YearBefore.compare``
        (the section and overview pages, which compare a whole report at once), for querysets
        that are filtered, sorted and exported by it (the explorer, the exports, the metric
        page); tests/metrics/test_previous_values.py checks that the two agree.
        """
        number = DecimalField(max_digits=17, decimal_places=2)
        return self.annotate(
            previous_value=Subquery(previous_figure().values("value")[:1], output_field=number),
            previous_qualifier=Subquery(previous_figure().values("qualifier")[:1]),
            change=ExpressionWrapper(F("value") - F("previous_value"), output_field=number),
        )

    def with_percent_change(self):
        """Annotate ``change_percent``: ``change`` as a percentage of ``previous_value`` (after ``with_previous()``).

        None without a previous value or when it was 0 (no percentage of nothing). For sorting
        figures of different units together; never shown as a figure of the report.
        """
        number = DecimalField(max_digits=30, decimal_places=10)
        return self.annotate(
            change_percent=Case(
                When(Q(previous_value__isnull=True) | Q(previous_value=0), then=Value(None, output_field=number)),
                default=ExpressionWrapper(F("change") * 100 / F("previous_value"), output_field=number),
                output_field=number,
            )
        )

    def rates(self):
        return self.filter(unit=UnitName.PERCENT)

    def counts(self):
        return self.exclude(unit=UnitName.PERCENT)

    def corrections(self):
        """Figures whose published value differs from the value their clause states."""
        return self.exclude(value=F("stated_value"))

    def bulk_create(self, objs, *args, **kwargs):
        """As ``QuerySet.bulk_create``, with the stated value and precision filled in as ``save()`` does."""
        objs = list(objs)
        for figure in objs:
            figure.fill_stated_defaults()
        return super().bulk_create(objs, *args, **kwargs)


def previous_figure() -> models.QuerySet:
    """The figure an outer Figure query's row is compared with, as a correlated subquery (``OuterRef``).

    It is the figure with the row's code and unit in the published report just before the
    row's report (the highest earlier year). When that report lacks the code there is none:
    an older report is never used in its place, so a change always spans one report.
    """
    previous_report = Report.objects.just_before(OuterRef(OuterRef("report__year"))).values("pk")[:1]
    return Figure.objects.filter(report=Subquery(previous_report), code=OuterRef("code"), unit=OuterRef("unit"))


class UnitQuerySet(models.QuerySet):
    def published(self):
        """The units at least one figure of a published report is stated in, in code order."""
        return self.filter(Exists(Figure.objects.filter(released("report__"), unit=OuterRef("pk")))).order_by("code")


class Unit(ChecksInOneQuery, Versioned):
    """A unit figures are stated in, written as the report writes it (名 stays 名, 宗 stays 宗).

    The primary key is that text, so a figure's ``unit`` column holds the unit itself, as
    exports show it. ``simplified`` is its Simplified form (blank: OpenCC's, filled on save).
    ``name_en`` names the unit in English where a unit is named on its own (the export's unit
    column, a chart's axis); blank, the Chinese is used. ``english_one``/``english_many`` are the
    word an English page writes after a number; both blank, an English page shows the number
    alone and the figure's name says what is counted (起, 件, 宗). ``kind`` says what the unit
    measures (``UnitKind``); a money unit states ``yuan``, the yuan in one of it (元 1, 萬元 10000).
    ``fractional`` units may carry a fraction; the others count whole things.
    """

    code = models.CharField(
        _("單位"),
        max_length=10,
        primary_key=True,
        help_text=_("照報告原文書寫，例如「宗」、「公斤」、「個百分點」；儲存後不可更改。"),
    )
    simplified = models.CharField(_("簡體寫法"), max_length=10, blank=True, help_text=_("留空則自動轉換。"))
    name_en = models.CharField(
        _("英文名稱"), max_length=40, blank=True, help_text=_("英文匯出與圖表座標軸所寫的單位名稱。")
    )
    english_one = models.CharField(
        _("英文單數"), max_length=40, blank=True, help_text=_("英文頁面在數字 1 之後寫的詞。")
    )
    english_many = models.CharField(
        _("英文複數"),
        max_length=40,
        blank=True,
        help_text=_("英文頁面在其他數字之後寫的詞；單數與複數都留空則英文只寫數字。"),
    )
    kind = models.CharField(_("類別"), max_length=10, choices=UnitKind.choices, default=UnitKind.COUNT)
    fractional = models.BooleanField(_("可有小數"), default=False)
    yuan = models.DecimalField(
        _("每單位元數"),
        max_digits=13,
        decimal_places=0,
        null=True,
        blank=True,
        help_text=_("只用於金額：一個單位等於多少元，例如萬元為 10000。"),
    )

    history = HistoricalRecords(bases=[ChangeSetRecord])
    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("單位")
        verbose_name_plural = _("單位")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=UnitKind.MONEY) & Q(yuan__gt=0)) | (~Q(kind=UnitKind.MONEY) & Q(yuan__isnull=True)),
                name="unit_money_has_yuan",
            ),
            models.CheckConstraint(condition=~Q(code=""), name="unit_code_not_blank"),
        ]

    def __str__(self):
        return self.code

    def clean(self):
        if self.kind == UnitKind.MONEY and not self.yuan:
            raise ValidationError({"yuan": _("金額單位須填寫一個單位等於多少元。")})
        if self.kind != UnitKind.MONEY and self.yuan is not None:
            raise ValidationError({"yuan": _("只有金額單位填寫元數；「%(unit)s」不是金額。") % {"unit": self.code}})

    def save(self, *args, **kwargs):
        if not self.simplified:
            self.simplified = to_simplified(self.code)
        super().save(*args, **kwargs)


class Figure(ChecksInOneQuery, Versioned):
    """One number stated by a report, with its unit, qualifier and the clause that states it.

    ``value`` is the number the portal publishes, in ``unit`` with any 萬/億
    multiplier of a plain unit applied (8萬餘噸 is 80000 噸, ``over``); money keeps
    the report's own unit (790萬元 is 790 萬元). ``stated_value`` is the number the
    clause states, with ``decimals`` places as the clause writes it (98.66 → 2).
    When the two values differ the figure is a correction: it has a reason, and
    records when and by whom. A rate may link the two counts it was computed from.
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
    value = models.DecimalField(_("數值"), max_digits=16, decimal_places=2, help_text=_("頁面與匯出公布的數值。"))
    stated_value = models.DecimalField(
        _("報告所載數值"),
        max_digits=16,
        decimal_places=2,
        blank=True,
        help_text=_("原文引句所載的數值；留空即與數值相同。與數值不同時，這筆數據是一項更正。"),
    )
    decimals = models.PositiveSmallIntegerField(
        _("所載精度（小數位數）"),
        blank=True,
        help_text=_("原文寫到小數第幾位：98.66 為 2，1275.5 為 1，17918 為 0；留空即依引句。頁面與匯出照此顯示。"),
    )
    correction_reason = models.CharField(
        _("更正原因"),
        max_length=200,
        blank=True,
        help_text=_("數值與報告所載不同時必填，會顯示在頁面與匯出中。"),
    )
    corrected_at = models.DateTimeField(_("更正時間"), null=True, blank=True, editable=False)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("更正者"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        db_column="unit",
        related_name="figures",
        verbose_name=_("單位"),
        error_messages={"invalid": _("沒有「%(value)s」這個單位：請先在「單位」新增，再用於數據。")},
    )
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

    history = HistoricalRecords(bases=[ChangeSetRecord])
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
                condition=~Q(unit=UnitName.PERCENT) | Q(value__lte=100), name="figure_percentage_at_most_100"
            ),
            models.UniqueConstraint(fields=["report", "code"], name="figure_unique_code_per_report"),
            models.CheckConstraint(condition=Q(code__regex=CODE_PATTERN), name="figure_code_pattern"),
            models.CheckConstraint(
                condition=(
                    (Q(numerator__isnull=True) & Q(denominator__isnull=True))
                    | (Q(numerator__isnull=False) & Q(denominator__isnull=False) & Q(unit=UnitName.PERCENT))
                ),
                name="figure_rate_links_both_or_neither",
            ),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True) | ~Q(numerator=F("denominator")),
                name="figure_rate_numerator_not_denominator",
            ),
            models.CheckConstraint(condition=Q(stated_value__gte=0), name="figure_stated_value_non_negative"),
            models.CheckConstraint(condition=Q(decimals__lte=MAX_DECIMALS), name="figure_decimals_at_most_2"),
            models.CheckConstraint(
                condition=Q(value=F("stated_value")) | ~Q(correction_reason=""),
                name="figure_correction_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["section", "position"], name="figure_section_position")]

    def __str__(self):
        return f"{self.report.year} {self.name}"

    def get_absolute_url(self):
        return f"{self.section.get_absolute_url()}#figure-{self.code}"

    #: Whether the report has its text attached: set by ``with_source_text()`` or by a selector that knows it.
    source_text_attached = False

    def get_paragraph_url(self) -> str:
        """The figure's paragraph on its report's text page, '' unless ``source_text_attached``. Reads ``report``."""
        if not self.source_text_attached:
            return ""
        return f"{reverse('metrics:text', kwargs={'year': self.report.year})}#p-{self.source_paragraph}"

    @property
    def is_rate(self) -> bool:
        return self.unit_id == UnitName.PERCENT

    @property
    def is_linked_rate(self) -> bool:
        return self.numerator_id is not None and self.denominator_id is not None

    @property
    def is_correction(self) -> bool:
        """Whether the portal publishes another value than the report states."""
        return self.stated_value is not None and self.value is not None and self.value != self.stated_value

    def fill_stated_defaults(self) -> None:
        """A blank stated value is the published value; a blank precision is the clause's, else the value's own."""
        if self.stated_value is None:
            self.stated_value = self.value
        if self.decimals is None and self.value is not None:
            self.decimals = stated_decimals(
                self.source_quote or "",
                value=self.stated_value,
                unit=self.unit_id,
                qualifier=self.qualifier,
                most=MAX_DECIMALS,
            )

    def save(self, *args, **kwargs):
        """Fill the stated defaults; a figure that is no longer a correction drops its reason, time and editor."""
        self.fill_stated_defaults()
        if not self.is_correction:
            self.correction_reason, self.corrected_at, self.corrected_by = "", None, None
        super().save(*args, **kwargs)

    def stamp_correction(self, user) -> None:
        """Record ``user`` and now as the correction's author when this save makes or changes a correction.

        Call before ``save()``; an unchanged correction keeps its original time and editor.
        """
        if not self.is_correction:
            return
        stored = Figure.objects.filter(pk=self.pk).values("value", "stated_value", "correction_reason").first()
        unchanged = stored is not None and stored == {
            "value": self.value,
            "stated_value": self.stated_value,
            "correction_reason": self.correction_reason,
        }
        if not unchanged or self.corrected_at is None:
            self.corrected_at, self.corrected_by = timezone.now(), user

    def clean(self):
        """Explain each broken rule in Chinese with its numbers, keyed by field.

        The database constraints stay the last guard. Unless ``rate_check_deferred``,
        the rates linked to this figure are checked with its unsaved value against the
        stored values of the others (``linked_rate_errors``).
        """
        self.fill_stated_defaults()
        errors = defaultdict(list)
        problems_by_kind = (
            self._value_problems(),
            self._stated_problems(),
            self._placement_problems(),
            self._link_problems(),
            self._paragraph_problems(),
        )
        for problems in problems_by_kind:
            for field, message in problems:
                errors[field].append(message)
        # A missing correction reason does not hide a broken rate: both are reported at once.
        if not errors.keys() - {"correction_reason"} and not self.rate_check_deferred:
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
        unit = self._related("unit")
        if self.value is None or unit is None:
            return
        value = plain_number(Decimal(self.value))
        if self.value < 0:
            yield "value", _("數值不可為負數：填入的是 %(value)s。") % {"value": value}
        elif not unit.fractional and self.value % 1:
            yield (
                "value",
                _("計數須為非負整數：單位「%(unit)s」不可有小數，但填入的是 %(value)s。")
                % {
                    "unit": unit.code,
                    "value": value,
                },
            )
        if unit.code == UnitName.PERCENT and self.value > 100:
            yield "value", _("百分比須介於 0 與 100 之間：填入的是 %(value)s%%。") % {"value": value}

    def _stated_problems(self):
        """(field, message) pairs: the clause states the stated value and precision; a correction has a reason."""
        if self.value is None or self.stated_value is None or not self.unit_id or self.decimals is None:
            return
        if self.decimals > MAX_DECIMALS:
            yield (
                "decimals",
                _("所載精度最多到小數 %(max)s 位：填入的是 %(decimals)s。")
                % {
                    "max": MAX_DECIMALS,
                    "decimals": self.decimals,
                },
            )
            return
        if Decimal(self.value) != Decimal(self.value).quantize(quantum(self.decimals)):
            yield (
                "value",
                _("數值 %(value)s 的小數位數多於所載精度（小數 %(decimals)s 位）。")
                % {"value": plain_number(Decimal(self.value)), "decimals": self.decimals},
            )
        if self.source_quote:
            if not clause_states(
                self.source_quote, value=self.stated_value, unit=self.unit_id, qualifier=self.qualifier
            ):
                numbers = "、".join(plain_number(number.value) for number in stated_numbers(self.source_quote))
                yield (
                    "stated_value",
                    _("原文引句「%(quote)s」沒有載明 %(stated)s（%(qualifier)s）：引句所載的數字是 %(numbers)s。")
                    % {
                        "quote": self.source_quote,
                        "stated": plain_number(Decimal(self.stated_value)),
                        "qualifier": Qualifier(self.qualifier).label if self.qualifier in Qualifier.values else "",
                        "numbers": numbers or _("（無）"),
                    },
                )
            elif (
                places := clause_decimals(
                    self.source_quote, value=self.stated_value, unit=self.unit_id, qualifier=self.qualifier
                )
            ) is not None and places != self.decimals:
                yield (
                    "decimals",
                    _("所載精度須與原文一致：引句「%(quote)s」寫到小數 %(places)s 位，這裡填的是 %(decimals)s 位。")
                    % {"quote": self.source_quote, "places": places, "decimals": self.decimals},
                )
        if self.is_correction and not self.correction_reason.strip():
            yield (
                "correction_reason",
                _("數值 %(value)s 與報告所載 %(stated)s 不同，這是一項更正：請填寫更正原因。")
                % {"value": plain_number(Decimal(self.value)), "stated": plain_number(Decimal(self.stated_value))},
            )

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

    def _paragraph_problems(self):
        """(field, message) pairs: the source paragraph lies in the report's attached text, or is at least 1."""
        if self.report_id is None:
            return
        # An import's figures share one report instance: its text's length is read once for all of them.
        report = self.report if Figure.report.is_cached(self) else None
        for message in source_paragraph_errors(self.source_paragraph, report=report, report_id=self.report_id):
            yield "source_paragraph", message

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
                _("只有單位為「%%」的比率可以連結分子與分母；這筆數據的單位是「%(unit)s」。") % {"unit": self.unit_id},
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


def linked_set(edited: Iterable[Figure], *, deleted: Collection[int] = ()) -> set[int]:
    """The pks a save of ``edited`` must lock: the edited figures, the rates linked to them
    (but not ``deleted``), and the counts of those rates and of edited rates. One query."""
    edited = list(edited)
    pks = {figure.pk for figure in edited if figure.pk is not None}
    linked = set(pks)
    for figure in edited:
        if figure.is_linked_rate:
            linked |= {figure.numerator_id, figure.denominator_id}
    if pks:
        rates = Figure.objects.filter(
            Q(numerator__in=pks) | Q(denominator__in=pks) | Q(pk__in=pks, numerator__isnull=False)
        ).exclude(pk__in=deleted)
        for pk, numerator, denominator in rates.values_list("pk", "numerator_id", "denominator_id"):
            linked |= {pk, numerator, denominator}
    return linked


def lock_figures(pks: Collection[int]) -> dict[int, Figure]:
    """The stored figures ``pks`` by pk, read in one statement.

    Inside a transaction they are locked (``SELECT … FOR UPDATE``) in pk order, the
    same order for every save, so two saves of overlapping sets wait for each other
    instead of deadlocking; the locks hold until the transaction ends. Outside one
    there is nothing to hold a lock until a save, so the rows are only read.
    """
    if not pks:
        return {}
    rows = Figure.objects.filter(pk__in=pks).order_by("pk")
    if transaction.get_connection().in_atomic_block:
        rows = rows.select_for_update()
    return {figure.pk: figure for figure in rows}


def linked_rate_errors(
    edited: Iterable[Figure], *, deleted: Collection[int] = (), stored: dict[int, Figure] | None = None
) -> list[str]:
    """Messages for every linked rate that the edited figures, with their unsaved values, break.

    ``edited`` are the figures changed in one save. Their current values win over the
    stored ones, so a count and its rate edited together are checked together. Checked
    are the edited figures that are linked rates and the stored rates (except ``deleted``
    pks) linked to an edited figure. ``stored`` are the figures of the linked set as
    locked by the caller (``lock_figures(linked_set(…))``); without it they are locked
    (or, outside a transaction, read) here. A rate that was not edited gets the message
    naming the counts that changed; an edited rate gets the message naming its stated value.
    """
    edited = list(edited)
    if stored is None:
        stored = lock_figures(linked_set(edited, deleted=deleted))
    by_pk = {figure.pk: figure for figure in edited if figure.pk is not None}
    to_check = [(figure, True) for figure in edited if figure.is_linked_rate]
    to_check += [
        (rate, False)
        for rate in stored.values()
        if rate.pk not in by_pk
        and rate.pk not in deleted
        and (rate.numerator_id in by_pk or rate.denominator_id in by_pk)
    ]
    figures = {**stored, **by_pk}

    errors = []
    for rate, rate_edited in to_check:
        numerator, denominator = figures.get(rate.numerator_id), figures.get(rate.denominator_id)
        if numerator is None or denominator is None:
            continue
        changed_counts = [] if rate_edited else [count for count in (numerator, denominator) if count.pk in by_pk]
        if message := rate_error(rate, numerator, denominator, changed_counts):
            errors.append(message)
    return errors


class ProposalQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=ProposalStatus.PENDING)

    def pending_for_figures(self, pks: Collection[int]):
        """The pending proposals that change any of the figures ``pks``."""
        return self.pending().filter(changes__figure__in=pks).distinct()


class Proposal(models.Model):
    """A change to what the public sees, proposed by one editor, taking effect when a second person approves it.

    ``kind`` says what: new values of published figures (``changes``, one row per figure, linked
    figures together) or the publication of ``report``. A pending proposal is approved
    (``decided_by`` then differs from ``proposed_by``, a constraint) or returned with
    ``return_reason``, which the proposer reads. With the second pair of eyes turned off
    (``settings.REVIEW_PUBLISHED_CHANGES``) a change is recorded as an approved proposal with
    no approver, so the record of revisions stays whole. The figures' history rows written at
    approval share ``change_set`` and name both people in their reason.
    """

    kind = models.CharField(_("類別"), max_length=10, choices=ProposalKind.choices)
    status = models.CharField(
        _("狀態"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING, db_index=True
    )
    report = models.ForeignKey(
        "reports.Report", on_delete=models.CASCADE, related_name="proposals", verbose_name=_("報告")
    )
    reason = models.CharField(_("修改原因"), max_length=200, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("提議者"),
    )
    proposed_at = models.DateTimeField(_("提議時間"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("核准或退回者"),
    )
    decided_at = models.DateTimeField(_("核准或退回時間"), null=True, blank=True)
    return_reason = models.CharField(_("退回原因"), max_length=200, blank=True)
    change_set = models.UUIDField(_("這次儲存"), null=True, blank=True, editable=False)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("待核准的修改")
        verbose_name_plural = _("待核准的修改")
        ordering = ["-proposed_at", "-pk"]
        permissions = [("approve_proposal", _("可核准或退回修改"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("proposed_by")),
                name="proposal_not_decided_by_proposer",
            ),
            models.CheckConstraint(
                condition=~Q(status=ProposalStatus.RETURNED) | ~Q(return_reason=""),
                name="proposal_return_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status=ProposalStatus.PENDING) | Q(decided_at__isnull=False),
                name="proposal_decided_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.report.year} {self.get_kind_display()} #{self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.status == ProposalStatus.PENDING


class ProposedChange(models.Model):
    """One figure of a proposal: its values when proposed (``old_*``) and the proposed ones.

    ``base_version`` is the figure's version the proposal was made against: approval refuses
    the proposal when the figure has been saved since. ``stated_value`` and ``decimals`` are
    the figure's when proposed (they are not changed by a proposal), so the record shows what
    the report states beside both values.
    """

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="changes")
    figure = models.ForeignKey(Figure, on_delete=models.CASCADE, related_name="proposed_changes")
    base_version = models.PositiveIntegerField()
    stated_value = models.DecimalField(max_digits=16, decimal_places=2)
    decimals = models.PositiveSmallIntegerField()
    old_value = models.DecimalField(max_digits=16, decimal_places=2)
    old_qualifier = models.CharField(max_length=10, choices=Qualifier.choices)
    old_correction_reason = models.CharField(max_length=200, blank=True)
    value = models.DecimalField(_("數值"), max_digits=16, decimal_places=2)
    qualifier = models.CharField(_("精確度"), max_length=10, choices=Qualifier.choices)
    correction_reason = models.CharField(_("更正原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("提議的數值")
        verbose_name_plural = _("提議的數值")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "figure"], name="proposed_change_one_per_figure"),
            models.CheckConstraint(condition=Q(value__gte=0), name="proposed_change_value_non_negative"),
        ]

    def __str__(self):
        return f"{self.figure_id}: {self.old_value} → {self.value}"

    @property
    def kind(self) -> str:
        """Correction when the new value differs from what the report states, else revision."""
        return RevisionKind.CORRECTION if self.value != self.stated_value else RevisionKind.REVISION


class ChartImage(models.Model):
    """One chart drawn on the server (``metrics.charts.rendering``), named by its payload and width.

    Stored in the database so every node of a cluster serves the same drawing. ``key`` is
    ``rendering.image_key`` (a change of any value, label or language is a new key, so a row is
    never updated, only added or pruned); ``png`` is stored for the width the download uses, else empty.
    """

    key = models.CharField(max_length=64, primary_key=True)
    width = models.PositiveSmallIntegerField()
    height = models.PositiveSmallIntegerField()
    svg = models.TextField()
    png = models.BinaryField(blank=True, default=b"")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("圖表圖檔")
        verbose_name_plural = _("圖表圖檔")
        constraints = [
            models.CheckConstraint(condition=Q(key__regex=r"^[0-9a-f]{64}$"), name="chart_image_key_sha256"),
            models.CheckConstraint(condition=Q(width__gt=0, height__gt=0), name="chart_image_size_positive"),
        ]

    def __str__(self):
        return f"{self.key[:12]} ({self.width}×{self.height})"
