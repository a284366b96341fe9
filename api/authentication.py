"""``Authorization: Bearer <secret>``: the token's user, while the token is neither revoked nor expired."""

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from api.models import ApiToken
from api.services import digest_of, mark_used

#: Longer headers are refused before any hashing or query.
MAX_SECRET_LENGTH = 100


class TokenAuthentication(authentication.BaseAuthentication):
    """A personal token in ``Authorization: Bearer …`` (``Token …`` accepted too); 401 when it is not valid.

    No header: not this scheme, so the session (the browsable pages) may authenticate. A user
    made inactive loses every token with the account.
    """

    keywords = ("bearer", "token")

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower().decode("latin-1") not in self.keywords:
            return None
        if len(parts) != 2 or len(parts[1]) > MAX_SECRET_LENGTH:
            raise exceptions.AuthenticationFailed(_("權杖格式不正確。"))
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("權杖格式不正確。")) from None
        token = ApiToken.objects.active().select_related("user").filter(digest=digest_of(secret)).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("權杖無效、已過期或已撤銷。"))
        mark_used(token=token)
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'
