from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackingConfig(AppConfig):
    name = "rumbo.tracking"
    label = "tracking"
    verbose_name = _("Follow-up")

    def ready(self) -> None:
        from rumbo.plans.extensions import add_activity_context

        from .pages import activity_follow_up

        add_activity_context("follow-up", activity_follow_up)
