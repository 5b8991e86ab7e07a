from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    name = "rumbo.pledges"
    label = "pledges"
    verbose_name = _("Pledges")
