# Run with `manage.py shell < bench/count_queries.py` and BENCH_PATHS="path path ...".
# Prints "QUERIES <path> <cold> <warm>": SQL queries of a first (cache-cold) and a second request.
import os

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

client = Client(HTTP_HOST="127.0.0.1")
client.force_login(get_user_model().objects.get(username=os.environ.get("BENCH_USER", "bench")))
cache.clear()
for path in os.environ["BENCH_PATHS"].split():
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            status = client.get(path).status_code
        assert status == 200, (path, status)
        counts.append(len(queries.captured_queries))
    print("QUERIES", path, *counts)
