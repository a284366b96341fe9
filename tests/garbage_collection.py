"""The test processes' garbage collector: frozen after collection, and its youngest generation collected less often.

By the time the tests are collected, a process holds Django, the apps, every test module and the compiled
templates: objects that live as long as the process. ``gc.freeze()`` moves them out of the collector's way,
so an oldest-generation collection no longer walks them again. The youngest generation is collected every
10,000 allocations net of frees instead of 700: in ``tests/wanzhou_police/test_admin_fuzz.py`` with
``tests/metrics/test_admin.py``, the collector's time went from 5.0 s (gen0 0.6, gen1 0.7, gen2 3.7) to 2.1 s
of 55-58 s, and every peak the memory tests trace stayed within 0.1 MiB (bench/suite-time.md). Cycles of
garbage wait a little longer for collection; nothing in the tests depends on when they go.
"""

import gc

import pytest

#: Allocations between collections of the youngest generation, then collections of each younger generation
#: between collections of the next (Python's defaults: 700, 10, 10).
THRESHOLDS = (10_000, 20, 20)


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session):
    """Freeze what the process holds once its tests are collected, and collect the young less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
