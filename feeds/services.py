"""Writes of feed tokens: made (shown once) and revoked."""

import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from feeds.models import MAX_ACTIVE_TOKENS, FeedToken


@transaction.atomic
def create_token(*, user, label: str) -> tuple[FeedToken, str]:
    """A new token of ``user`` and its secret, which is never stored and so is shown only this once.

    Raises ValidationError when ``user`` already holds ``MAX_ACTIVE_TOKENS`` tokens not revoked. The
    account's row is locked, so two requests at once cannot pass the bound together.
    """
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if FeedToken.objects.active().filter(user=user).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            _("最多只能有 %(limit)s 個有效的訂閱金鑰：請先撤銷不用的。") % {"limit": MAX_ACTIVE_TOKENS},
            code="too_many",
        )
    secret = secrets.token_urlsafe(32)
    token = FeedToken.objects.create(user=user, label=label.strip(), digest=FeedToken.digest_of(secret))
    return token, secret


def revoke_token(*, user, pk: int) -> bool:
    """Revoke ``user``'s token ``pk``; False when ``user`` holds no such token not yet revoked (another's is never
    touched)."""
    return bool(FeedToken.objects.active().filter(user=user, pk=pk).update(revoked_at=timezone.now()))
