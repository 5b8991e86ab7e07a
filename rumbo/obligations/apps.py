from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObligationsConfig(AppConfig):
    name = "rumbo.obligations"
    label = "obligations"
    verbose_name = _("Obligations")

    def ready(self) -> None:
        from . import home

        home.register()
