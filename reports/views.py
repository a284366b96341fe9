"""The home page (the newest report) and the page a refusal shows.

The report pages and the list of every year (a draft's entry counts its open checklist items, which
reads its figures) are ``metrics`` views.
"""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from common.roles import BROWSE_PERMISSION, EXPORT_PARAMETER, EXPORT_PERMISSION, ROLE_LABELS, public_page
from reports.models import Report
from reports.selectors import release_calendar


@public_page
def home(request):
    """Redirect to the newest published report; with none published yet, say so."""
    newest = Report.objects.published().newest()
    if newest is None:
        return render(request, "reports/no_reports.html")
    return redirect(newest)


@public_page
def releases(request):
    """The release calendar: releases announced (title, year, release time) and past releases (also when each was
    released). Not cached: 1 query (``release_calendar``); it changes the moment a release time passes."""
    return render(request, "reports/releases.html", {"calendar": release_calendar(), "now": timezone.now()})


def role_needed(request) -> str | None:
    """The lowest role (a ``ROLE_LABELS`` key) that opens what ``request`` asks for; None if it does not tell.

    Browsing anything needs a viewer; a download (``?_export=``) an analyst; an
    admin page an editor.
    """
    user = request.user
    if not user.has_perm(BROWSE_PERMISSION):
        return "viewer"
    if EXPORT_PARAMETER in request.GET and not user.has_perm(EXPORT_PERMISSION):
        return "analyst"
    if request.path.startswith(reverse("admin:index")):
        return "editor"
    return None


def permission_denied(request, exception=None):
    """``handler403``: a 403 that names the role the page needs, who grants it, and a way back.

    A logged-in account that may not even browse (no role yet, or its role was
    taken away) gets the "no role yet" page instead, also with status 403.
    """
    user = request.user
    context = {"username": user.get_username(), "roles": ROLE_LABELS}
    if user.is_authenticated and not user.has_perm(BROWSE_PERMISSION):
        return render(request, "reports/no_role.html", context, status=403)
    role = role_needed(request)
    back_url = None
    if role == "analyst":
        query = request.GET.copy()
        query.pop(EXPORT_PARAMETER)
        back_url = f"{request.path}?{query.urlencode()}" if query else request.path
    current = [ROLE_LABELS[name] for name in user.groups.values_list("name", flat=True) if name in ROLE_LABELS]
    context |= {
        "role": role,
        "role_label": ROLE_LABELS.get(role),
        "current_roles": current,
        "back_url": back_url,
    }
    return render(request, "403.html", context, status=403)
