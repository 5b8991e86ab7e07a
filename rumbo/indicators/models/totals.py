"""Whole-plan figures of indicators, kept as they are computed: read by every overview (a
plan of hundreds of indicators, a country's page, the downloads) in one indexed query instead
of aggregating every approved value again on each request.

Derived data only: rebuilt by `rumbo.indicators.totals.refresh` in the same transaction as
every change to the values that count (an approval; a correction of an approved value) or to
how an indicator combines them (its unit, aggregation, time basis). Only approved values count,
and an approved value is as visible as its indicator, so one figure serves every viewer who may
see the indicator; it is read only for indicators already read through `indicators_for`."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from rumbo.organisations.models import Organisation

from .design import Indicator


class IndicatorTotal(models.Model):
    """One whole-plan figure of an indicator: for the region (`combined`), for one country,
    or (`country` empty, not combined) of the values reported for the region as a whole."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    combined = models.BooleanField(default=False)
    country = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    value = models.DecimalField(max_digits=24, decimal_places=6, null=True)
    numerator = models.DecimalField(max_digits=24, decimal_places=6, null=True)
    denominator = models.DecimalField(max_digits=24, decimal_places=6, null=True)
    reporting = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator"], condition=Q(combined=True), name="unique_combined_total"
            ),
            models.UniqueConstraint(
                fields=["indicator", "country"],
                condition=Q(combined=False, country__isnull=False),
                name="unique_country_total",
            ),
            models.UniqueConstraint(
                fields=["indicator"],
                condition=Q(combined=False, country__isnull=True),
                name="unique_regional_values_total",
            ),
            models.CheckConstraint(
                condition=Q(combined=False) | Q(country__isnull=True),
                name="combined_total_has_no_country",
            ),
        ]
        indexes = [models.Index(fields=["country", "indicator"])]

    def __str__(self) -> str:
        return f"{self.indicator_id} {'region' if self.combined else self.country_id}"
