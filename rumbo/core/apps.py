from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "rumbo.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.urls import register_converter

        from .params import IdConverter, MonthConverter, YearConverter

        # Before any URLconf is read: every app's urls.py uses <id:pk>.
        register_converter(IdConverter, "id")
        register_converter(YearConverter, "year")
        register_converter(MonthConverter, "month")
