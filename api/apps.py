from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = _("數據介面")

    def ready(self):
        # Registers the schema extension that describes our token authentication.
        from api import schema  # noqa: F401
