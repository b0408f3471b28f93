"""A bare Django project for the load benchmark's first reference: no apps, no database, the
default middleware of `startproject` that needs no app, and one view that says "ok".

Served by gunicorn with the same flags as the site: `django.core.wsgi:get_wsgi_application()`
with DJANGO_SETTINGS_MODULE=bench.bare_settings (bench/load.py does this)."""

from django.http import HttpResponse
from django.urls import path

SECRET_KEY = "bench-bare-project-secret-key-not-for-any-real-site-0b8e"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
INSTALLED_APPS = []
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = __name__
DATABASES = {}
USE_TZ = True


def ok(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/ok/", ok)]
