"""The site's production settings, for the load benchmark only (`make bench`, bench/load.py).

Exactly massage.settings with DEBUG off, plus: a URLconf that adds the minimal logged-in
reference page (bench/urls.py), static files collected under bench/.data, and the database the
benchmark seeded (DATABASE_URL must be set: this never falls back to the development db.sqlite3).
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

DATA = Path(__file__).resolve().parent / ".data"

if "bench" not in os.environ.get("DATABASE_URL", ""):
    raise ImproperlyConfigured("bench.settings needs DATABASE_URL pointing at a bench database.")
# Set before massage.settings reads .env, which only fills in what is not set already.
os.environ["DEBUG"] = "false"
os.environ["TESTING"] = "false"
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-any-real-site-4c1f7e9a2b")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,testserver")
# As deployed behind a TLS proxy: wrk sends X-Forwarded-Proto: https, so no redirect to HTTPS.
os.environ.setdefault("BEHIND_TLS_PROXY", "true")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("CACHE_URL", "locmemcache://")
os.environ.setdefault("EMAIL_URL", "consolemail://")

from massage.settings import *  # noqa: E402, F403

ROOT_URLCONF = "bench.urls"
STATIC_ROOT = DATA / "static"
