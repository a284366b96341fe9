from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "search"
    verbose_name = _("搜尋")

    def ready(self):
        """Index the report's document from now on; ``metrics.apps`` registers the figures."""
        from search.indexing import register_document_sources

        register_document_sources()
