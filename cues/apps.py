from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CuesConfig(AppConfig):
    name = "cues"
    verbose_name = _("Baby cues")
