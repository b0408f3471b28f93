"""Gunicorn's settings for serving the site: `gunicorn -c deploy/gunicorn.conf.py`.

Every value can be changed from the environment (docs/DEPLOY.md lists them); a flag on the
command line wins over both.
"""

import json
import multiprocessing
import os
from datetime import UTC, datetime

from gunicorn.glogging import Logger

wsgi_app = "massage.wsgi:application"

# Where the proxy or load balancer reaches this server: loopback when the proxy runs on the same
# machine; a private address when the load balancer is elsewhere (and a firewall lets only it in).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")

# Sync workers, each one request at a time: 2 per core plus 1, so a core stays busy while a worker
# waits on the database. WEB_CONCURRENCY sets the number instead.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count() + 1)
# Django's settings read the same variable: their check of the log-in limits' cache
# (massage.W001) then knows how many workers there really are.
os.environ["WEB_CONCURRENCY"] = str(workers)
# More than one thread makes them gthread workers (each thread keeps its own database connection).
threads = int(os.environ.get("GUNICORN_THREADS", "1"))

# A worker silent for this long is killed and replaced; the slowest page (two years of exports)
# takes well under a second.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On a restart or deploy (SIGTERM, SIGHUP), workers finish the requests they have for this long.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Idle keep-alive connections from the proxy (gthread workers only; sync workers close each one).
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Each worker is replaced after about this many requests, so memory that creeps up is given back;
# the jitter keeps them from restarting all at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10

# X-Forwarded-Proto and X-Forwarded-For count only from these addresses: the proxy in front.
# Another address (anyone reaching the port directly) can't claim HTTPS or another client.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# The heartbeat files workers touch: in memory where there is /dev/shm (containers often give
# /tmp a slow overlay disk that can stall them).
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# Gunicorn's control socket is one fixed path per user: two servers on one machine would share it.
control_socket_disable = os.environ.get("GUNICORN_CONTROL_SOCKET", "") == ""
if not control_socket_disable:
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]

# One JSON object per request on stdout, and gunicorn's own messages on stderr.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


class JsonAccessLogger(Logger):
    """Writes each access line as JSON, so a log collector reads its fields without a parser
    of its own and a quote in a user agent or a path can't break the line."""

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        self.access_log.info(json.dumps(access_record(resp, req, environ, request_time)))


def access_record(resp, req, environ, request_time):
    status = resp.status
    if isinstance(status, str):
        status = status.split(None, 1)[0]
    return {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "remote_addr": environ.get("REMOTE_ADDR"),
        "forwarded_for": environ.get("HTTP_X_FORWARDED_FOR"),
        "method": environ.get("REQUEST_METHOD"),
        "path": environ.get("PATH_INFO"),
        "query": environ.get("QUERY_STRING") or None,
        "status": int(status),
        "bytes": getattr(resp, "sent", None),
        "duration_ms": round(request_time.total_seconds() * 1000, 2),
        "referer": environ.get("HTTP_REFERER"),
        "user_agent": environ.get("HTTP_USER_AGENT"),
        "request_id": environ.get("HTTP_X_REQUEST_ID"),
        "pid": os.getpid(),
    }


logger_class = JsonAccessLogger
