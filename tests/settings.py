"""Test settings: the real settings with a fast password hasher and a private cache.

Everything else, the database included, comes from the environment exactly as
in production, so `DATABASE_URL=postgres://… make test` runs on PostgreSQL.
"""

from wanzhou_police.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
