"""Global frameworks that plans and activities refer to."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class GcmObjective(models.Model):
    """One of the 23 objectives of the Global Compact for Safe, Orderly and Regular Migration."""

    number = models.PositiveSmallIntegerField(
        _("number"), unique=True, validators=[MinValueValidator(1), MaxValueValidator(23)]
    )
    title = models.CharField(_("title"), max_length=400)

    if TYPE_CHECKING:
        # The per-language columns modeltranslation adds (translation.py); its
        # managers are built at run time, so the default one is declared too.
        title_es: str | None
        title_en: str | None
        objects: ClassVar[models.Manager[GcmObjective]]
        _default_manager: ClassVar[models.Manager[GcmObjective]]

    class Meta:
        ordering = ["number"]
        verbose_name = _("Global Compact objective")
        verbose_name_plural = _("Global Compact objectives")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class SdgTarget(models.Model):
    """A target of the Sustainable Development Goals (e.g. 8.8, 10.7)."""

    code = models.CharField(
        _("code"),
        max_length=10,
        unique=True,
        validators=[
            RegexValidator(
                r"^\d{1,2}\.[0-9a-z]{1,2}$", _("Write the target as goal.target, e.g. 8.8.")
            )
        ],
    )
    title = models.TextField(_("title"))

    if TYPE_CHECKING:
        # The per-language columns modeltranslation adds (translation.py); its
        # managers are built at run time, so the default one is declared too.
        title_es: str | None
        title_en: str | None
        objects: ClassVar[models.Manager[SdgTarget]]
        _default_manager: ClassVar[models.Manager[SdgTarget]]

    class Meta:
        ordering = ["code"]
        verbose_name = _("SDG target")
        verbose_name_plural = _("SDG targets")

    def __str__(self) -> str:
        return self.code
