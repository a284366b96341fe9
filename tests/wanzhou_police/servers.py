"""A real gunicorn with the project's config, for the tests that need its workers, timeouts and sockets."""

import os
import secrets
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

PROJECT = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=2).close()
    except OSError:
        return False
    return True


@contextmanager
def gunicorn(log: Path, **env_extra: str):
    """gunicorn with wanzhou_police/gunicorn.conf.py and tests/wanzhou_police/fault_settings.py: yields its port.

    The environment is the production one (no DJANGO_*, DATABASE_*, CACHE_* from the
    test run), plain http, one worker, plus ``env_extra``; output goes to ``log``,
    and the control socket sits beside it.
    """
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_", "CACHE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.wanzhou_police.fault_settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_HTTPS="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
        GUNICORN_ACCESS_LOG="/dev/null",
        # Beside the log, so no test server takes over the control socket of another instance on this host.
        GUNICORN_CONTROL_SOCKET=str(log.with_suffix(".ctl")),
    )
    env.update(env_extra)
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "wanzhou_police/gunicorn.conf.py"],
            cwd=PROJECT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("gunicorn did not start:\n" + log.read_text()) from None
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)
