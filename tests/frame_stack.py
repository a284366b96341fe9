"""Each test runs above one large frame, so CPython 3.11 stops mapping and unmapping its frame stack.

CPython 3.11 keeps a thread's Python frames in 16 KB chunks it maps with ``mmap``, and unmaps a chunk as
soon as the frame that opened it returns. A deep call (a template rendering an admin widget) that keeps
crossing a chunk's edge maps and unmaps it again each time: ``tests/metrics/test_admin.py`` made 555,000
``mmap`` and as many ``munmap`` calls, about an eighth of its time in the kernel
(python/cpython#142183, fixed in 3.13 by keeping a spare chunk; not in 3.11, which this project is fixed on).

A frame too large for the current chunk gets a chunk of its own, rounded up to a power of two: a frame of
``SLOTS`` unused value-stack slots (512 KB) opens a 1 MB chunk, and the test's own frames fit in the other
half. Stack slots, not locals: whatever reads a frame's ``f_locals`` (Playwright does on each of its calls,
to name the caller) would otherwise copy 65,536 empty locals into a dict each time, 8 ms a call. Each
test is called from such a frame by taking the place of pytest's own ``pytest_runtest_protocol`` (the
hook wrappers around it, warnings and assertion rewriting among them, still wrap it), and so is each
request the live server answers for the browser tests, each in a thread of its own. test_admin.py's
kernel time went from 4.7 s to 0.2 s and its wall time down by a seventh; two admin-heavy browser tests'
from 3.2 s to 2.2 s. Frames past the spare half (over about 10,000 ordinary ones) open chunks as before.
"""

import pytest
from _pytest import runner  # pytest's own runner: the hook this one stands in for
from django.core.servers.basehttp import ThreadedWSGIServer

#: Unused value-stack slots of the carrying frame (8 bytes each): just over half of the 1 MB chunk it opens.
SLOTS = 65_536


def _call(function):
    return function()


# A deeper value stack than the code uses is only unused room: the interpreter sizes the frame from it.
_call.__code__ = _call.__code__.replace(co_stacksize=_call.__code__.co_stacksize + SLOTS)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    """pytest's own protocol for ``item`` (set-up, call, tear-down, reports), called from the large frame."""
    return _call(lambda: runner.pytest_runtest_protocol(item, nextitem))


def pytest_configure(config):
    """The live server's request threads (``live_server``, the browser tests) start from the large frame too."""
    answer = ThreadedWSGIServer.process_request_thread

    def process_request_thread(server, request, client_address):
        return _call(lambda: answer(server, request, client_address))

    ThreadedWSGIServer.process_request_thread = process_request_thread
