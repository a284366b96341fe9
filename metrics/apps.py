from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "metrics"
    verbose_name = _("數據與單位")

    def ready(self):
        """Any save or delete of a figure makes every cached page stale, and rewrites its search entry."""
        from metrics.indexing import register_figures
        from metrics.models import Figure
        from reports.models import ContentRevision

        post_save.connect(ContentRevision.bump, sender=Figure, dispatch_uid="bump-revision-save-Figure")
        post_delete.connect(ContentRevision.bump, sender=Figure, dispatch_uid="bump-revision-delete-Figure")
        register_figures()
