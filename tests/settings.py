"""Test settings: the real settings with a fast password hasher, a private cache and plain http.

Everything else, the database included, comes from the environment exactly as
in production, so `DATABASE_URL=postgres://… make test` runs on PostgreSQL.
The production security settings are checked by tests/wanzhou_police/test_security.py, which
runs `check --deploy` on wanzhou_police.settings itself.
"""

import os

# The test client and the live server speak plain http, as `make run` does.
os.environ["DJANGO_HTTPS"] = "0"

from wanzhou_police.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# `{% static %}` without a collectstatic manifest: tests and the live server use the finders.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405

# Django's test Client.login() authenticates without a request, which django-axes's
# backend refuses; the throttling tests put the backend back with override_settings.
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]

# No collectstatic in tests: WhiteNoise serves from the finders and does not look for STATIC_ROOT.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
