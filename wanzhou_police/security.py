"""Security helpers: the client address for login throttling, the production secret-key guard."""

import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

#: The key settings.py falls back to when DJANGO_SECRET_KEY is not set.
DEVELOPMENT_KEY_PREFIX = "django-insecure-"


def require_own_secret_key() -> None:
    """Raise ImproperlyConfigured when serving with HTTPS on but the development key.

    Plain-http local runs (DJANGO_HTTPS=0, as `make run`) and DEBUG may use it.
    """
    if settings.HTTPS and not settings.DEBUG and settings.SECRET_KEY.startswith(DEVELOPMENT_KEY_PREFIX):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set: production needs a long random key of its own "
            "(README, Deploy). For plain http on a laptop set DJANGO_HTTPS=0, as `make run` does."
        )


def client_ip(request) -> str:
    """The client's address for login throttling.

    Behind our own proxy (DJANGO_BEHIND_PROXY=1) every request comes from the
    proxy, so the address is the last hop the proxy appended to X-Forwarded-For;
    otherwise it is REMOTE_ADDR (a client-sent header is never trusted).
    """
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.BEHIND_PROXY:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    elif forwarded:
        # Behind a proxy every client shares the proxy's address, so one person's failed
        # logins would lock everyone out: say so where the operators will look.
        logger.warning("X-Forwarded-For received but DJANGO_BEHIND_PROXY is off; throttling by REMOTE_ADDR")
    return request.META.get("REMOTE_ADDR", "")
