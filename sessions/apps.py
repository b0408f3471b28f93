from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MassageSessionsConfig(AppConfig):
    """A parent's massage sessions.

    The label is "massage_sessions" because django.contrib.sessions already owns "sessions".
    """

    name = "sessions"
    label = "massage_sessions"
    verbose_name = _("Massage sessions")
