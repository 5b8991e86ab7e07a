"""Agreements, recommendations and mandates adopted at a meeting, and each member country's
follow-up of them (the country follow-up grid).

An agreement is never more visible than its meeting (nor, through the meeting, its body). A
country's follow-up cell exists once someone reports it: a country with no cell has "not
reported", the honest default, never "none"."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rumbo.core.models import VersionedModel
from rumbo.core.visibility import Visibility, VisibleQuerySet

from .models import Meeting


class AgreementQuerySet(VisibleQuerySet["Agreement"]):
    """An agreement is shown at or below the viewer's clearance, and only when its meeting
    is (read from the meeting and its body, so that a meeting or body made more restricted
    hides its agreements at once)."""

    def for_clearance(self, clearance: int) -> AgreementQuerySet:
        qs = super().for_clearance(clearance)
        return qs.filter(meeting__visibility__lte=clearance).filter(
            Q(meeting__body__isnull=True) | Q(meeting__body__visibility__lte=clearance)
        )


if TYPE_CHECKING:
    AgreementManager = models.Manager.from_queryset(AgreementQuerySet)


class Agreement(VersionedModel):
    class Kind(models.TextChoices):
        AGREEMENT = "agreement", _("Agreement")
        RECOMMENDATION = "recommendation", _("Recommendation")
        MANDATE = "mandate", _("Mandate")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="agreements"
    )
    code = models.CharField(
        _("number or code"), max_length=40, help_text=_("As the meeting numbered it.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.AGREEMENT)
    text = models.TextField(_("text"))
    elements = models.ManyToManyField(
        "plans.PlanElement",
        verbose_name=_("plan elements and actions"),
        blank=True,
        related_name="+",
    )
    visibility = models.PositiveSmallIntegerField(
        _("visible to"), choices=Visibility.choices, default=Visibility.PUBLIC
    )

    objects: ClassVar[AgreementManager] = AgreementQuerySet.as_manager()
    if TYPE_CHECKING:
        text_es: str | None
        text_en: str | None
        _default_manager: ClassVar[AgreementManager]

    class Meta:
        ordering = ["meeting", "order", "code", "id"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "code"], name="agreement_code_per_meeting")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:80]}".strip()

    @property
    def effective_visibility(self) -> int:
        """Its own level, or its meeting's when that is more restricted."""
        return max(int(self.visibility), self.meeting.effective_visibility)


class FollowUp(VersionedModel):
    """What one member country reported on one agreement: its status, evidence and date."""

    class Status(models.TextChoices):
        NOT_REPORTED = "not_reported", _("Not reported")
        NONE = "none", _("No action")
        IN_PROGRESS = "in_progress", _("In progress")
        IMPLEMENTED = "implemented", _("Implemented")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="follow_ups")
    country = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_REPORTED
    )
    evidence = models.TextField(_("evidence"), blank=True)
    # The date of the work reported (when the country did it or reported it), not of typing.
    reported_on = models.DateField(_("date"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["agreement", "country__name", "id"]
        verbose_name = _("country follow-up")
        verbose_name_plural = _("country follow-up")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "country"], name="follow_up_once_per_country"
            )
        ]
        # Covering what a country's reports are counted by (the indicator "countries
        # reporting follow-up", a country's page): read from the index alone, without a
        # lookup of each of hundreds of thousands of rows.
        indexes = [
            models.Index(
                fields=["country", "status", "reported_on", "agreement"], name="follow_up_reports"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement.code} – {self.country}"

    @property
    def effective_visibility(self) -> int:
        """As visible as its agreement (its audit rows too)."""
        return self.agreement.effective_visibility

    # Statuses that count as "reported follow-up" for the indicator.
    REPORTED = (Status.IN_PROGRESS, Status.IMPLEMENTED)
