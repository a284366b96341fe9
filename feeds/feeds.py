"""The Atom feeds (Django's syndication framework): new reports, revisions of published figures, one metric.

Each feed's ``get_object`` reads ``request.feed_reader`` (set by ``feeds.views``, which answers 404 first
when the request may not read feeds) and shows only what that reader may see: drafts only to editors.
"""

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from common.languages import localized
from feeds import selectors
from metrics.formatting import format_figure_in_language


@dataclass(frozen=True)
class FeedContext:
    reader: selectors.Reader
    code: str = ""


def figure_text(figure, value) -> str:
    return format_figure_in_language(value, figure.unit, figure.qualifier, figure.decimals)


class PortalFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, code: str = "", **kwargs):
        return FeedContext(reader=request.feed_reader, code=code)

    def author_name(self):
        return _("萬州區公安局工作報告平台")


class ReportsFeed(PortalFeed):
    """Each report as it is released: its title, summary and overview page."""

    def title(self):
        return _("萬州區公安局工作報告：新發布的報告")

    def link(self):
        return reverse("metrics:report-list")

    def subtitle(self):
        return _("每份工作報告發布時，這裡多一則。")

    def items(self, obj):
        return selectors.feed_reports(drafts=obj.reader.drafts)

    def item_title(self, report):
        return f"{report.year} {localized(report, 'agency')} {localized(report, 'title')}"

    def item_description(self, report):
        return localized(report, "summary")

    def item_pubdate(self, report):
        return report.released_at or report.published_at or report.release_at

    def item_updateddate(self, report):
        return report.released_at or report.published_at or report.release_at or timezone.now()


class RevisionsFeed(PortalFeed):
    """Each change to a published figure: the value the report states, the value published, and why."""

    def title(self):
        return _("萬州區公安局工作報告：數據修訂")

    def link(self):
        return reverse("metrics:report-list")

    def subtitle(self):
        return _("已發布數據的每一次更正：原值、新值與原因。")

    def items(self, obj):
        return selectors.revisions()

    def item_title(self, revision):
        figure = revision.figure
        return _("%(year)s %(name)s：%(before)s → %(after)s") % {
            "year": figure.report.year,
            "name": localized(figure, "name"),
            "before": figure_text(figure, revision.before),
            "after": figure_text(figure, revision.after),
        }

    def item_description(self, revision):
        return _("更正原因：%(reason)s") % {"reason": revision.reason}

    def item_link(self, revision):
        return revision.figure.get_absolute_url()

    def item_guid(self, revision):
        return f"revision-{revision.key}"

    item_guid_is_permalink = False

    def item_pubdate(self, revision):
        return revision.at

    def item_updateddate(self, revision):
        return revision.at


class MetricFeed(PortalFeed):
    """One figure code across the reports: an entry per year, updated when it is corrected."""

    def title(self, obj):
        return _("萬州區公安局工作報告：%(code)s 歷年數據") % {"code": obj.code}

    def link(self, obj):
        return reverse("metrics:series", kwargs={"code": obj.code})

    def subtitle(self, obj):
        return _("這項數據在每一份報告中的數值。")

    def items(self, obj):
        return selectors.metric_entries(code=obj.code, drafts=obj.reader.drafts)

    def item_title(self, figure):
        return f"{figure.report.year} {localized(figure, 'name')}：{figure_text(figure, figure.value)}"

    def item_description(self, figure):
        if figure.is_correction:
            return _("報告所載 %(stated)s，已更正：%(reason)s") % {
                "stated": figure_text(figure, figure.stated_value),
                "reason": figure.correction_reason,
            }
        return figure.source_quote

    def item_link(self, figure):
        return reverse("metrics:series", kwargs={"code": figure.code}) + f"#year-{figure.report.year}"

    def item_pubdate(self, figure):
        return figure.report.released_at or figure.report.published_at or figure.report.release_at

    def item_updateddate(self, figure):
        return figure.corrected_at or self.item_pubdate(figure) or timezone.now()
