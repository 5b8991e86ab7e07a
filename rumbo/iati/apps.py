from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IatiConfig(AppConfig):
    """The IATI 2.03 activity file of a plan (no models: an output of plans and indicators)."""

    name = "rumbo.iati"
    verbose_name = _("IATI export")
