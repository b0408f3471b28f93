"""The site's URLs: the only module besides settings that knows every app."""

import re

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.http import Http404
from django.urls import include, path, re_path
from django.views.decorators.http import require_safe
from django.views.static import serve

from cues.views.today import today
from massage.views import accounts, app_shell, health

# The admin logs in through the site's own log-in page, with its failed-log-in limits; its own
# form (which has none) only redirects there.
admin.site.login = secure_admin_login(admin.site.login)

account_urls = [
    path("login/", accounts.LoginView.as_view(), name="account_login"),
    path("logout/", accounts.LogoutView.as_view(), name="account_logout"),
    path("signup/", accounts.SignupView.as_view(), name="account_signup"),
    path(
        "password/change/",
        accounts.PasswordChangeView.as_view(),
        name="account_change_password",
    ),
    path("password/reset/", accounts.PasswordResetView.as_view(), name="account_reset_password"),
    re_path(
        r"^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        accounts.PasswordResetFromKeyView.as_view(),
        name="account_reset_password_from_key",
    ),
    path("", include("allauth.urls")),
]


@require_safe
def media(request, path):
    """Uploaded photos and narration, when no web server in front serves MEDIA_ROOT itself."""
    if not (settings.DEBUG or settings.SERVE_MEDIA):
        raise Http404
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    if not settings.DEBUG:
        # Upload names carry a random part and are never overwritten, so browsers may keep them.
        response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


# A form too large for memory (RequestDataTooBig) is a 413; other bad requests the 400 page.
handler400 = "massage.views.errors.bad_request"

urlpatterns = [
    # For the load balancer and monitoring (massage/views/health.py).
    path(health.PATH.lstrip("/"), health.healthz, name="healthz"),
    # Installing the site on a phone: the manifest and the service worker, whose scope is the
    # folder it is served from, so it lives at the root; and the page it shows offline.
    path("manifest.webmanifest", app_shell.manifest, name="manifest"),
    path("sw.js", app_shell.service_worker, name="service-worker"),
    path("offline/", app_shell.offline, name="offline"),
    path("admin/", admin.site.urls),
    path("accounts/", include(account_urls)),
    # The signed-in home combines every app, so it lives at the top, without a namespace.
    path("today/", today, name="today"),
    path("", include("massage.urls")),
    path("", include("sessions.urls")),
    path("", include("cues.urls")),
    re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.+)$", media, name="media"),
]
