"""What the shipped data last said of each record it loaded.

A reload compares three things per field: what the data says now, what it said when it was last
loaded (here), and what the record holds. A record a person changed keeps the person's value; a
field nobody touched follows the data; a record a person removed stays removed."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SeedRecord(models.Model):
    kind = models.CharField(_("kind"), max_length=60)  # the model's label, "plans.activity"
    key = models.CharField(_("key"), max_length=300)  # its natural key, "un-rn-2023-2024/A1"
    values = models.JSONField(_("values as loaded"), default=dict)
    loaded_at = models.DateTimeField(_("last loaded"), auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="unique_seed_record")]
        verbose_name = _("shipped record")
        verbose_name_plural = _("shipped records")

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"
