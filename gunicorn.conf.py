"""gunicorn settings for production: `gunicorn forum_site.wsgi` (this file is read from the working directory).

Every value can be overridden from the environment (GUNICORN_*), e.g. GUNICORN_WORKERS=4.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# One process per core, each with threads (gthread): connections are kept alive
# (browsers, and nginx's upstream keepalive, reuse them), and a thread waiting
# on the database or the mail queue does not hold up the others. Measured on a
# 2-core machine (bench/surge.py), this answered cached pages faster and with a
# lower p99 than 5 sync workers, which close every connection.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", 16))
# A request that takes longer than this is a bug or an attack: the worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
# Workers are not recycled after a number of requests: at surge rates any such
# number comes round within seconds, and each restart costs that worker a second
# and its page cache. Memory is bounded by PAGE_CACHE_ENTRIES instead.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 0))
max_requests_jitter = max_requests // 10
# The reverse proxy is on this host; trust its X-Forwarded-* headers only from there.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# Access log: no client address and no query string (private links carry their
# token there); one JSON object per line like the application's own log. The
# logger class escapes every value as JSON does, so a path holding a quote or an
# encoded line break (%0A) stays inside its string, on its one line.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # empty: no access log
access_log_format = (
    '{"time": "%(t)s", "method": "%(m)s", "path": "%(U)s", "status": %(s)s, "bytes": %(B)s, "duration_ms": %(M)s}'
)
logger_class = "plumbing.logs.GunicornJsonLogger"
errorlog = "-"
loglevel = "info"

# gunicorn 25.1+ opens a control socket for `gunicornc` (worker status, reload), by
# default in $XDG_RUNTIME_DIR, which systemd does not set for a system service, else
# in ~/.gunicorn/: under the unit's ProtectSystem=strict the home is read-only, so
# it fails with a warning at every start, or, where the home is writable, leaves a
# socket there. The site does not use it: off unless GUNICORN_CONTROL_SOCKET names
# a path, e.g. /run/forum-site/gunicorn.ctl (the unit's RuntimeDirectory, writable
# by the service user alone).
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")
if not control_socket_disable:
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
