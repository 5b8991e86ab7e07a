from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackingConfig(AppConfig):
    name = "rumbo.tracking"
    label = "tracking"
    verbose_name = _("Follow-up")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from rumbo.plans.extensions import add_activity_context, add_start_permit

        from . import home
        from .matrix import register_fold
        from .pages import activity_follow_up
        from .selectors import has_approved_note

        add_activity_context("follow-up", activity_follow_up)
        add_start_permit("approved concept note", has_approved_note)
        home.register()  # the notes waiting on the home page
        # Matrix search folds accents in SQL: SQLite is given the function it needs.
        connection_created.connect(register_fold, dispatch_uid="rumbo-fold")
