"""What the production settings and deploy/gunicorn.conf.py become for a given environment.

No object storage is reachable here, so the S3 tests check the configuration (the backend and
its options, the addresses pages get, the CSP that lets browsers load them) and what a bucket
that does not answer looks like to the instructor; not real uploads.
"""

import json
import multiprocessing
import runpy
import socket
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import botocore.config
import pytest
from django.core.files.base import ContentFile
from django.utils.module_loading import import_string

from massage.media_storage import MediaStorage
from tests.massage.test_studio import (  # noqa: F401 (fixtures)
    as_instructor,
    instructor,
    own_routine,
    post_step,
    upload,
)
from tests.massage.test_uploads import encode, noisy_image

ROOT = Path(__file__).resolve().parent.parent
S3_VARIABLES = (
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_S3_CUSTOM_DOMAIN",
    "AWS_QUERYSTRING_AUTH",
    "AWS_LOCATION",
)


@pytest.fixture
def production(monkeypatch):
    """massage/settings.py as it reads the environment, run afresh: a dict of its settings."""
    monkeypatch.setenv("DEBUG", "false")
    monkeypatch.setenv("SECRET_KEY", "s" * 50)
    monkeypatch.setenv("TESTING", "false")
    for name in (*S3_VARIABLES, "CACHE_URL", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    # Fake keys: signing an address needs some, and never leaves this machine.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-a-real-secret")

    def read(**env):
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(ROOT / "massage" / "settings.py"))

    return read


def media_storage(settings_):
    config = settings_["STORAGES"]["default"]
    return import_string(config["BACKEND"])(**config.get("OPTIONS", {}))


def test_media_stay_on_disk_unless_a_bucket_is_named(production):
    settings_ = production()
    assert settings_["STORAGES"]["default"] == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }
    assert settings_["SECURE_CSP"]["img-src"] == ["'self'", "data:", "blob:"]


@pytest.mark.parametrize(
    ("env", "address", "signed"),
    [
        ({"AWS_S3_REGION_NAME": "eu-west-1"}, "https://gh-media.s3.amazonaws.com/media/", True),
        (
            {"AWS_S3_ENDPOINT_URL": "https://objects.example.net:9000"},
            "https://objects.example.net:9000/gh-media/media/",
            True,
        ),
        ({"AWS_S3_CUSTOM_DOMAIN": "media.example.org"}, "https://media.example.org/media/", False),
    ],
    ids=["aws", "s3-compatible", "public-domain"],
)
def test_a_bucket_moves_media_to_object_storage(production, env, address, signed):
    settings_ = production(AWS_STORAGE_BUCKET_NAME="gh-media", **env)
    storage = media_storage(settings_)
    assert isinstance(storage, MediaStorage)
    assert storage.bucket_name == "gh-media"
    assert storage.file_overwrite is False

    url = storage.url("routines/7/3f2a-photo.webp")
    assert url.startswith(address + "routines/7/3f2a-photo.webp")
    assert ("X-Amz-Signature=" in url) is signed
    # Browsers may load pictures and narration from there: the CSP names the bucket's origin.
    origin = "/".join(url.split("/", 3)[:3])
    csp = settings_["SECURE_CSP"]
    assert origin in csp["img-src"] and origin in csp["media-src"]
    assert origin not in csp["script-src"]


def test_a_bucket_that_does_not_answer_is_an_oserror(production):
    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings_ = production(
        AWS_STORAGE_BUCKET_NAME="gh-media", AWS_S3_ENDPOINT_URL=f"http://127.0.0.1:{port}"
    )
    options = settings_["STORAGES"]["default"]["OPTIONS"]
    storage = MediaStorage(
        **options,
        client_config=botocore.config.Config(retries={"max_attempts": 1}, connect_timeout=2),
    )
    with pytest.raises(OSError, match="Object storage"):
        storage.save("routines/1/a.txt", ContentFile(b"x"))


