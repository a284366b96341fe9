"""The production settings for the fault tests' gunicorn, with static files from the finders and test-only URLs.

Everything else (database, cache, sessions, error pages) comes from
wanzhou_police.settings and the environment the test gives the server, so the
server fails exactly as production would. Only collectstatic's manifest, which
a test run does not build, is replaced by the finders, and the URLs add the
time-limit tests' slow views (fault_urls.py), which no production URL reaches.
"""

from wanzhou_police.settings import *  # noqa: F403

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_USE_FINDERS = True

# The portal's URLs and a few test-only views that run too long (the time-limit tests).
ROOT_URLCONF = "tests.wanzhou_police.fault_urls"
