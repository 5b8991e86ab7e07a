"""Values reported for an indicator: one per period and country (or the region), broken
down by the indicator's disaggregations, reviewed before they count."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rumbo.core.models import VersionedModel
from rumbo.core.visibility import Visibility

from .design import NUMBER, Category, Indicator


class MeasurementQuerySet(models.QuerySet["Measurement"]):
    def approved(self) -> Self:
        return self.filter(status=Measurement.Status.APPROVED)

    def for_clearance(self, clearance: int) -> Self:
        return self.filter(indicator__in=Indicator.objects.for_clearance(clearance))


if TYPE_CHECKING:
    from django_stubs_ext.db.models.manager import RelatedManager

    from .files import MeasurementFile

    MeasurementManager = models.Manager.from_queryset(MeasurementQuerySet)


class Measurement(VersionedModel):
    """The value of an indicator for one period and one country (no country: the region)."""

    class Status(models.TextChoices):
        # "value status": a value (el valor) is "enviado", a note (la nota) "enviada".
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", pgettext_lazy("value status", "Submitted")
        RETURNED = "returned", pgettext_lazy("value status", "Returned with comments")
        APPROVED = "approved", pgettext_lazy("value status", "Approved")

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="values"
    )
    period = models.CharField(_("period"), max_length=10)
    country = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicator_values",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    value = models.DecimalField(_("value"), **NUMBER)
    numerator = models.DecimalField(_("numerator"), **NUMBER)
    denominator = models.DecimalField(_("denominator"), **NUMBER)
    text = models.TextField(_("qualitative value"), blank=True)
    evidence = models.TextField(
        _("evidence"),
        blank=True,
        help_text=_("Where the figure comes from: a document, a link, a record."),
    )
    comment = models.TextField(_("comment"), blank=True)
    # Why the breakdown does not add up to the total, when it does not.
    breakdown_note = models.TextField(_("why the breakdown does not add up"), blank=True)
    review_comment = models.TextField(_("review comments"), blank=True)
    # The design revision (IndicatorDesign.number) the value was entered under.
    design = models.PositiveIntegerField(_("design"), default=1)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    objects: ClassVar[MeasurementManager] = MeasurementQuerySet.as_manager()
    if TYPE_CHECKING:
        files: RelatedManager[MeasurementFile]  # its evidence files (models/files.py)

    class Meta:
        ordering = ["indicator", "period", "country"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "country"], name="unique_value_per_country"
            ),
            models.UniqueConstraint(
                fields=["indicator", "period"],
                condition=Q(country__isnull=True),
                name="unique_regional_value",
            ),
        ]
        indexes = [
            models.Index(fields=["indicator", "status", "period"]),
            # A country's page reads its values from this index alone: the periods reported
            # per indicator (SQLite otherwise probes the unique index once per indicator and
            # period), and the latest values first.
            models.Index(
                fields=["country", "indicator", "period", "status", "submitted_at"],
                name="value_country_cover",
            ),
        ]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")

    def __str__(self) -> str:
        where = self.country.code if self.country_id and self.country else "—"
        return f"{self.indicator.code} {self.period} {where}"

    @property
    def counts(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def effective_visibility(self) -> int:
        """An approved value is as visible as its indicator; until then, it is the reporting
        country's and the secretariat's work (the audit log records it at this level)."""
        if not self.indicator_id or self.status != self.Status.APPROVED:
            return Visibility.MEMBERS
        return self.indicator.effective_visibility


class MeasurementPart(models.Model):
    """One category's share of a value (the women among those counted, say)."""

    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, related_name="parts")
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.DecimalField(_("value"), **NUMBER)
    numerator = models.DecimalField(_("numerator"), **NUMBER)
    denominator = models.DecimalField(_("denominator"), **NUMBER)

    class Meta:
        ordering = ["measurement", "category__dimension__order", "category__order"]
        constraints = [
            models.UniqueConstraint(fields=["measurement", "category"], name="unique_part")
        ]
        verbose_name = _("breakdown")
        verbose_name_plural = _("breakdowns")

    def __str__(self) -> str:
        return f"{self.category.code}: {self.value}"

    def as_dict(self) -> dict[str, Any]:
        return {"value": self.value, "numerator": self.numerator, "denominator": self.denominator}


class PeriodLock(models.Model):
    """A period of a plan closed once its report is out: changing a value in it then needs
    the secretariat and a reason."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="locks")
    period = models.CharField(_("period"), max_length=10)
    locked_at = models.DateTimeField(_("locked"), auto_now_add=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["plan", "period"]
        constraints = [models.UniqueConstraint(fields=["plan", "period"], name="unique_lock")]
        verbose_name = _("locked period")
        verbose_name_plural = _("locked periods")

    def __str__(self) -> str:
        return f"{self.plan.code} {self.period}"
