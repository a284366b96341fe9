"""Security helpers: the client address and the throttle for logins, the production secret-key guard."""

import ipaddress
import logging

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Sum

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


def client_ip(request) -> str | None:
    """The client's address for login throttling, as a normalised IP address, or None.

    Behind our own proxy (DJANGO_BEHIND_PROXY=1) every request comes from the
    proxy, so the address is the X-Forwarded-For entry our proxies appended:
    ``settings.PROXY_HOPS`` from the end. Entries before it are whatever the
    client sent and are never read. An entry that is missing or not an IP address
    is ignored and logged, and REMOTE_ADDR is used. Without the proxy setting the
    header is never trusted.
    """
    if settings.BEHIND_PROXY:
        hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        hop = hops[-settings.PROXY_HOPS].strip() if len(hops) >= settings.PROXY_HOPS else ""
        address = _ip_address(hop)
        if address is not None:
            return address
        logger.warning(
            "X-Forwarded-For entry %d from the end is not an IP address, ignored: %r",
            settings.PROXY_HOPS,
            hop[:64],
        )
    elif "HTTP_X_FORWARDED_FOR" in request.META:
        # Behind a proxy every client shares the proxy's address, so one person's failed
        # logins would lock everyone out: say so where the operators will look.
        logger.warning("X-Forwarded-For received but DJANGO_BEHIND_PROXY is off; throttling by REMOTE_ADDR")
    return _ip_address(request.META.get("REMOTE_ADDR", ""))


def _ip_address(text: str) -> str | None:
    """``text`` as a canonical IPv4 or IPv6 address that PostgreSQL's inet stores, or None when it is not one.

    An IPv6 zone id (``fe80::1%eth0``) names an interface on the sender's own host:
    it is dropped, so one address counts as one whatever zone a header claims (and
    PostgreSQL refuses zone ids of 40 characters or more, and NUL). An IPv4-mapped
    IPv6 address (``::ffff:203.0.113.9``) counts as its IPv4 address.
    """
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        address = ipaddress.IPv6Address(address.packed)  # the same 128 bits, without the zone id
        address = address.ipv4_mapped or address
    return str(address)


class LoginThrottle(AxesDatabaseHandler):
    """django-axes's database handler with a second, looser limit per address.

    Axes counts failures per (user name, address) pair (``AXES_LOCKOUT_PARAMETERS``)
    and pauses the pair at ``AXES_FAILURE_LIMIT``: failing logins for someone else's
    name from your address never locks them out anywhere else. This handler also
    pauses an address once its failures for all names together reach
    ``AXES_IP_FAILURE_LIMIT`` within the cool-off time, which stops one address
    from guessing across many accounts.
    """

    def address_failures(self, request) -> int:
        address = getattr(request, "axes_ip_address", None)
        if address is None:
            return 0
        attempts = AccessAttempt.objects.filter(ip_address=address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0

    def address_locked(self, request) -> bool:
        return settings.AXES_LOCK_OUT_AT_FAILURE and self.address_failures(request) >= settings.AXES_IP_FAILURE_LIMIT

    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or self.address_locked(request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        """Record the failure as axes does; the failure that reaches the address limit is refused at once."""
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and not getattr(request, "axes_locked_out", False) and self.address_locked(request):
            logger.warning("login paused for address %s after repeated failures", request.axes_ip_address)
            request.axes_locked_out = True
            request.axes_credentials = credentials
