"""The settings' promises: secure defaults, clear errors, a clean deploy check."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    clean_env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "DJANGO_SETTINGS_MODULE",
            "TESTING",
            "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests for their own process
        }
    }
    clean_env.update(env)
    clean_env["DJANGO_SETTINGS_MODULE"] = "massage.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_secret_key_is_a_clear_error_when_debug_is_off():
    result = run_manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_deploy_check_is_clean_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="x" * 20 + "a-production-like-secret-key-of-good-length-123",
        ALLOWED_HOSTS="gentlehands.example",
        EMAIL_URL="smtp+tls://mailer:secret@smtp.example.com:587",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_sqlite_waits_for_writers_instead_of_failing():
    from django.conf import settings

    options = settings.DATABASES["default"].get("OPTIONS", {})
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        assert options["transaction_mode"] == "IMMEDIATE"
        assert "journal_mode=WAL" in options["init_command"]


def test_security_headers(client, db):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
