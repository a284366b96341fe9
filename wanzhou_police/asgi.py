"""The ASGI application, for an ASGI server; the same secret-key guard as wsgi.py."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wanzhou_police.settings")

application = get_asgi_application()

from wanzhou_police.security import require_own_secret_key  # noqa: E402  (needs settings loaded)

require_own_secret_key()
