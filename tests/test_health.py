"""/healthz, the load balancer's question: may this server take requests?

200 "ok" when the database and the cache (Redis, when configured) answer, 503 naming the one
that does not; one query, no session read or written, never stored, whatever the visitor sends.
"""

import os
import socket

import pytest
from django.db import OperationalError
from django.urls import reverse

from massage.views import health

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


def redis_cache(url):
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }


def closed_port():
    """A loopback port nothing listens on (it was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_answers(url):
    import redis

    try:
        return redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return False


def test_the_address_is_healthz():
    assert reverse("healthz") == "/healthz" == health.PATH


def test_healthy_is_a_200_with_a_tiny_body_never_stored(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


def test_head_asks_the_same_and_other_methods_are_refused(client, db):
    assert client.head("/healthz").status_code == 200
    for method in (client.post, client.put, client.delete):
        response = method("/healthz")
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD"


def test_one_query_and_no_session_even_for_a_logged_in_browser(
    client, parent, django_assert_num_queries
):
    client.force_login(parent)
    with django_assert_num_queries(1) as queries:  # SELECT 1: no session, no user
        response = client.get("/healthz")
    assert response.status_code == 200
    assert "django_session" not in queries.captured_queries[0]["sql"]
    assert not response.cookies  # the session is not touched, so its cookie is not sent again


def test_answers_a_load_balancer_that_names_the_server_by_address_over_plain_http(
    client, db, settings
):
    # Set before the first request: SecurityMiddleware reads its settings once.
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", headers={"host": "10.0.0.12:8000"})
    assert response.status_code == 200, "neither a redirect to HTTPS nor a 400 for the host"
    assert client.get("/", headers={"host": "10.0.0.12:8000"}).status_code == 400


def test_a_database_that_does_not_answer_is_a_503(client, db, monkeypatch):
    class Unreachable:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", Unreachable())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"unavailable: database\n"
    assert "no-store" in response["Cache-Control"]


def test_a_redis_on_a_closed_port_is_a_503(client, db, settings):
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{closed_port()}/5")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"unavailable: cache\n"


def test_both_down_names_both(client, db, settings, monkeypatch):
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{closed_port()}/5")

    class Unreachable:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", Unreachable())
    assert client.get("/healthz").content == b"unavailable: database, cache\n"


def test_a_redis_that_answers_is_healthy(client, db, settings):
    if not redis_answers(REDIS_URL):
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis does not answer at {REDIS_URL}: under CI that is a failure")
        pytest.skip(f"no Redis at {REDIS_URL} (set TEST_REDIS_URL to another)")
    settings.CACHES = redis_cache(REDIS_URL)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
