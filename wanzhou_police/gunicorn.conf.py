"""gunicorn settings for production (`make serve`); every value can be overridden from the environment.

Sized for the machine: 2 processes per core plus one, each serving one request at
a time (sync workers). The portal's requests are short and CPU-bound: in
bench/run.sh on 2 cores 4 threads per process left some keep-alive requests
waiting past wrk's 2 s timeout under load, where 1 thread gave none and more
requests per second. A sync worker is killed at ``timeout`` while a request
runs, which makes it the one limit every request obeys (the time limits in
settings.py). It closes the connection after each answer: keep-alive to the
browser is the proxy's.
"""

import hashlib
import multiprocessing
import os
import re
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# Not threads: gthread's main loop heart-beats while a request runs, so `timeout` would never
# stop one (https://docs.gunicorn.org/en/stable/settings.html#timeout), and more than one
# thread turns "sync" into gthread. The request time limit's alarm also needs the main thread.
worker_class = "sync"
threads = 1
# The hard limit on a whole request, a streamed body included: the worker is killed and replaced.
# Three times the request time limit (settings.REQUEST_TIME_LIMIT_SECONDS); a full export of
# 100,000 figures is about 10 MB in about a second, so 60 s still streams it to a 200 kB/s client.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# Recycle workers now and then so a slow leak can never grow without bound.
# GUNICORN_MAX_REQUESTS=0 turns recycling off (the jitter would otherwise still apply).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500 if max_requests else 0
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(L)ss "%(a)s"'
wsgi_app = "wanzhou_police.wsgi:application"


def instance_control_socket(bind_address: str) -> str:
    """The control socket of the instance serving ``bind_address``, in gunicorn's own directory for them.

    gunicorn's default is one path per user ($XDG_RUNTIME_DIR/gunicorn.ctl, else
    ~/.gunicorn/gunicorn.ctl): each instance that starts takes it over from the one
    before, and the first to stop deletes it, so ``gunicornc`` reaches the wrong
    instance or none. The bind address is unique per host, so the path is too: its
    readable part, cut short (a socket path must fit 108 bytes), and a hash of all of it.
    """
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    directory = Path(runtime) if runtime and Path(runtime).is_dir() else Path.home() / ".gunicorn"
    readable = re.sub(r"[^A-Za-z0-9.]+", "-", bind_address).strip("-")[:32]
    digest = hashlib.sha256(bind_address.encode()).hexdigest()[:12]
    return str(directory / f"wanzhou-police-{readable}-{digest}.ctl")


# This instance's own control socket (`gunicornc -s PATH`): derived from GUNICORN_BIND, or
# GUNICORN_CONTROL_SOCKET names the path, or GUNICORN_CONTROL_SOCKET=off runs without one.
_control = os.environ.get("GUNICORN_CONTROL_SOCKET", "").strip()
control_socket_disable = _control.lower() == "off"
control_socket = instance_control_socket(bind) if _control.lower() in {"", "off"} else _control


def post_request(worker, req, environ, resp):
    """Replace the worker after a request stopped at its time limit (settings.REQUEST_TIME_LIMIT_SECONDS).

    The interruption may have landed anywhere, even inside a library's bookkeeping;
    a fresh process starts clean. The key is wanzhou_police.limits.TIME_LIMIT_EXCEEDED_ENVIRON_KEY
    (this file is loaded before, and without, the project's code).
    """
    if environ.get("wanzhou_police.time_limit_exceeded"):
        worker.log.warning("replacing worker %s after a request stopped at its time limit", worker.pid)
        worker.alive = False


def worker_abort(worker):
    """gunicorn's `timeout` ran out during a request: stop it with an exception the portal answers with 503.

    gunicorn would exit here and answer its own 500 page; wanzhou_police.limits.WorkerTimeout
    is a SystemExit too, but RequestTimeLimitMiddleware turns it into the portal's 503 first.
    The worker exits after that answer (gunicorn has marked it); one stuck in C code never gets
    here, and the arbiter kills it a second later.
    """
    from wanzhou_police.limits import WorkerTimeout

    raise WorkerTimeout(1)
