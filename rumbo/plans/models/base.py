from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rumbo.core.models import VersionedModel
from rumbo.core.visibility import EffectiveVisibleQuerySet, Visibility


class PlanContent(VersionedModel):
    """What hangs from a plan (elements, activities): linked to the global frameworks, and
    never more visible than what it hangs from."""

    gcm_objectives = models.ManyToManyField(
        "plans.GcmObjective", verbose_name=_("Global Compact objectives"), blank=True
    )
    sdg_targets = models.ManyToManyField(
        "plans.SdgTarget", verbose_name=_("SDG targets"), blank=True
    )
    visibility = models.PositiveSmallIntegerField(
        _("visible to"), choices=Visibility.choices, default=Visibility.PUBLIC
    )
    # max(own, parent element's effective, plan's): maintained by plans.services.
    effective_visibility = models.PositiveSmallIntegerField(
        choices=Visibility.choices, default=Visibility.PUBLIC, db_index=True, editable=False
    )

    objects = EffectiveVisibleQuerySet.as_manager()

    class Meta:
        abstract = True
