"""Personal API tokens: named, expiring, revocable, stored as a SHA-256 digest only.

The secret is shown to its owner once, when it is made (``api.services.create_token``);
the database keeps ``prefix`` (to tell tokens apart on the page and to find the row)
and ``digest``. A token answers for its user's permissions as they are at each request.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: Characters of the secret kept in clear, so the owner can tell tokens apart.
PREFIX_LENGTH = 8


class ApiTokenQuerySet(models.QuerySet):
    def active(self, now=None):
        """Tokens not revoked and not yet expired at ``now``."""
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("使用者")
    )
    name = models.CharField(_("名稱"), max_length=100)
    prefix = models.CharField(_("前綴"), max_length=PREFIX_LENGTH, db_index=True)
    digest = models.CharField(_("雜湊值"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("建立時間"), default=timezone.now)
    expires_at = models.DateTimeField(_("到期時間"))
    last_used_at = models.DateTimeField(_("最後使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤銷時間"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API 權杖")
        verbose_name_plural = _("API 權杖")
        ordering = ("-created_at", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="api_token_expires_after_creation"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
