from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "rumbo.indicators"
    label = "indicators"
    verbose_name = _("Results and indicators")

    def ready(self) -> None:
        from . import home
        from .rules import register_rules

        register_rules()
        home.register()
