"""Fixed vocabularies of the report app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SectionSlug(models.TextChoices):
    """The 2021 report's three parts: their slugs, which are also their topics.

    Names for the fixture's sections (tests, benchmark data). They gate nothing: a
    report has whatever sections its text has (``Section.slug`` and ``Section.topic`` are free).
    """

    STABILITY = "stability", _("維穩安保")
    CRACKDOWN = "crackdown", _("打擊整治")
    MEDIATION = "mediation", _("矛盾化解")


class ListKind(models.TextChoices):
    """Kinds of named list the report gives (events, periods, campaigns, forces)."""

    KEY_PERIOD = "key_period", _("重要安保時段")
    PERMITTED_EVENT = "permitted_event", _("許可活動")
    GOVERNMENT_EVENT = "government_event", _("政府活動")
    CAMPAIGN = "campaign", _("專項行動")
    PATROL_FORCE = "patrol_force", _("巡防力量")
    MECHANISM = "mechanism", _("工作機制")
