"""The site's settings as the test suite runs them: production defaults, minus HTTPS, made fast."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-any-real-site")
os.environ["TESTING"] = "true"
# The suite runs with production defaults even when `make run` has written a .env with DEBUG on.
os.environ["DEBUG"] = "false"

from massage.settings import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TEST_ARTIFACTS = BASE_DIR / "test-artifacts"  # noqa: F405
TEST_ARTIFACTS.mkdir(exist_ok=True)
MEDIA_ROOT = TEST_ARTIFACTS / "media"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not the in-memory default: the browser tests' live server answers from other
    # threads, and only a file database gives them WAL and waiting instead of "table is locked".
    # One per run (Django deletes it at the end), so two runs at once don't share it.
    DATABASES["default"]["TEST"] = {"NAME": str(TEST_ARTIFACTS / f"test-{os.getpid()}.sqlite3")}  # noqa: F405
