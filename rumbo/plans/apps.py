from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "rumbo.plans"
    label = "plans"
    verbose_name = _("Plans and activities")

    def ready(self) -> None:
        # The plans' own sections of the home page and the pages their changes link to.
        from . import home

        home.register()
