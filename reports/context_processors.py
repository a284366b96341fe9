"""Template context shared by every page: the report-year switch and section links."""

from django.utils.functional import SimpleLazyObject

from common.caching import cached
from common.roles import SEE_DRAFTS_PERMISSION
from reports.models import ContentRevision
from reports.selectors import navigation_reports


def report_navigation(request):
    """Expose ``nav_reports`` (every report with its sections, drafts too for editors) to the navigation include.

        Lazy: read only when a template shows the navigation, then cached per content revision like
        the pages, and per whether it holds drafts, so an editor's never reaches anyone else, and per whether the
    reader is logged in (public mode's anonymous readers have their own entries). The one
        path by which any page gets its navigation.
    """

    def build():
        drafts = request.user.has_perm(SEE_DRAFTS_PERMISSION)
        return cached(
            ("navigation", drafts, request.user.is_authenticated),
            lambda: navigation_reports(drafts=drafts),
            revision=ContentRevision.current(),
        )

    return {"nav_reports": SimpleLazyObject(build)}
