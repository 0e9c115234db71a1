"""gunicorn settings of Tributary's web process, wherever it runs: bin/run, the tests and deployments.

Start it with `gunicorn -c config/gunicorn.conf.py` (bin/lib/web does). Environment:
PORT (8000) and HOST (127.0.0.1; 0.0.0.0 behind a load balancer), WEB_CONCURRENCY worker processes (one per
core, 2 to 8), WEB_THREADS threads each (4), WEB_TIMEOUT seconds per request (120), FORWARDED_ALLOW_IPS
(the proxies whose X-Forwarded-* headers are trusted; 127.0.0.1), LOG_FORMAT (json: Django logs one JSON line
per request and gunicorn's own access log is off).
"""

from __future__ import annotations

import os

wsgi_app = "config.wsgi:application"
bind = [f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"]

# Threads, not more processes: a request mostly waits on PostgreSQL or the ATS. 2 cores: 2 processes x 4 threads.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "0")) or min(8, max(2, os.cpu_count() or 1))
threads = int(os.environ.get("WEB_THREADS", "4"))
# A write may wait for the ATS (and for an identical request holding its Idempotency-Key, up to 60 s).
timeout = int(os.environ.get("WEB_TIMEOUT", "120"))
# SIGTERM: stop accepting, finish the requests in flight for up to this long, then exit.
graceful_timeout = int(os.environ.get("WEB_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Recycle worker processes now and then: memory stays flat whatever a long-running process accumulates.
max_requests = 2000
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Access log on stdout, one line per request; with LOG_FORMAT=json Django's request log replaces it.
accesslog = None if os.environ.get("LOG_FORMAT") == "json" else "-"
errorlog = "-"
# gunicorn's control socket defaults to one path per user ($HOME/.gunicorn/gunicorn.ctl): several instances on one
# machine would fight over it, and Tributary does not use it.
control_socket_disable = True
