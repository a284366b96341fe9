"""The sitemap of what anyone may read in public mode: the released reports, their sections and texts, every
metric page and the release calendar, in each language. Served only in public mode (``feeds.views``)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from metrics.models import Figure
from reports.models import Report, Section, SourceText, released


class PortalSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class ReportSitemap(PortalSitemap):
    def items(self):
        return Report.objects.published().order_by("year")

    def lastmod(self, report):
        return report.released_at


class SectionSitemap(PortalSitemap):
    def items(self):
        return (
            Section.objects.filter(released("report__")).select_related("report").order_by("report__year", "position")
        )


class TextSitemap(PortalSitemap):
    def items(self):
        return list(
            SourceText.objects.filter(released("report__"))
            .order_by("report__year")
            .values_list("report__year", flat=True)
        )

    def location(self, year):
        return reverse("metrics:text", kwargs={"year": year})


class MetricSitemap(PortalSitemap):
    def items(self):
        return list(
            Figure.objects.filter(released("report__")).order_by("code").values_list("code", flat=True).distinct()
        )

    def location(self, code):
        return reverse("metrics:series", kwargs={"code": code})


class CalendarSitemap(PortalSitemap):
    def items(self):
        return ["releases", "metrics:revisions"]

    def location(self, name):
        return reverse(name)


#: Every public page kind (the release calendar's entry also names the record of revisions, ``/revisions/``).
SITEMAPS = {
    "reports": ReportSitemap,
    "sections": SectionSitemap,
    "texts": TextSitemap,
    "metrics": MetricSitemap,
    "calendar": CalendarSitemap,
}