def test_the_studio_says_to_try_again_when_the_bucket_is_down(
    as_instructor,  # noqa: F811 (the studio tests' fixtures)
    own_routine,  # noqa: F811
    settings,
    production,
):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    down = production(
        AWS_STORAGE_BUCKET_NAME="gh-media", AWS_S3_ENDPOINT_URL=f"http://127.0.0.1:{port}"
    )["STORAGES"]["default"]
    down["OPTIONS"]["client_config"] = botocore.config.Config(
        retries={"max_attempts": 1}, connect_timeout=2
    )
    settings.STORAGES = {**settings.STORAGES, "default": down}
    step = own_routine.steps.get(order=2)

    response = post_step(
        as_instructor, step, photo=upload(encode(noisy_image((400, 300)), "PNG"), "a.png")
    )

    assert response.status_code == 503
    assert "could not be stored just now" in response.content.decode()
    step.refresh_from_db()
    assert not step.photo_large


def test_postgresql_connections_persist_and_give_up_quickly(production):
    database = production(DATABASE_URL="postgres://gh@db.internal:5432/gentle_hands")["DATABASES"][
        "default"
    ]
    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["OPTIONS"]["connect_timeout"] == 5
    asked = production(DATABASE_URL="postgres://gh@db.internal/gh?connect_timeout=2")
    assert asked["DATABASES"]["default"]["OPTIONS"]["connect_timeout"] == 2


def test_redis_serves_the_cache_and_the_log_in_limits_and_gives_up_quickly(production):
    settings_ = production(CACHE_URL="redis://cache.internal:6379/1")
    cache = settings_["CACHES"]["default"]
    # allauth keeps its failed-log-in counts in the default cache.
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://cache.internal:6379/1"
    assert cache["OPTIONS"] == {"socket_connect_timeout": 2, "socket_timeout": 2}
    asked = production(CACHE_URL="redis://cache.internal:6379/1?socket_timeout=1")
    assert asked["CACHES"]["default"]["OPTIONS"]["socket_timeout"] == 1


def test_sessions_live_in_the_shared_database(production):
    assert production()["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    with_redis = production(CACHE_URL="redis://cache.internal:6379/1")
    assert with_redis["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"


# -- deploy/gunicorn.conf.py -----------------------------------------------------------------------


@pytest.fixture
def gunicorn_conf(monkeypatch):
    def read(**env):
        # Set first so that monkeypatch puts back what was there, whatever the file sets.
        monkeypatch.setenv("WEB_CONCURRENCY", "")
        for name in ("GUNICORN_BIND", "FORWARDED_ALLOW_IPS", "GUNICORN_CONTROL_SOCKET"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))

    return read


def test_gunicorn_defaults(gunicorn_conf):
    conf = gunicorn_conf()
    assert conf["wsgi_app"] == "massage.wsgi:application"
    assert conf["workers"] == 2 * multiprocessing.cpu_count() + 1
    assert conf["bind"] == ["127.0.0.1:8000"]
    assert conf["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert conf["accesslog"] == "-" and conf["errorlog"] == "-"
    assert conf["control_socket_disable"] is True
    assert conf["graceful_timeout"] == conf["timeout"] == 30


def test_gunicorn_takes_the_environment(gunicorn_conf):
    conf = gunicorn_conf(
        WEB_CONCURRENCY="3", GUNICORN_BIND="10.0.0.11:8000", FORWARDED_ALLOW_IPS="10.0.0.2"
    )
    assert conf["workers"] == 3
    assert conf["bind"] == ["10.0.0.11:8000"]
    assert conf["forwarded_allow_ips"] == "10.0.0.2"


def test_the_worker_count_reaches_djangos_check(gunicorn_conf):
    """Django's settings read WEB_CONCURRENCY: the config says how many workers it starts."""
    import os

    conf = gunicorn_conf()
    assert os.environ["WEB_CONCURRENCY"] == str(conf["workers"])


def test_an_access_line_is_one_json_object(gunicorn_conf):
    record = gunicorn_conf()["access_record"]
    response = SimpleNamespace(status="201 Created", sent=57)
    environ = {
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_X_FORWARDED_FOR": "203.0.113.9",
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/sessions/4/cues/",
        "QUERY_STRING": "",
        "HTTP_USER_AGENT": 'Phone "quoted" browser',
    }
    line = json.dumps(record(response, None, environ, timedelta(milliseconds=12.5)))
    entry = json.loads(line)
    assert "\n" not in line
    assert entry["status"] == 201 and entry["bytes"] == 57
    assert entry["path"] == "/sessions/4/cues/" and entry["query"] is None
    assert entry["duration_ms"] == 12.5
    assert entry["forwarded_for"] == "203.0.113.9"
    assert entry["user_agent"] == 'Phone "quoted" browser'
