"""Writes of API tokens: made (the secret returned once), revoked, marked used."""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from api.models import PREFIX_LENGTH, ApiToken

#: Every secret starts so, which makes a leaked one easy to recognise in logs and code.
SECRET_PREFIX = "wzk_"

#: A token's last use is written at most this often: one write per burst of requests, not one each.
LAST_USED_PRECISION = timedelta(minutes=1)


def digest_of(secret: str) -> str:
    """The stored form of a secret: its SHA-256 in hex (the secret is random, so no salt is needed)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@transaction.atomic
def create_token(*, user, name: str, days: int) -> tuple[ApiToken, str]:
    """A new token of ``user`` named ``name`` that expires in ``days`` days, and its secret (shown once)."""
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[:PREFIX_LENGTH],
        digest=digest_of(secret),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    return token, secret


@transaction.atomic
def revoke_token(*, user, token_id: int) -> bool:
    """Revoke ``user``'s token ``token_id``; False when the user has no such token still unrevoked."""
    return bool(
        ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).update(revoked_at=timezone.now())
    )


def mark_used(*, token: ApiToken) -> None:
    """Record that ``token`` was used now; one UPDATE, skipped when it was recorded less than a minute ago."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
