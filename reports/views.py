"""Portal pages: thin views over ``reports.selectors`` (CONVENTIONS 1).

The overview and section bodies are rendered once per content revision and
variant and then served from the cache (``reports.caching``); only the page
shell (navigation, login state) is rendered per request.
"""

import copy

from django.contrib.auth.decorators import permission_required
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.html import strip_spaces_between_tags
from django.utils.safestring import mark_safe
from django_tables2 import RequestConfig

from metrics.filters import explorer_query
from metrics.tables import SectionFigureTable
from reports import selectors
from reports.caching import cached
from reports.models import Report
from reports.roles import BROWSE_PERMISSION, EXPORT_PERMISSION

#: Every portal page: logged in (LoginRequiredMiddleware) and allowed to browse, else 403.
browse_required = permission_required(BROWSE_PERMISSION, raise_exception=True)

EDIT_FIGURE_PERMISSION = "metrics.change_figure"


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


def render_body(template_name: str, context: dict, request) -> str:
    """Render a cached page body without the whitespace between tags.

    Done once per cache fill, it more than halves a large section's bytes, which
    every later request would otherwise copy and send.
    """
    html = render_to_string(template_name, context, request)
    # The template output is already escaped; removing whitespace between tags keeps it so.
    return mark_safe(strip_spaces_between_tags(html))


def report_navigation(report: Report, section=None) -> str:
    """The year switch and section links for a page of ``report``, as HTML for the page cache."""
    context = {"nav_reports": selectors.navigation_reports(), "report": report, "section": section}
    return render_to_string("includes/_report_nav.html", context)


@browse_required
def report_overview(request, year: int):
    def build() -> dict:
        overview = selectors.report_overview(year=year)
        context = {"overview": overview, "report": overview.report}
        return {
            "body": render_body("includes/_overview_body.html", context, request),
            "report_nav": report_navigation(overview.report),
            "report": overview.report,
        }

    content = cached(("overview", year), build)
    return render(
        request,
        "reports/report_page.html",
        {**content, "source": selectors.report_source(content["report"])},
    )


def section_sort(request) -> str:
    """The ``?sort=`` of the section table if it names a sortable column (``-`` for descending), else ''."""
    requested = request.GET.get("sort", "")
    column = requested.removeprefix("-")
    # A column's ``orderable`` is None when it follows the table's default (sortable).
    sortable = {name for name, spec in SectionFigureTable.base_columns.items() if spec.orderable is not False}
    return requested if column in sortable else ""


@browse_required
def section_detail(request, year: int, slug: str):
    sort = section_sort(request)
    can_export = request.user.has_perm(EXPORT_PERMISSION)
    can_edit = request.user.is_staff and request.user.has_perm(EDIT_FIGURE_PERMISSION)

    def build() -> dict:
        page = selectors.section_page(year=year, slug=slug)
        table = SectionFigureTable(page.figures, exclude=() if can_edit else ("history",))
        # The table's sort links are built from the query string: give it only the
        # validated sort, so a cached body never carries another visitor's parameters.
        clean_request = copy.copy(request)
        clean_request.GET = QueryDict(mutable=True)
        if sort:
            clean_request.GET["sort"] = sort
        # A section holds at most a few hundred figures: one unpaginated, sortable table.
        RequestConfig(clean_request, paginate=False).configure(table)
        context = {
            "page": page,
            "report": page.report,
            "table": table,
            "explorer_query": explorer_query(year=page.report.year, section=page.section.slug),
        }
        return {
            "body": render_body("includes/_section_body.html", context, clean_request),
            "report_nav": report_navigation(page.report, page.section),
            "report": page.report,
            "section": page.section,
        }

    content = cached(("section", year, slug, sort, can_export, can_edit), build)
    return render(
        request,
        "reports/report_page.html",
        {**content, "source": selectors.report_source(content["report"])},
    )
