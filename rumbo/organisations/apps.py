from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def record_login(sender: Any, user: Any, **kwargs: Any) -> None:
    """At each log-in, keep the one before (what "since your last visit" counts from) and
    set the new one, in one UPDATE: no save(), so no other column is written over and nothing
    reaches the audit log (neither field is content)."""
    from django.db.models import F
    from django.utils import timezone

    now = timezone.now()
    type(user)._default_manager.filter(pk=user.pk).update(
        previous_login=F("last_login"), last_login=now
    )
    user.previous_login, user.last_login = user.last_login, now


class OrganisationsConfig(AppConfig):
    name = "rumbo.organisations"
    label = "organisations"
    verbose_name = _("Organisations and people")

    def ready(self) -> None:
        from django.contrib.auth.models import update_last_login
        from django.contrib.auth.signals import user_logged_in

        # Django's own receiver overwrites last_login; this one keeps the previous value too.
        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(record_login, dispatch_uid="rumbo-record-login")
