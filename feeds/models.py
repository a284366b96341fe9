"""A reader's personal feed token: what lets a feed reader, which cannot log in, read the feeds as that reader."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: How many tokens one account may hold at once (revoked ones do not count): a bound we chose.
MAX_ACTIVE_TOKENS = 10


class FeedTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class FeedToken(models.Model):
    """One token of one account. Only its SHA-256 is stored: the token itself is shown once, when it is made
    (``feeds.services.create_token``), and cannot be read back. A revoked token opens nothing."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_tokens", verbose_name=_("帳號")
    )
    label = models.CharField(_("名稱"), max_length=60, help_text=_("自己記得的名稱，例如閱讀器的名字。"))
    digest = models.CharField(_("SHA-256 摘要"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("建立時間"), default=timezone.now)
    revoked_at = models.DateTimeField(_("撤銷時間"), null=True, blank=True)

    objects = FeedTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("訂閱金鑰")
        verbose_name_plural = _("訂閱金鑰")
        constraints = [
            models.CheckConstraint(condition=Q(digest__regex=r"^[0-9a-f]{64}$"), name="feed_token_digest_sha256"),
        ]

    def __str__(self):
        return f"{self.user} {self.label}"

    @staticmethod
    def digest_of(token: str) -> str:
        """The stored form of ``token``: its SHA-256 in hex. A fast hash suffices for a random 256-bit token."""
        return hashlib.sha256(token.encode("utf-8")).hexdigest()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
