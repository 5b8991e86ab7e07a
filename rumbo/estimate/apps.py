from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EstimateConfig(AppConfig):
    name = "rumbo.estimate"
    label = "estimate"
    verbose_name = _("Labour-demand estimation")
