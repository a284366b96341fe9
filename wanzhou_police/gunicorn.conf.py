"""gunicorn settings for production (`make serve`); every value can be overridden from the environment.

Sized for the machine: 2 processes per core plus one. One thread each by default:
the portal's requests are short and CPU-bound, and in bench/run.sh on 2 cores
4 threads per process left some keep-alive requests waiting past wrk's 2 s
timeout under load, where 1 thread gave none and more requests per second.
The timeout is long enough for a full streaming export of a large data set.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread"
# Streaming exports of 100,000 figures take seconds; leave generous headroom.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak can never grow without bound.
# GUNICORN_MAX_REQUESTS=0 turns recycling off (the jitter would otherwise still apply).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500 if max_requests else 0
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(L)ss "%(a)s"'
wsgi_app = "wanzhou_police.wsgi:application"
