"""The search page's own work, without HTTP: the counts, a page of 20 and its rendering into results.

    DATABASE_URL=… .venv/bin/python manage.py shell --no-imports -c "exec(open('bench/search_inprocess.py').read())"

Same queries as bench/search_bench.py; 30 timed runs each after 3 unmeasured, one at a time, as an editor
(no published filter) would not: as a viewer. Prints a markdown table.
"""

import statistics
import sys
import time
from pathlib import Path

from django.contrib.auth.models import User
from django.db import connection

from search.results import result
from search.selectors import PAGE_SIZE, search_results
from search.text import normalise

sys.path.insert(0, str(Path("bench").resolve()))
from search_bench import QUERIES, percentile  # noqa: E402

viewer = User.objects.get(username="search_viewer")
print(f"| {connection.vendor}: query | characters | results | p50 ms | p95 ms |")
print("|---|---:|---:|---:|---:|")
for label, query in QUERIES:
    if not query:
        continue
    needle = normalise(query)
    times, total = [], 0
    for run in range(33):
        start = time.perf_counter()
        found = search_results(needle=needle, user=viewer, years=[], kind="", page=1)
        rows = [result(entry, needle) for entry in found.entries]
        if run >= 3:
            times.append((time.perf_counter() - start) * 1000)
        total = found.facets.total
    assert len(rows) == min(PAGE_SIZE, total)
    print(f"| {label} | {len(query)} | {total} | {statistics.median(times):.1f} | {percentile(times, 0.95):.1f} |")
