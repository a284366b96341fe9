from django.apps import AppConfig
from django.core.signals import request_started
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("工作報告")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group, Permission

        from metrics.models import Figure
        from reports.caching import bump_access_revision, bump_revision, forget_revisions
        from reports.models import NamedItem, NotableCase, Report, Section

        request_started.connect(forget_revisions, dispatch_uid="forget-revisions")
        for model in (Report, Section, NotableCase, NamedItem, Figure):
            post_save.connect(bump_revision, sender=model, dispatch_uid=f"bump-revision-save-{model.__name__}")
            post_delete.connect(bump_revision, sender=model, dispatch_uid=f"bump-revision-delete-{model.__name__}")

        user = get_user_model()
        for model in (user, Group, Permission):
            post_save.connect(bump_access_revision, sender=model, dispatch_uid=f"bump-access-save-{model.__name__}")
            post_delete.connect(bump_access_revision, sender=model, dispatch_uid=f"bump-access-delete-{model.__name__}")
        for through in (user.groups.through, user.user_permissions.through, Group.permissions.through):
            m2m_changed.connect(
                bump_access_revision, sender=through, dispatch_uid=f"bump-access-m2m-{through.__name__}"
            )
