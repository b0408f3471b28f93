"""The site's URLs plus one page for the load benchmark only: `bench/ok/`, the project's own
minimal logged-in request (the same middleware, session and user lookup; the view says "ok").

Only bench/settings.py names this URLconf; the site itself never serves it."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from massage.root_urls import handler400  # noqa: F401 (the site's 400 and 413 pages)
from massage.root_urls import urlpatterns as site_urlpatterns


@login_required
def ok(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/ok/", ok, name="bench-ok"), *site_urlpatterns]
