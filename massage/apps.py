from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MassageConfig(AppConfig):
    name = "massage"
    verbose_name = _("Families and routines")

    def ready(self):
        from massage import checks  # noqa: F401  (registers the system checks)
