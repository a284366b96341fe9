from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("工作報告")

    def ready(self):
        """Any save or delete of the document's parts (its attached text too) makes every cached page stale."""
        from reports.models import ContentRevision, NamedItem, NotableCase, Report, Section, SourceText

        for model in (Report, Section, NotableCase, NamedItem, SourceText):
            post_save.connect(ContentRevision.bump, sender=model, dispatch_uid=f"bump-revision-save-{model.__name__}")
            post_delete.connect(
                ContentRevision.bump, sender=model, dispatch_uid=f"bump-revision-delete-{model.__name__}"
            )
