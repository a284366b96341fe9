"""The API's objects as JSON. Figures are the export's rows: the same keys in the same order."""

from django.urls import reverse
from rest_framework import serializers

from common.languages import localized

NUMBER = {"max_digits": None, "decimal_places": None, "coerce_to_string": False}


class FigureRowSerializer(serializers.Serializer):
    """One row of ``metrics.export``: ``EXPORT_COLUMNS`` in order; numbers as JSON numbers, empty text null."""

    report_year = serializers.IntegerField()
    agency = serializers.CharField()
    section = serializers.CharField()
    metric_code = serializers.CharField()
    metric_name = serializers.CharField()
    value = serializers.DecimalField(**NUMBER)
    unit = serializers.CharField()
    qualifier = serializers.ChoiceField(choices=("exact", "approx", "over"))
    source_paragraph = serializers.IntegerField()
    source_quote = serializers.CharField()
    stated_value = serializers.DecimalField(**NUMBER)
    correction = serializers.CharField(allow_null=True)
    previous_value = serializers.DecimalField(allow_null=True, **NUMBER)
    change = serializers.DecimalField(allow_null=True, **NUMBER)


class FigurePageSerializer(serializers.Serializer):
    """A page of figures: ``next`` is the URL of the page after (null on the last), ``results`` the rows."""

    next = serializers.URLField(allow_null=True)
    results = FigureRowSerializer(many=True)


class SectionRefSerializer(serializers.Serializer):
    year = serializers.IntegerField(source="report.year")
    slug = serializers.CharField()
    heading = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def get_heading(self, section) -> str:
        return localized(section, "heading")

    def get_url(self, section) -> str:
        request = self.context["request"]
        return request.build_absolute_uri(
            reverse("api:section", kwargs={"year": section.report.year, "slug": section.slug})
        )


class SectionSerializer(SectionRefSerializer):
    """A section: its heading and summary in the request's language, its topic and that topic in every year."""

    position = serializers.IntegerField()
    topic = serializers.CharField(allow_null=True)
    summary = serializers.SerializerMethodField()
    source_paragraph = serializers.IntegerField()
    figures_url = serializers.SerializerMethodField()
    topic_across_years = serializers.SerializerMethodField()

    def get_summary(self, section) -> str:
        return localized(section, "summary")

    def get_figures_url(self, section) -> str:
        request = self.context["request"]
        return (
            request.build_absolute_uri(reverse("api:figures")) + f"?year={section.report.year}&section={section.topic}"
        )

    def get_topic_across_years(self, section) -> list[dict]:
        return SectionRefSerializer(self.context.get("across", [section]), many=True, context=self.context).data


class ReportSerializer(serializers.Serializer):
    """A report: the year is its identifier; ``published`` is false only for drafts, which editors alone see."""

    year = serializers.IntegerField()
    title = serializers.SerializerMethodField()
    agency = serializers.SerializerMethodField()
    published = serializers.BooleanField()
    source_name = serializers.CharField()
    url = serializers.SerializerMethodField()
    sections = SectionRefSerializer(many=True, source="sections.all")

    def get_title(self, report) -> str:
        return localized(report, "title")

    def get_agency(self, report) -> str:
        return localized(report, "agency")

    def get_url(self, report) -> str:
        return self.context["request"].build_absolute_uri(reverse("api:report", kwargs={"year": report.year}))
