"""The WSGI application gunicorn serves (`make serve`, wanzhou_police/gunicorn.conf.py).

It refuses to start in production (HTTPS on) with the development secret key, so a
forgotten DJANGO_SECRET_KEY can never let anyone who has the repository forge sessions.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wanzhou_police.settings")

application = get_wsgi_application()

from wanzhou_police.security import require_own_secret_key  # noqa: E402  (needs settings loaded)

require_own_secret_key()
