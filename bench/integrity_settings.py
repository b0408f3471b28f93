"""bench/settings.py with another SQLite transaction mode, for `bench/integrity.py --sqlite-mode`.

Only for showing what the site's IMMEDIATE mode (massage/settings.py) prevents: with Django's
default, DEFERRED, concurrent writers fail with "database is locked".
"""

import os

from bench.settings import *  # noqa: F403

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = os.environ["INTEGRITY_SQLITE_MODE"]  # noqa: F405
