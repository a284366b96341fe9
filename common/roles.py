"""The portal's roles and the permission names every view, template and command uses.

Browsing needs ``reports.view_report``; exporting needs ``metrics.export_figure``;
the admin needs the change permissions and ``is_staff`` on the account. No role
holds any ``auth`` permission: only superusers manage users. ``setup_roles``
applies ``ROLE_PERMISSIONS`` to the groups of the same names.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

BROWSE_PERMISSION = "reports.view_report"
EXPORT_PERMISSION = "metrics.export_figure"
#: The query parameter that turns a figure table into a download (``?_export=csv``), which needs
#: ``EXPORT_PERMISSION``; a language link never repeats it.
EXPORT_PARAMETER = "_export"
EDIT_FIGURE_PERMISSION = "metrics.change_figure"
#: Editors see draft reports (imported, not yet published) on the portal pages too.
SEE_DRAFTS_PERMISSION = "reports.change_report"
#: Approvers approve or return what an editor proposes to change on what the public sees.
APPROVE_PERMISSION = "metrics.approve_proposal"
#: Who may read proposals in the admin: approvers, and editors (to see what was returned to them and why).
VIEW_PROPOSALS_PERMISSION = "metrics.view_proposal"

BROWSE = (
    BROWSE_PERMISSION,
    "reports.view_section",
    "reports.view_notablecase",
    "reports.view_nameditem",
    "metrics.view_figure",
)
EXPORT = (EXPORT_PERMISSION,)
EDIT = tuple(
    f"{app}.{action}_{model}"
    for app, model in (
        ("reports", "report"),
        ("reports", "section"),
        ("reports", "notablecase"),
        ("reports", "nameditem"),
        ("metrics", "figure"),
        ("metrics", "unit"),
    )
    for action in ("add", "change", "delete")
)

REVIEW = (VIEW_PROPOSALS_PERMISSION, APPROVE_PERMISSION)

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "viewer": BROWSE,
    "analyst": BROWSE + EXPORT,
    "editor": BROWSE + EXPORT + EDIT + (VIEW_PROPOSALS_PERMISSION,),
    # Staff accounts: the admin's list of pending proposals is where they approve or return them.
    "approver": BROWSE + EXPORT + REVIEW,
}

#: What the interface calls each role, lowest first; the admin shows the group names (the keys).
ROLE_LABELS = {"viewer": _("瀏覽者"), "analyst": _("分析員"), "editor": _("編輯"), "approver": _("核准者")}


def public_mode() -> bool:
    """Whether anyone may read the published report without logging in (``settings.PUBLIC_MODE``, off by default).

    Read at each request, so a test's ``override_settings`` takes effect.
    """
    return settings.PUBLIC_MODE


def may_read(user) -> bool:
    """Whether ``user`` (anonymous too) may read what is published: anyone in public mode, else a viewer or above."""
    return public_mode() or user.has_perm(BROWSE_PERMISSION)


def public_page(view):
    """A page of what is published (report, section, metric pages, their chart CSVs, the release calendar):
    open to anyone in public mode; otherwise as every portal page, a login (redirect) and the viewer role (403).

    Drafts, the explorer and its exports, and the admin keep their own permissions whatever the mode.

    The hook for the record of revisions (``/revisions/``): its page takes this decorator to be public in
    public mode, as the release calendar does (and ``feeds.sitemaps.SITEMAPS`` takes an entry for it).
    """

    @login_not_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not public_mode():
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_perm(BROWSE_PERMISSION):
                raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
