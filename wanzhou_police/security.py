"""Request helpers for security features."""

from django.conf import settings


def client_ip(request) -> str:
    """The client's address for login throttling.

    Behind our own proxy (DJANGO_BEHIND_PROXY=1) every request comes from the
    proxy, so the address is the last hop the proxy appended to X-Forwarded-For;
    otherwise it is REMOTE_ADDR (a client-sent header is never trusted).
    """
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR", "")
