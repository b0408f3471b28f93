from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MassageConfig(AppConfig):
    name = "massage"
    verbose_name = _("Families and routines")

    def ready(self):
        from django.db.models import fields

        from massage import checks  # noqa: F401  (registers the system checks)

        # The empty choice of a select (Django 6.1's "- Select an option -"), in our own
        # catalogue: Django's Spanish one has no translation for it yet.
        fields.BLANK_CHOICE_LABEL = _("- Select an option -")
