"""The site's settings as the test suite runs them: production defaults, minus HTTPS, made fast."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-any-real-site")
os.environ["TESTING"] = "true"

from massage.settings import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
MEDIA_ROOT = BASE_DIR / "test-artifacts" / "media"  # noqa: F405
