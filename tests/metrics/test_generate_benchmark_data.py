import pytest
from django.core.management import CommandError, call_command

from metrics.management.commands.generate_benchmark_data import SYNTHETIC_MARK
from metrics.models import Figure
from reports.models import Report

pytestmark = pytest.mark.django_db


def test_generate_benchmark_data_refuses_a_database_with_a_real_report(report_2021):
    with pytest.raises(CommandError, match="holds real reports \\(2021\\)"):
        call_command("generate_benchmark_data", years=2, figures_per_section=5)
    assert Report.objects.count() == 1
    assert Figure.objects.filter(report=report_2021).count() == 54


def test_generate_benchmark_data_creates_marked_reports_with_the_requested_size():
    call_command("generate_benchmark_data", years=3, figures_per_section=40)
    reports = Report.objects.all()
    assert reports.count() == 3
    assert all(SYNTHETIC_MARK in report.title for report in reports)
    assert Figure.objects.count() == 3 * 3 * 40
    assert not Figure.objects.filter(unit="%", value__gt=100).exists()


def test_generate_benchmark_data_with_force_leaves_the_real_report_untouched(report_2021):
    before = list(Figure.objects.filter(report=report_2021).values_list("code", "value"))
    call_command("generate_benchmark_data", years=2, figures_per_section=10, force=True)
    call_command("generate_benchmark_data", years=2, figures_per_section=10, force=True)
    assert list(Figure.objects.filter(report=report_2021).values_list("code", "value")) == before
    assert Report.objects.filter(title__contains=SYNTHETIC_MARK).count() == 2


def test_generate_benchmark_data_synthetic_section_page_draws_charts(viewer_client):
    call_command("generate_benchmark_data", years=1, figures_per_section=60)
    year = Report.objects.get().year
    html = viewer_client.get(f"/reports/{year}/mediation/").content.decode()
    # Synthetic units vary figure by figure, so most specs show as number tiles; every spec is shown.
    assert html.count('<figure class="chart chart-') == 6
    assert html.count("data-chart-payload=") >= 1
