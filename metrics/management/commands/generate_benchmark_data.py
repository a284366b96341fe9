"""Create synthetic reports for benchmarks: many years, many figures per section.

Synthetic reports carry ``SYNTHETIC_MARK`` in their title so nobody mistakes
them for the bureau's; they use years before 1990, where no real report is.
The command refuses to touch a database that holds a real report unless
``--force`` is given. It is never used to build a fixture.
"""

from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from metrics.charts.specs import SECTION_CHARTS
from metrics.choices import Qualifier, Unit
from metrics.models import Figure
from reports.choices import SectionSlug
from reports.models import Report, Section

SYNTHETIC_MARK = "【合成基準測試數據，非真實報告】"
FIRST_YEAR = 1950
LAST_YEAR = 1989
BATCH_SIZE = 2000
COUNT_UNITS = (Unit.QI, Unit.JIAN, Unit.REN, Unit.GE, Unit.CI)
QUALIFIER_CYCLE = (Qualifier.EXACT,) * 8 + (Qualifier.APPROX, Qualifier.OVER)


def real_reports():
    """Reports that are not synthetic (their title lacks SYNTHETIC_MARK)."""
    return Report.objects.exclude(title__contains=SYNTHETIC_MARK)


def synthetic_figures(report: Report, section: Section, count: int):
    """``count`` figures for one section: the chart codes first (so pages draw charts), then filler.

    Values are deterministic; codes containing "rate" are percentages below 100.
    """
    chart_codes = [code for spec in SECTION_CHARTS.get(section.topic, ()) for code in spec.codes]
    fillers = (f"{section.topic}.synthetic_{index:05d}" for index in range(count - len(chart_codes)))
    codes = chart_codes[:count] + list(fillers)
    for position, code in enumerate(codes, start=1):
        seed = report.year * 7919 + section.position * 104729 + position * 31
        is_rate = "rate" in code
        yield Figure(
            report=report,
            section=section,
            code=code,
            name=f"合成指標 {position}",
            theme=f"合成主題 {position % 7 + 1}",
            headline=position <= 4,
            value=Decimal(seed % 10000) / 100 if is_rate else Decimal(seed % 50000 + 10),
            unit_id=Unit.PERCENT if is_rate else COUNT_UNITS[position % len(COUNT_UNITS)],
            qualifier=QUALIFIER_CYCLE[position % len(QUALIFIER_CYCLE)],
            source_paragraph=position % 20 + 1,
            source_quote=f"合成引句 {position}",
            position=position,
        )


class Command(BaseCommand):
    help = (
        "Create synthetic reports (clearly marked) for benchmarks. Refuses a database with real reports unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--years", type=int, required=True, help=f"how many synthetic years (1–{LAST_YEAR - FIRST_YEAR + 1})"
        )
        parser.add_argument(
            "--figures-per-section", type=int, required=True, help="figures in each of the three sections"
        )
        parser.add_argument("--force", action="store_true", help="run even though the database holds a real report")

    def handle(self, *args, years, figures_per_section, force, **options):
        if not 1 <= years <= LAST_YEAR - FIRST_YEAR + 1:
            raise CommandError(f"--years must be between 1 and {LAST_YEAR - FIRST_YEAR + 1}.")
        if figures_per_section < 1:
            raise CommandError("--figures-per-section must be at least 1.")
        real = list(real_reports().values_list("year", flat=True))
        if real and not force:
            raise CommandError(
                f"This database holds real reports ({', '.join(map(str, sorted(real)))}). "
                "Use a separate benchmark database, or pass --force to add synthetic reports beside them."
            )
        target_years = range(LAST_YEAR - years + 1, LAST_YEAR + 1)
        with transaction.atomic():
            Report.objects.filter(year__in=target_years, title__contains=SYNTHETIC_MARK).delete()
            if Report.objects.filter(year__in=target_years).exists():
                raise CommandError(f"Years {target_years.start}–{target_years.stop - 1} are taken by real reports.")
            for year in target_years:
                self._create_report(year, figures_per_section)
        total = years * len(SectionSlug) * figures_per_section
        self.stdout.write(f"Created {years} synthetic reports ({target_years.start}–{LAST_YEAR}), {total} figures.")

    def _create_report(self, year: int, figures_per_section: int) -> None:
        report = Report.objects.create(
            year=year, title=f"{year}年工作綜述{SYNTHETIC_MARK}", agency="基準測試", summary=SYNTHETIC_MARK
        )
        for position, (slug, label) in enumerate(SectionSlug.choices, start=1):
            section = Section.objects.create(
                report=report,
                slug=slug,
                topic=slug,
                position=position,
                heading=f"{label}{SYNTHETIC_MARK}",
                source_paragraph=position,
            )
            Figure.objects.bulk_create(synthetic_figures(report, section, figures_per_section), batch_size=BATCH_SIZE)
