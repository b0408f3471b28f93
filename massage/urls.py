"""The site's URLs: the only module besides settings that knows every app."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path

from cues.views.today import today
from massage import account_views

accounts = [
    path("login/", account_views.LoginView.as_view(), name="account_login"),
    path("signup/", account_views.SignupView.as_view(), name="account_signup"),
    path(
        "password/change/",
        account_views.PasswordChangeView.as_view(),
        name="account_change_password",
    ),
    path(
        "password/reset/", account_views.PasswordResetView.as_view(), name="account_reset_password"
    ),
    re_path(
        r"^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        account_views.PasswordResetFromKeyView.as_view(),
        name="account_reset_password_from_key",
    ),
    path("", include("allauth.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include(accounts)),
    # The signed-in home combines every app, so it lives at the top, without a namespace.
    path("today/", today, name="today"),
    path("", include("massage.app_urls")),
    path("", include("sessions.urls")),
    path("", include("cues.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
