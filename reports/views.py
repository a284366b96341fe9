"""The entry pages: the newest report and the list of every year.

The report pages themselves show figures, so they are ``metrics`` views.
"""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render

from common.roles import BROWSE_PERMISSION
from reports import selectors
from reports.models import Report

#: Every portal page: logged in (LoginRequiredMiddleware) and allowed to browse, else 403.
browse_required = permission_required(BROWSE_PERMISSION, raise_exception=True)


@browse_required
def home(request):
    """Redirect to the newest published report; with none published yet, say so."""
    newest = Report.objects.published().newest()
    if newest is None:
        return render(request, "reports/no_reports.html")
    return redirect(newest)


@browse_required
def report_list(request):
    return render(request, "reports/report_list.html", {"reports": selectors.report_list()})
