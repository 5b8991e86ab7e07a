from typing import Any

from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate
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
        post_migrate.connect(_fill_totals, sender=self)


def _fill_totals(sender: AppConfig, **kwargs: Any) -> None:
    """After the schema is up to date: the stored whole-plan figures of indicators that have
    approved values and none stored yet (values approved before figures were stored)."""
    from .totals import fill_missing

    if kwargs.get("using", DEFAULT_DB_ALIAS) == DEFAULT_DB_ALIAS:
        fill_missing()
