"""Units and qualifiers of reported figures: data, stored with every figure."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit:
    """Units the code names: each is the primary key of a ``metrics.models.Unit`` row.

    The units a figure may carry are the rows of that table, which an editor can add to;
    these names are for the rules that single a unit out (a rate is in %) and for tests.
    """

    JIAN = "件"
    QI = "起"
    REN = "人"
    RENCI = "人次"
    JIACI = "家次"
    JIA = "家"
    GE = "個"
    DANYUAN = "單元"
    TIAO = "條"
    CHU = "處"
    CI = "次"
    CHANG = "場"
    ZHI = "支"
    FA = "發"
    BA = "把"
    HU = "戶"
    DUN = "噸"
    MONTHS = "個月"
    YUAN = "元"
    WAN_YUAN = "萬元"
    YI_YUAN = "億元"
    PERCENT = "%"
    PERCENTAGE_POINTS = "個百分點"


class UnitKind(models.TextChoices):
    """What a unit measures. Figures of one kind may share a chart axis only when their unit is the same;
    the kind decides how a change between two years is measured (a change of % is in percentage points)."""

    COUNT = "count", _("計數")
    MONEY = "money", _("金額")
    PERCENT = "percent", _("百分比")
    POINTS = "points", _("百分點")
    WEIGHT = "weight", _("重量")
    DURATION = "duration", _("時長")
    OTHER = "other", _("其他")


class Qualifier(models.TextChoices):
    """How exact the report says a number is: 近/約 → approx; 餘/余/多 → over."""

    EXACT = "exact", _("確數")
    APPROX = "approx", _("近似（近、約）")
    OVER = "over", _("以上（餘、多）")


class ProposalKind(models.TextChoices):
    """What a proposal changes on what the public sees."""

    FIGURES = "figures", _("修改已發布的數據")
    PUBLISH = "publish", _("發布報告")


class ProposalStatus(models.TextChoices):
    """Where a proposal stands: pending until a second person approves it or returns it with a reason."""

    PENDING = "pending", _("待核准")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已核准")


class RevisionKind(models.TextChoices):
    """A change to a published figure: a correction publishes another value than the report states;
    a revision changes a published figure otherwise (its qualifier, its reason, or back to the stated value)."""

    CORRECTION = "correction", _("更正")
    REVISION = "revision", _("修訂")
