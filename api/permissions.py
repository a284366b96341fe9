"""Who may read the API: anyone who may browse the portal; bulk rows (CSV, XLSX, bundles) need the export permission."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from common.roles import BROWSE_PERMISSION, EXPORT_PERMISSION

#: Formats that hand out every matching row at once, as the web export does.
BULK_FORMATS = frozenset({"csv", "xlsx", "zip"})


class ReadsPortal(BasePermission):
    """Read-only, for a signed-in user (token or session) who may browse the reports; bulk formats need export."""

    def has_permission(self, request, view):
        user = request.user
        if request.method not in SAFE_METHODS or not (user and user.is_authenticated):
            return False
        if not user.has_perm(BROWSE_PERMISSION):
            return False
        renderer = getattr(request, "accepted_renderer", None)
        bulk = getattr(view, "export_formats", BULK_FORMATS)
        if getattr(view, "always_bulk", False) or (renderer is not None and renderer.format in bulk):
            return user.has_perm(EXPORT_PERMISSION)
        return True
