"""Portal pages: thin views over ``reports.selectors`` (CONVENTIONS 1)."""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render
from django_tables2 import RequestConfig

from metrics.filters import explorer_query
from metrics.tables import SectionFigureTable
from reports import selectors
from reports.models import Report
from reports.roles import BROWSE_PERMISSION

#: Every portal page: logged in (LoginRequiredMiddleware) and allowed to browse, else 403.
browse_required = permission_required(BROWSE_PERMISSION, raise_exception=True)


@browse_required
def home(request):
    """Redirect to the newest report; with no report loaded yet, say so."""
    latest = Report.objects.latest_published()
    if latest is None:
        return render(request, "reports/no_reports.html")
    return redirect(latest)


@browse_required
def report_list(request):
    reports = Report.objects.order_by("-year")
    return render(request, "reports/report_list.html", {"reports": reports})


@browse_required
def report_overview(request, year: int):
    overview = selectors.report_overview(year=year)
    return render(
        request,
        "reports/report_overview.html",
        {"overview": overview, "report": overview.report, "source": selectors.report_source(overview.report)},
    )


@browse_required
def section_detail(request, year: int, slug: str):
    page = selectors.section_page(year=year, slug=slug)
    table = SectionFigureTable(page.figures)
    # A section holds at most a few hundred figures: one unpaginated, sortable table.
    RequestConfig(request, paginate=False).configure(table)
    return render(
        request,
        "reports/section_detail.html",
        {
            "page": page,
            "report": page.report,
            "table": table,
            "source": selectors.report_source(page.report),
            "explorer_query": explorer_query(year=page.report.year, section=page.section.slug),
        },
    )
