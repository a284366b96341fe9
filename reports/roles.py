"""The portal's roles: which permissions each group holds (applied by ``setup_roles``).

Browsing needs ``reports.view_report``; exporting needs ``metrics.export_figure``;
the admin needs the change permissions and ``is_staff`` on the account. No role
holds any ``auth`` permission: only superusers manage users.
"""

BROWSE = (
    "reports.view_report",
    "reports.view_section",
    "reports.view_notablecase",
    "reports.view_nameditem",
    "metrics.view_figure",
)
EXPORT = ("metrics.export_figure",)
EDIT = tuple(
    f"{app}.{action}_{model}"
    for app, model in (
        ("reports", "report"),
        ("reports", "section"),
        ("reports", "notablecase"),
        ("reports", "nameditem"),
        ("metrics", "figure"),
    )
    for action in ("add", "change", "delete")
)

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "viewer": BROWSE,
    "analyst": BROWSE + EXPORT,
    "editor": BROWSE + EXPORT + EDIT,
}

#: The permission every portal page checks.
BROWSE_PERMISSION = "reports.view_report"
EXPORT_PERMISSION = "metrics.export_figure"
