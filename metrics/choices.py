"""Units and qualifiers of reported figures: data, stored with every figure."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.TextChoices):
    """Units the reports state numbers in; the stored value is the Chinese unit itself."""

    JIAN = "件", _("件")
    QI = "起", _("起")
    REN = "人", _("人")
    RENCI = "人次", _("人次")
    JIACI = "家次", _("家次")
    JIA = "家", _("家")
    GE = "個", _("個")
    DANYUAN = "單元", _("單元")
    TIAO = "條", _("條")
    CHU = "處", _("處")
    CI = "次", _("次")
    CHANG = "場", _("場")
    ZHI = "支", _("支")
    FA = "發", _("發")
    BA = "把", _("把")
    HU = "戶", _("戶")
    DUN = "噸", _("噸")
    MONTHS = "個月", _("個月")
    YUAN = "元", _("元")
    WAN_YUAN = "萬元", _("萬元")
    YI_YUAN = "億元", _("億元")
    PERCENT = "%", _("%")


#: Units whose values may carry a fraction. Everything else counts whole things.
#: 件 is here because the report counts seized fireworks as 1275.5 件.
FRACTIONAL_UNITS = frozenset({Unit.JIAN, Unit.DUN, Unit.MONTHS, Unit.YUAN, Unit.WAN_YUAN, Unit.YI_YUAN, Unit.PERCENT})


class Qualifier(models.TextChoices):
    """How exact the report says a number is: 近/約 → approx; 餘/余/多 → over."""

    EXACT = "exact", _("確數")
    APPROX = "approx", _("近似（近、約）")
    OVER = "over", _("以上（餘、多）")
