"""Expected results of a plan and the indicators that measure them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from rumbo.core.visibility import clearance_of

_M = TypeVar("_M", bound=models.Model)


class PlanVisibleQuerySet(models.QuerySet[_M]):
    """Results and indicators are as visible as their plan."""

    def visible_to(self, user: Any) -> Self:
        return self.filter(plan__visibility__lte=clearance_of(user))


if TYPE_CHECKING:
    PlanVisibleManager = models.Manager.from_queryset(PlanVisibleQuerySet)


class ExpectedResult(models.Model):
    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="results")
    code = models.CharField(_("code"), max_length=20)
    order = models.PositiveIntegerField(_("order"), default=0)
    text = models.TextField(_("expected result"))

    objects: ClassVar[PlanVisibleManager[ExpectedResult]] = PlanVisibleQuerySet.as_manager()
    if TYPE_CHECKING:
        # The per-language columns modeltranslation adds (translation.py); its
        # managers are built at run time, so the default one is declared too.
        text_es: str | None
        text_en: str | None
        _default_manager: ClassVar[PlanVisibleManager[ExpectedResult]]

    class Meta:
        ordering = ["plan", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="unique_result_code_in_plan")
        ]
        verbose_name = _("expected result")
        verbose_name_plural = _("expected results")

    def __str__(self) -> str:
        return f"{self.code} {self.text}"[:200]


class Indicator(models.Model):
    class Kind(models.TextChoices):
        RESULT = "result", _("Result indicator")
        PROCESS = "process", _("Process indicator")
        IMPACT = "impact", _("Impact indicator")
        OUTPUT = "output", _("Output indicator")

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="indicators")
    result = models.ForeignKey(
        ExpectedResult,
        verbose_name=_("expected result"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=20)
    order = models.PositiveIntegerField(_("order"), default=0)
    name = models.TextField(_("indicator"))

    objects: ClassVar[PlanVisibleManager[Indicator]] = PlanVisibleQuerySet.as_manager()
    if TYPE_CHECKING:
        # The per-language columns modeltranslation adds (translation.py); its
        # managers are built at run time, so the default one is declared too.
        name_es: str | None
        name_en: str | None
        _default_manager: ClassVar[PlanVisibleManager[Indicator]]

    class Meta:
        ordering = ["plan", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="unique_indicator_code_in_plan")
        ]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"[:200]

    def clean(self) -> None:
        if self.result_id and self.result and self.result.plan_id != self.plan_id:
            raise ValidationError({"result": _("The result must belong to the same plan.")})
