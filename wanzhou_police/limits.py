"""The time limit on a request's own work: past ``settings.REQUEST_TIME_LIMIT_SECONDS`` it is stopped.

The deadline is a ``SIGALRM`` timer, so it can only be armed in the main thread:
under gunicorn's sync workers (wanzhou_police/gunicorn.conf.py) and the test
client it is; in runserver's, gthread's or ASGI's request threads it is not, and
only gunicorn's own timeout bounds a request there. When it fires, Python code
is interrupted at its next bytecode with ``RequestTimeLimitExceeded``, which
``views.server_error`` answers with 503. A thread blocked in C code (libpq
waiting for PostgreSQL) only sees it once that call returns: a query is bounded
by PostgreSQL's ``statement_timeout`` (settings.DATABASE_STATEMENT_TIMEOUT_SECONDS)
instead, and anything else by gunicorn's timeout: its ``worker_abort`` hook
(gunicorn.conf.py) raises ``WorkerTimeout`` where Python runs again, which is
answered with the same 503, and a worker stuck in C is killed a second later.
"""

import signal
import threading
from contextlib import contextmanager

#: The key in the WSGI environ that asks gunicorn's ``post_request`` hook to replace the worker:
#: an exception raised at an arbitrary bytecode may leave a library's state half-changed.
TIME_LIMIT_EXCEEDED_ENVIRON_KEY = "wanzhou_police.time_limit_exceeded"


class RequestTimeLimitExceeded(Exception):
    """The request ran past its time limit and was interrupted."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"request stopped after its time limit of {seconds:g} s")
        self.seconds = seconds


class WorkerTimeout(SystemExit):
    """gunicorn's timeout ran out during the request; raised by the ``worker_abort`` hook in gunicorn.conf.py.

    A ``SystemExit``, as gunicorn's own would be, so no ``except Exception`` on the
    way swallows it and gunicorn treats it as its own when the answer has begun.
    ``RequestTimeLimitMiddleware`` answers it with 503; the worker then exits, as
    gunicorn has marked it.
    """


def can_arm() -> bool:
    """True where a ``SIGALRM`` deadline can interrupt the request: the main thread, on a system with timers."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def deadline(seconds: float):
    """Raise ``RequestTimeLimitExceeded`` in the block's code once ``seconds`` have passed.

    A no-op for ``seconds <= 0`` or where ``can_arm()`` is false. The previous
    ``SIGALRM`` handler is put back on the way out.
    """
    if seconds <= 0 or not can_arm():
        yield
        return
    armed = True

    def interrupt(signum, frame):
        # The timer may fire between the block's end and its disarming: then it has no one to stop.
        if armed:
            raise RequestTimeLimitExceeded(seconds)

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
