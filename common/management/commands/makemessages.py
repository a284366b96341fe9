"""``makemessages`` that also extracts ``_lazy("…")``, the alias metrics.charts.specs and .rows give gettext_lazy
beside ``_`` for gettext; xgettext knows only the names it is told (Django's documented override)."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_lazy"]
