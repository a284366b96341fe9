from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("工作報告")

    def ready(self):
        from metrics.models import Figure
        from reports.caching import bump_revision
        from reports.models import NamedItem, NotableCase, Report, Section

        for model in (Report, Section, NotableCase, NamedItem, Figure):
            post_save.connect(bump_revision, sender=model, dispatch_uid=f"bump-revision-save-{model.__name__}")
            post_delete.connect(bump_revision, sender=model, dispatch_uid=f"bump-revision-delete-{model.__name__}")
