"""Pledges (the UN Network's work plan 2023–2024, activity 1.3: “monitor the pledges made
quarterly, ensure accountability through the Global Network's follow-up form”): who pledged
what, in money and/or in kind, and an update per quarterly round (April, June, September,
December) of what has been delivered so far."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rumbo.core.files import AttachedFile, RandomName
from rumbo.core.models import VersionedModel
from rumbo.core.visibility import Visibility, VisibleQuerySet

from .rounds import ROUND_MONTHS, Round, round_of

MONEY: dict[str, Any] = {
    "max_digits": 16,
    "decimal_places": 2,
    "validators": [MinValueValidator(0)],
}
CURRENCY = RegexValidator(r"^[A-Z]{3}$", _("Use a three-letter ISO code, e.g. USD."))


class PledgeQuerySet(VisibleQuerySet["Pledge"]):
    """A pledge is shown at or below the viewer's clearance, and only when its organisation
    is too (a pledge is never more visible than who made it)."""

    def for_clearance(self, clearance: int) -> PledgeQuerySet:
        qs = super().for_clearance(clearance)
        return qs.filter(organisation__visibility__lte=clearance)


if TYPE_CHECKING:
    PledgeManager = models.Manager.from_queryset(PledgeQuerySet)


class Pledge(VersionedModel):
    """A commitment an organisation made: an amount of money in one currency, something in
    kind, or both; linked to the plans' activities and actions and to indicators."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("pledged by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    gcm_objectives = models.ManyToManyField(
        "plans.GcmObjective",
        verbose_name=_("Global Compact objectives"),
        blank=True,
        related_name="+",
    )
    amount = models.DecimalField(_("amount pledged"), null=True, blank=True, **MONEY)
    currency = models.CharField(_("currency"), max_length=3, blank=True, validators=[CURRENCY])
    in_kind = models.TextField(_("in kind"), blank=True)
    activities = models.ManyToManyField(
        "plans.Activity", verbose_name=_("activities"), blank=True, related_name="+"
    )
    actions = models.ManyToManyField(
        "plans.PlanElement", verbose_name=_("plan actions"), blank=True, related_name="+"
    )
    indicators = models.ManyToManyField(
        "indicators.Indicator", verbose_name=_("indicators"), blank=True, related_name="+"
    )
    visibility = models.PositiveSmallIntegerField(
        _("visible to"), choices=Visibility.choices, default=Visibility.PUBLIC
    )
    pledged_on = models.DateField(_("date pledged"))
    ends_on = models.DateField(_("to be fulfilled by"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    objects: ClassVar[PledgeManager] = PledgeQuerySet.as_manager()
    if TYPE_CHECKING:
        title_es: str | None
        title_en: str | None
        description_es: str | None
        description_en: str | None
        in_kind_es: str | None
        in_kind_en: str | None
        _default_manager: ClassVar[PledgeManager]

    class Meta:
        ordering = ["-pledged_on", "-id"]
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")

    def __str__(self) -> str:
        return (self.title_es or self.title_en or self.title or "")[:300]

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        has_kind = any(
            (getattr(self, f"in_kind_{lang}", "") or "").strip() for lang in ("es", "en")
        )
        if self.amount is None and not has_kind and not (self.in_kind or "").strip():
            errors["amount"] = _("Give an amount, what is pledged in kind, or both.")
        if self.amount is not None and not self.currency:
            errors["currency"] = _("Give the currency of the amount.")
        if self.ends_on and self.pledged_on and self.ends_on < self.pledged_on:
            errors["ends_on"] = _("The end cannot come before the date pledged.")
        if errors:
            raise ValidationError(errors)

    @property
    def effective_visibility(self) -> int:
        """The level it is shown at (and its audit rows written at): its own, or its
        organisation's when that is more restricted."""
        org_level = self.organisation.visibility if self.organisation_id else 0
        return max(int(self.visibility), int(org_level))

    @property
    def first_round(self) -> Round:
        return round_of(self.pledged_on)


class PledgeUpdate(VersionedModel):
    """What an organisation reports for one pledge in one round: delivered so far (cumulative,
    in the pledge's currency), delivered in kind, the progress status, a narrative, a link and
    files. One per pledge and round; as visible as its pledge."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        PARTLY_FULFILLED = "partly_fulfilled", _("Partly fulfilled")
        FULFILLED = "fulfilled", _("Fulfilled")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # After these no further round is due.
    CLOSING = (Status.FULFILLED, Status.WITHDRAWN)

    pledge = models.ForeignKey(
        Pledge, verbose_name=_("pledge"), on_delete=models.CASCADE, related_name="updates"
    )
    round_year = models.PositiveSmallIntegerField(_("year of the round"))
    round_month = models.PositiveSmallIntegerField(
        _("month of the round"), choices=[(m, str(m)) for m in ROUND_MONTHS]
    )
    delivered_amount = models.DecimalField(_("delivered so far"), null=True, blank=True, **MONEY)
    delivered_currency = models.CharField(
        _("currency"), max_length=3, blank=True, validators=[CURRENCY]
    )
    in_kind_delivered = models.TextField(_("delivered in kind so far"), blank=True)
    status = models.CharField(
        _("progress"), max_length=20, choices=Status.choices, default=Status.IN_PROGRESS
    )
    narrative = models.TextField(_("narrative"), blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("reported"), default=timezone.now)

    if TYPE_CHECKING:
        narrative_es: str | None
        narrative_en: str | None
        in_kind_delivered_es: str | None
        in_kind_delivered_en: str | None
        objects: ClassVar[models.Manager[PledgeUpdate]]
        _default_manager: ClassVar[models.Manager[PledgeUpdate]]

    class Meta:
        ordering = ["pledge", "round_year", "round_month"]
        verbose_name = _("pledge update")
        verbose_name_plural = _("pledge updates")
        constraints = [
            models.UniqueConstraint(
                fields=["pledge", "round_year", "round_month"], name="one_update_per_round"
            ),
            models.CheckConstraint(
                condition=Q(round_month__in=ROUND_MONTHS), name="update_in_a_round_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pledge} · {self.round_year}-{self.round_month:02d}"

    @property
    def round(self) -> Round:
        return Round(self.round_year, self.round_month)

    @property
    def effective_visibility(self) -> int:
        return self.pledge.effective_visibility


class PledgeUpdateFile(AttachedFile):
    """A document of a round's update. Served only by `pledge_file_download`, to whoever may
    read its pledge."""

    update = models.ForeignKey(
        PledgeUpdate,
        verbose_name=_("pledge update"),
        on_delete=models.CASCADE,
        related_name="files",
    )
    file = models.FileField(_("file"), upload_to=RandomName("pledge-files"))

    if TYPE_CHECKING:
        objects: ClassVar[models.Manager[PledgeUpdateFile]]

    class Meta:
        ordering = ["update", "uploaded_at", "id"]
        verbose_name = _("file of a pledge update")
        verbose_name_plural = _("files of pledge updates")
