"""Settings for the infant-massage site, read from the environment with secure defaults.

Every variable is documented in .env.example. Development (`make run`) sets DEBUG=true; anything
else runs with DEBUG off and must provide SECRET_KEY and ALLOWED_HOSTS.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment or in .env "
            "(for local development, `make run` sets DEBUG=true and needs none)."
        )
    SECRET_KEY = "insecure-development-key-only-used-when-DEBUG-is-on"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "massage.views.errors.csrf_failure"

INSTALLED_APPS = [
    # Before the admin, so the admin shows each translated field once per language.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "allauth",
    "allauth.account",
    # The database backend of Django's tasks framework (reminder mails); `manage.py db_worker`.
    "django_tasks_db",
    "massage",
    # The label "massage_sessions" leaves "sessions" to django.contrib.sessions.
    "sessions.apps.MassageSessionsConfig",
    "cues",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Permissions-Policy on every answer, errors included: PERMISSIONS_POLICY below.
    "massage.middleware.PermissionsPolicyMiddleware",
    # /healthz answers here, before sessions, CSRF, the user and the host check.
    "massage.views.health.HealthCheckMiddleware",
    # A body over its limit is a 413 before anything reads it.
    "massage.middleware.BodyLimitMiddleware",
    # Pages carry whole routines (every step and picture): compressed, the player's page shrinks
    # about tenfold. Django pads each compressed answer by a random length against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in person's own language (User.language) over the cookie and the browser's.
    "massage.middleware.AccountLanguageMiddleware",
    # A logged-in user's pages are no-store; HTML answers vary on HX-Request.
    "massage.middleware.PrivatePagesMiddleware",
    "massage.middleware.TimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "massage.root_urls"
WSGI_APPLICATION = "massage.wsgi.application"
ASGI_APPLICATION = "massage.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "massage.context_processors.display",
            ],
        },
    },
]

# Database: a SQLite file by default; PostgreSQL (or anything else) through DATABASE_URL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one request writes; IMMEDIATE takes the write lock when a
    # transaction begins, so two writers queue (up to the timeout) instead of failing with
    # "database is locked" halfway through.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    # Persistent connections: each gunicorn worker (one request at a time) keeps its own open for
    # a minute and checks it before reuse, so a request does not pay for connecting. psycopg's
    # pool would not share them any better between sync workers (docs/DEPLOY.md).
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # A database that can't be reached fails the request (and /healthz) within seconds
        # instead of waiting minutes for TCP to give up.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
            "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Likewise for Redis (the log-in limits): seconds, not minutes. Options in CACHE_URL's query
    # string (e.g. ?socket_timeout=1) win.
    _redis_options = CACHES["default"].setdefault("OPTIONS", {})
    _redis_options.setdefault("socket_connect_timeout", 2)
    _redis_options.setdefault("socket_timeout", 2)
# Log-in sessions are rows in the database, which every app server shares; they outlive a
# restart of Redis (which keeps nothing on disk), so nobody is logged out by one.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# How many server processes answer (gunicorn reads the same variable for its worker count). The
# log-in limits live in the cache: with local memory each process counts on its own, so more than
# one needs a shared cache (CACHE_URL); a system check warns (massage/checks.py).
WEB_CONCURRENCY = env.int("WEB_CONCURRENCY", default=1)

AUTH_USER_MODEL = "massage.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "today"
LOGOUT_REDIRECT_URL = "massage:landing"

# Accounts (django-allauth): email only, no usernames; failed logins are rate limited.
ACCOUNT_LOGIN_METHODS = {"email"}
# The password is typed once, with a "Show" button beside it (massage/account_forms.py).
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# Sign-up never tells whether an address has an account: a new address and a taken one both get
# "check your email"; the new one a link to confirm it (which then logs in, in the same
# browser), the taken one a mail to its owner saying so. Password reset mails known addresses
# only, and says the same either way.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# "Keep me signed in" is a box on the log-in form; unticked, the session ends with the browser.
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str("LOGIN_FAILED_RATE_LIMIT", default="10/m/ip,5/5m/key"),
    "signup": "20/m/ip",
}
ACCOUNT_ADAPTER = "massage.adapters.AccountAdapter"
ACCOUNT_FORMS = {
    "signup": "massage.account_forms.SignupForm",
    "login": "massage.account_forms.LoginForm",
    "reset_password": "massage.account_forms.ResetPasswordForm",
    "reset_password_from_key": "massage.account_forms.ResetPasswordKeyForm",
    "change_password": "massage.account_forms.ChangePasswordForm",
    "set_password": "massage.account_forms.SetPasswordForm",
    "add_email": "massage.account_forms.AddEmailForm",
    "reauthenticate": "massage.account_forms.ReauthenticateForm",
}

# Email: printed to the console unless EMAIL_URL points at an SMTP server.
_email = env.email("EMAIL_URL", default="consolemail://")
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": {
            option: _email[f"EMAIL_{option.upper()}"]
            for option in ("host", "port", "username", "password", "use_tls", "use_ssl")
            if _email.get(f"EMAIL_{option.upper()}") not in (None, "")
        }
        if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
        else {},
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Gentle Hands <hello@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The site's address as mails link to it (reminders are sent with no request to take it from).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Background tasks (Django's tasks framework): reminder and account mails are queued in the
# database and sent by `manage.py db_worker` (django-tasks-db). In development (`make run`, DEBUG
# on) they are sent at once, in the process queuing them, so a sign-up's confirmation link shows
# in the console with no worker to start. TASKS_BACKEND names another backend either way.
IMMEDIATE_TASKS = "django.tasks.backends.immediate.ImmediateBackend"
TASKS = {
    "default": {
        "BACKEND": env.str(
            "TASKS_BACKEND", default=IMMEDIATE_TASKS if DEBUG else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}

LANGUAGE_CODE = "en"
# Each language's own name, so a parent finds theirs whatever the page is in now.
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["massage.formats"]
# The language switch's cookie (Django's set_language) lasts a year, like the colour scheme's.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
# Routine and step texts in each language (massage/translation.py): title_en, title_es, ... A text
# missing in the page's language is shown in English (or, for a routine written only in another
# language, in that one), marked as such (massage/content.py).
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": tuple(code for code, _name in LANGUAGES)}
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Serve MEDIA_ROOT through Django (a single-box deploy with no web server in front); otherwise the
# web server must serve MEDIA_URL from MEDIA_ROOT. Under DEBUG media is served either way.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=False)
# Uploaded media go to this server's disk (MEDIA_ROOT) unless a bucket is named: then to S3 or any
# S3-compatible object storage (MinIO, Ceph, R2, ...) through django-storages, which every app
# server shares. boto3 takes the credentials from the environment (AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY) or the machine's role; they never pass through settings.
MEDIA_BUCKET = env.str("AWS_STORAGE_BUCKET_NAME", default="")
MEDIA_ORIGINS = []  # where pages load media from besides the site itself (the CSP below)
if MEDIA_BUCKET:
    _endpoint = env.str("AWS_S3_ENDPOINT_URL", default="").rstrip("/")
    _region = env.str("AWS_S3_REGION_NAME", default="")
    _public_domain = env.str("AWS_S3_CUSTOM_DOMAIN", default="")
    MEDIA_STORAGE = {
        "BACKEND": "massage.media_storage.MediaStorage",
        "OPTIONS": {
            "bucket_name": MEDIA_BUCKET,
            "endpoint_url": _endpoint or None,
            "region_name": _region or None,
            # Another provider's endpoint names the bucket in the path, so one origin serves it.
            "addressing_style": "path" if _endpoint else None,
            "location": env.str("AWS_LOCATION", default="media"),
            "custom_domain": _public_domain or None,
            # Objects stay private and pages link them with signed addresses that expire, unless
            # a public domain (a CDN in front of the bucket) serves them.
            "querystring_auth": env.bool("AWS_QUERYSTRING_AUTH", default=not _public_domain),
            "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=3600),
            # Signature version 4: what AWS requires in newer regions, and MinIO and the others.
            "signature_version": "s3v4",
            "file_overwrite": False,
            "default_acl": None,
            # Upload names carry a random part and never change.
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
    if _public_domain:
        MEDIA_ORIGINS = [f"https://{_public_domain}"]
    elif _endpoint:
        MEDIA_ORIGINS = ["{0.scheme}://{0.netloc}".format(urlsplit(_endpoint))]
    else:
        MEDIA_ORIGINS = [
            f"https://{MEDIA_BUCKET}.s3.amazonaws.com",
            *([f"https://{MEDIA_BUCKET}.s3.{_region}.amazonaws.com"] if _region else []),
        ]
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or env.bool("TESTING", default=False)
        else "massage.storage.StaticFilesStorage"
    },
}
# Request bodies: one over its limit is answered 413 from its Content-Length, before it is read
# (massage.middleware.BodyLimitMiddleware). A form's fields fit in 1 MB many times over; the
# studio's step form may carry a photo and a narration (10 MB and 5 MB at most,
# massage/uploads.py) besides them; the admin's routine page those of every step at once.
REQUEST_BODY_MAX_BYTES = 1024 * 1024
UPLOAD_REQUEST_BODY_MAX_BYTES = 16 * 1024 * 1024
ADMIN_REQUEST_BODY_MAX_BYTES = 128 * 1024 * 1024
# Uploaded files over this go to a temporary file rather than memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# A form's fields (not its files) that Django reads into memory, whatever the body claimed.
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES

# Content Security Policy (Django's own middleware): nothing inline, nothing from elsewhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:", *MEDIA_ORIGINS],
    "media-src": [CSP.SELF, "blob:", *MEDIA_ORIGINS],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Browser features (Permissions-Policy, massage.middleware.PermissionsPolicyMiddleware): the site
# itself may keep the screen awake and play the chime (the player), copy and share a link (the
# invitations); nothing may use the rest, named here so that none is left to the browser's default.
# Only features browsers know: Chromium warns in the console about any other (desktop Chromium also
# about web-share, which phones, where sharing is offered, do know).
PERMISSIONS_POLICY = {
    "screen-wake-lock": ["self"],
    "autoplay": ["self"],
    "clipboard-write": ["self"],
    "web-share": ["self"],
    **{
        feature: []
        for feature in [
            "accelerometer",
            "camera",
            "clipboard-read",
            "display-capture",
            "encrypted-media",
            "fullscreen",
            "geolocation",
            "gyroscope",
            "hid",
            "idle-detection",
            "magnetometer",
            "microphone",
            "midi",
            "payment",
            "picture-in-picture",
            "serial",
            "usb",
            "xr-spatial-tracking",
            "browsing-topics",
        ]
    },
}

# Transport security: on unless DEBUG; a proxy in front may terminate TLS.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# A load balancer asks the app servers over plain HTTP: /healthz answers it without a redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The log-in limits count per client address: behind the proxy, the one it appends to
    # X-Forwarded-For (TRUSTED_PROXY_COUNT proxies in front, each appending one). Without a proxy
    # the header is ignored (anyone can send one) and REMOTE_ADDR counts.
    ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# Preloading puts the domain in the browsers' own HTTPS-only list, which takes months to leave:
# only when asked for (and then with a year's SECURE_HSTS_SECONDS, as the list requires).
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# `check --deploy` asks for preload (security.W021); off is the choice made above, not a slip.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# How long an invitation link to join a family stays valid.
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Django's own "django" logger writes to a console handler of its own under DEBUG and also
    # passes each record up to the root: without this every line would print twice.
    "loggers": {"django": {"handlers": [], "propagate": True}},
}
