from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "rumbo.reminders"
    label = "reminders"
    verbose_name = _("Reminders and calendar feeds")

    def ready(self) -> None:
        from . import sources

        sources.register()  # meetings in the feeds; what each person owes in the digest
