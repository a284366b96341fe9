"""Writes of the report as a document that are more than one model save: attaching a report's text."""

from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from common.source_text import check_text, normalized, paragraphs
from reports.models import NamedItem, NotableCase, Report, Section, SourceText

#: The origin of a text pasted into the admin's import form (an uploaded one is its file name). Stored as data,
#: in the portal's language, like any origin; not translated when shown.
PASTED_IN_THE_IMPORT = "在管理後台匯入時貼上"


class Attached(NamedTuple):
    """What ``attach_source`` did: the report's text, and whether this call wrote it (not when it was there)."""

    source: SourceText
    changed: bool


def cited_paragraphs(report: Report) -> list[tuple[str, int]]:
    """(what, highest paragraph) each kind of the report's rows cites, for the kinds that cite any. 4 queries.

    The figures are read through ``Report.figures`` (the reverse name of ``metrics.Figure.report``),
    by name and not by import: this app never imports ``metrics``.
    """
    kinds = (
        (Section._meta.verbose_name, Section.objects.filter(report=report)),
        (NotableCase._meta.verbose_name, NotableCase.objects.filter(section__report=report)),
        (NamedItem._meta.verbose_name, NamedItem.objects.filter(section__report=report)),
        (_("數據"), report.figures.all()),
    )
    cited = []
    for name, rows in kinds:
        highest = rows.aggregate(highest=Max("source_paragraph"))["highest"]
        if highest is not None:
            cited.append((str(name), highest))
    return cited


def checked_text(*, report: Report, text: str) -> str:
    """``text`` as it is kept (``common.source_text.normalized``), or ``ValidationError`` naming what is wrong.

    Refused: an empty text, one over the limits (``check_text``), and one with fewer paragraphs
    than the report's sections, cases, named lists or figures cite.
    """
    text = normalized(text)
    check_text(text)
    count = sum(1 for _line in paragraphs(text))
    beyond = [(name, highest) for name, highest in cited_paragraphs(report) if highest > count]
    if beyond:
        cited = _("、").join(_("%(what)s到第 %(n)s 段") % {"what": name, "n": highest} for name, highest in beyond)
        raise ValidationError(
            _("這份原文只有 %(count)s 段，但本報告的%(cited)s：不是這份報告的原文，或換行有遺失。")
            % {"count": count, "cited": cited},
            code="too_few_paragraphs",
        )
    return text


def attach_source(*, report: Report, text: str, origin: str, user=None) -> Attached:
    """Keep ``text`` as ``report``'s text, from ``origin`` (a file name, a path, or how it was pasted), by ``user``.

    An attached text is replaced; the same text again (same checksum) writes nothing and
    returns ``changed=False``. Raises ``ValidationError`` as ``checked_text`` does, and
    writes nothing then. The report's row is locked while the text is compared and written,
    so two attachments to one report are serialized.
    """
    with transaction.atomic():
        list(Report.objects.select_for_update().filter(pk=report.pk).values_list("pk", flat=True))
        text = checked_text(report=report, text=text)
        checksum = SourceText.checksum_of(text)
        source = SourceText.objects.filter(report=report).first()
        if source is not None and source.checksum == checksum:
            return Attached(source=source, changed=False)
        if source is None:
            source = SourceText(report=report)
        source.text, source.origin, source.attached_by = text, origin[:300], user
        source.attached_at = timezone.now()
        source.save()
    report.__dict__["_paragraph_count"] = source.paragraph_count
    return Attached(source=source, changed=True)
