"""The settings' promises: secure defaults, clear errors, a clean deploy check."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

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
    # A developer's .env (written by `make run`) must not decide what these tests see:
    # variables in the environment win over the file.
    clean_env.update({"DEBUG": "false", "SECRET_KEY": ""}, **env)
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


def test_hsts_preload_is_off_by_default_and_on_when_asked_for():
    """Preloading is hard to undo (months to leave the browsers' list): never by default."""
    show = "from django.conf import settings; print(settings.SECURE_HSTS_PRELOAD)"
    secret = {"SECRET_KEY": "z" * 50, "ALLOWED_HOSTS": "gentlehands.example"}
    default = run_manage("shell", "-c", show, **secret)
    assert default.stdout.split()[-1] == "False", default.stderr
    asked = run_manage("shell", "-c", show, SECURE_HSTS_PRELOAD="true", **secret)
    assert asked.stdout.split()[-1] == "True", asked.stderr


PRODUCTION_ONLY = ("SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_URL")


def env_example(*, uncomment=()):
    """What a copy of .env.example as .env sets, with the named variables' lines uncommented."""
    values, notes = {}, {}
    comment = ""
    for line in (ROOT / ".env.example").read_text().splitlines():
        key = line.removeprefix("# ").split("=", 1)[0]
        if line.startswith("# ") and "=" in line and key in uncomment:
            line = line.removeprefix("# ")
        if line.startswith("#"):
            comment += line
            if "=" in line and key.isupper():
                notes[key], comment = comment, ""
        elif "=" in line:
            values[key] = line.split("=", 1)[1]
            notes[key], comment = comment, ""
    return values, notes


def test_env_example_copied_as_is_serves_local_development():
    values, _notes = env_example()
    assert not set(values) & set(PRODUCTION_ONLY)
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.ALLOWED_HOSTS)",
        DEBUG="true",
        **values,
    )
    assert result.returncode == 0, result.stderr
    assert "127.0.0.1" in result.stdout


def test_env_example_production_lines_are_marked_and_pass_the_deploy_check():
    values, notes = env_example(uncomment=PRODUCTION_ONLY)
    for name in PRODUCTION_ONLY:
        assert "Required in production" in notes[name], name
    values["SECRET_KEY"] = values["SECRET_KEY"] or "y" * 20 + "a-production-like-secret-key-456"
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **values)
    assert result.returncode == 0, result.stdout + result.stderr


def test_make_writes_a_development_env_once_and_never_overwrites_it(tmp_path):
    for name in ("Makefile", ".env.example"):
        (tmp_path / name).write_text((ROOT / name).read_text())
    made = subprocess.run(["make", "-s", ".env"], cwd=tmp_path, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    written = (tmp_path / ".env").read_text()
    assert "\nDEBUG=true\n" in written
    values = {}
    for line in written.splitlines():
        if line and not line.startswith("#"):
            key, value = line.split("=", 1)
            values[key] = value
    assert values == {"DEBUG": "true"}
    # With that file, plain manage.py commands work: no SECRET_KEY, no DEBUG prefix.
    result = run_manage("check", **values)
    assert result.returncode == 0, result.stderr

    (tmp_path / ".env").write_text("DEBUG=false\nSECRET_KEY=mine\n")
    again = subprocess.run(["make", "-s", ".env"], cwd=tmp_path, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert (tmp_path / ".env").read_text() == "DEBUG=false\nSECRET_KEY=mine\n"


def test_a_log_line_prints_once_under_debug():
    result = run_manage(
        "shell",
        "-c",
        "import logging; logging.getLogger('django.request').warning('one line only')",
        DEBUG="true",
    )
    assert result.returncode == 0, result.stderr
    assert (result.stdout + result.stderr).count("one line only") == 1


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


@pytest.mark.parametrize(
    ("debug", "backend"),
    [
        ("true", "django.tasks.backends.immediate.ImmediateBackend"),
        ("false", "django_tasks_db.DatabaseBackend"),
    ],
)
def test_tasks_run_at_once_in_development_and_through_the_worker_in_production(debug, backend):
    """Under `make run` a sign-up's confirmation mail must print with no worker started."""
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.TASKS['default']['BACKEND'])",
        DEBUG=debug,
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="example.com",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == backend
