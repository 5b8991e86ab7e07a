"""Obligations: the duties the plans themselves set (who owes what to whom, how often, from
when), each quoted from its source, and the fulfilments recorded by hand for the periods that
Rumbo cannot tell from its own records.

An obligation is never more visible than the body that owes it, and a fulfilment never more
visible than its obligation or the working group it was recorded for."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rumbo.core.files import AttachedFile, RandomName
from rumbo.core.models import VersionedModel
from rumbo.core.visibility import Visibility, VisibleQuerySet


class ObligationQuerySet(VisibleQuerySet["Obligation"]):
    """At or below the viewer's clearance, and only when the body that owes it is too."""

    def for_clearance(self, clearance: int) -> ObligationQuerySet:
        qs = super().for_clearance(clearance)
        return qs.filter(Q(body__isnull=True) | Q(body__visibility__lte=clearance))


class FulfilmentQuerySet(VisibleQuerySet["Fulfilment"]):
    """As visible as its obligation, its obligation's body and the group it was recorded for."""

    def for_clearance(self, clearance: int) -> FulfilmentQuerySet:
        qs = super().for_clearance(clearance)
        return qs.filter(
            obligation__visibility__lte=clearance,
            # (A NULL body compares as unknown: written out for both foreign keys.)
        ).filter(
            Q(obligation__body__isnull=True) | Q(obligation__body__visibility__lte=clearance),
            Q(body__isnull=True) | Q(body__visibility__lte=clearance),
        )


if TYPE_CHECKING:
    ObligationManager = models.Manager.from_queryset(ObligationQuerySet)
    FulfilmentManager = models.Manager.from_queryset(FulfilmentQuerySet)


class Obligation(VersionedModel):
    class Debtor(models.TextChoices):
        BODY = "body", _("A body")
        EACH_WORKING_GROUP = "each_working_group", _("Each working group")
        SECRETARIAT = "secretariat", _("The Executive Secretariat")
        PRESIDENCY = "presidency", _("The Presidency Pro-Tempore of the year")
        ORGANISATION = "organisation", _("An organisation")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        SEMIANNUAL = "semiannual", _("Semi-annual")
        ANNUAL = "annual", _("Annual")
        PER_EVENT = "per_event", _("For each activity")

    class DueFrom(models.TextChoices):
        START = "start", _("the start of the period")
        END = "end", _("the end of the period")

    class Rule(models.TextChoices):
        """How Rumbo knows an occurrence is done: recorded by hand, or computed from its own
        records (one function per rule in `rules.py`)."""

        HAND = "hand", _("Recorded by hand")
        WORKING_GROUP_MEETINGS = "working_group_meetings", _("Meetings held, from the meetings")
        PRACTICES_PUBLISHED = "practices_published", _("Good practices published")
        CONCEPT_NOTES = "concept_notes", _("Concept notes submitted before the activity")
        PLEDGE_ROUNDS = "pledge_rounds", _("Pledges updated in the round, from the pledges")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=300)
    debtor = models.CharField(_("who owes it"), max_length=30, choices=Debtor.choices)
    body = models.ForeignKey(
        "organisations.Body",
        verbose_name=_("body that owes it"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="obligations",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation that owes it"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    creditor = models.CharField(_("to whom"), max_length=300, blank=True)
    frequency = models.CharField(_("how often"), max_length=20, choices=Frequency.choices)
    # The months a source names (e.g. April, June, September, December), 1–12; empty: the
    # months the frequency implies (the end of each quarter, semester or year).
    months = models.JSONField(_("months"), default=list, blank=True)
    times = models.PositiveSmallIntegerField(_("times per period"), default=1)
    due_from = models.CharField(
        _("due from"), max_length=5, choices=DueFrom.choices, default=DueFrom.END
    )
    grace_days = models.PositiveSmallIntegerField(_("days allowed"), default=0)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    rule = models.CharField(_("how it is known"), max_length=30, choices=Rule.choices)
    quote = models.TextField(_("the source's words"))
    source = models.CharField(_("source"), max_length=300)
    assumption = models.TextField(_("what Rumbo assumes"), blank=True)
    visibility = models.PositiveSmallIntegerField(
        _("visible to"), choices=Visibility.choices, default=Visibility.PUBLIC
    )

    objects: ClassVar[ObligationManager] = ObligationQuerySet.as_manager()
    if TYPE_CHECKING:
        title_es: str | None
        title_en: str | None
        creditor_es: str | None
        creditor_en: str | None
        _default_manager: ClassVar[ObligationManager]

    class Meta:
        ordering = ["code"]
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")

    def __str__(self) -> str:
        return (self.title_es or self.title_en or self.title or "")[:300]

    def clean(self) -> None:
        if self.debtor == self.Debtor.BODY and self.body_id is None:
            raise ValidationError({"body": _("Say which body owes it.")})
        if self.debtor == self.Debtor.ORGANISATION and self.organisation_id is None:
            raise ValidationError({"organisation": _("Say which organisation owes it.")})
        if any(not isinstance(m, int) or not 1 <= m <= 12 for m in self.months or []):
            raise ValidationError({"months": _("Months are numbers from 1 to 12.")})
        if self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end cannot be before the start.")})


class Fulfilment(VersionedModel):
    """An occurrence of an obligation marked done by the one who owes it: when it was done,
    and a link, a file or a note showing it."""

    obligation = models.ForeignKey(
        Obligation,
        verbose_name=_("obligation"),
        on_delete=models.CASCADE,
        related_name="fulfilments",
    )
    # The occurrence's period as `schedule.Period.code` writes it ("2024-04", "2024-S1",
    # "2024-Q2", "2024", "activity-12").
    period = models.CharField(_("period"), max_length=30)
    body = models.ForeignKey(
        "organisations.Body",
        verbose_name=_("working group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("For an obligation of each working group: the group that fulfilled it."),
    )
    done_on = models.DateField(_("done on"))
    link = models.URLField(_("link"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    visibility = models.PositiveSmallIntegerField(
        _("visible to"), choices=Visibility.choices, default=Visibility.PUBLIC
    )

    objects: ClassVar[FulfilmentManager] = FulfilmentQuerySet.as_manager()
    if TYPE_CHECKING:
        _default_manager: ClassVar[FulfilmentManager]

    class Meta:
        ordering = ["obligation", "period", "id"]
        verbose_name = _("fulfilment of an obligation")
        verbose_name_plural = _("fulfilments of obligations")
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "period", "body"],
                condition=Q(body__isnull=False),
                name="fulfilment_once_per_group_occurrence",
            ),
            models.UniqueConstraint(
                fields=["obligation", "period"],
                condition=Q(body__isnull=True),
                name="fulfilment_once_per_occurrence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.obligation} · {self.period}"


class FulfilmentFile(AttachedFile):
    """A document showing a fulfilment, served only to whoever may read the fulfilment."""

    fulfilment = models.ForeignKey(
        Fulfilment,
        verbose_name=_("fulfilment"),
        on_delete=models.CASCADE,
        related_name="files",
    )
    file = models.FileField(_("file"), upload_to=RandomName("obligation-files"))

    if TYPE_CHECKING:
        objects: ClassVar[models.Manager[FulfilmentFile]]

    class Meta:
        ordering = ["fulfilment", "uploaded_at", "id"]
        verbose_name = _("file of a fulfilment")
        verbose_name_plural = _("files of fulfilments")
