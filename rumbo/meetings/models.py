"""Meetings and events of the bodies of the process (meetings, workshops, seminars, webinars,
trainings, forums): when and where, agenda, participants, documents and minutes.

A meeting is never more visible than its body: the working groups may meet behind closed
doors, members only (2019–2022 Strategic Plan, §3.10)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rumbo.core.files import AttachedFile, RandomName
from rumbo.core.models import VersionedModel
from rumbo.core.visibility import Visibility, VisibleQuerySet
from rumbo.plans.models.activity import Activity, date_label

# Dates keep the precision they were given ("July 2018", "2018", "29/11/2017").
Precision = Activity.Precision


class MeetingQuerySet(VisibleQuerySet["Meeting"]):
    """A meeting is shown at or below the viewer's clearance, and only when its body is too
    (read from the body itself, so that a body made more restricted hides its meetings at
    once)."""

    def for_clearance(self, clearance: int) -> MeetingQuerySet:
        qs = super().for_clearance(clearance)
        return qs.filter(Q(body__isnull=True) | Q(body__visibility__lte=clearance))


if TYPE_CHECKING:
    MeetingManager = models.Manager.from_queryset(MeetingQuerySet)


class Meeting(VersionedModel):
    class Kind(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        WORKSHOP = "workshop", _("Workshop")
        SEMINAR = "seminar", _("Seminar")
        WEBINAR = "webinar", _("Webinar")
        TRAINING = "training", _("Training")
        FORUM = "forum", _("Forum")

    class Status(models.TextChoices):
        NOT_REPORTED = "not_reported", _("Not reported")
        PROPOSED = "proposed", _("Proposed")
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    class Modality(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        VIRTUAL = "virtual", _("Virtual")
        HYBRID = "hybrid", _("In person and virtual")

    # The key of a meeting that ships with the seed data; empty for meetings people record.
    code = models.SlugField(_("code"), max_length=60, blank=True)
    body = models.ForeignKey(
        "organisations.Body",
        verbose_name=_("body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
        help_text=_("Empty when the sources do not say which body held it."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MEETING)
    title = models.CharField(_("title"), max_length=300)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_REPORTED
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    start_precision = models.CharField(
        _("start date given as"), max_length=5, choices=Precision.choices, default=Precision.DAY
    )
    end_date = models.DateField(_("end date"), null=True, blank=True)
    end_precision = models.CharField(
        _("end date given as"), max_length=5, choices=Precision.choices, default=Precision.DAY
    )
    modality = models.CharField(_("modality"), max_length=20, choices=Modality.choices, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    participants_note = models.TextField(_("participants (as described)"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    source = models.TextField(_("source"), blank=True)
    visibility = models.PositiveSmallIntegerField(
        _("visible to"), choices=Visibility.choices, default=Visibility.PUBLIC
    )

    objects: ClassVar[MeetingManager] = MeetingQuerySet.as_manager()
    if TYPE_CHECKING:
        title_es: str | None
        title_en: str | None
        place_es: str | None
        place_en: str | None
        _default_manager: ClassVar[MeetingManager]

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="meeting_code_unique"
            )
        ]
        indexes = [models.Index(fields=["body", "start_date"])]

    def __str__(self) -> str:
        return self.title[:300]

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end cannot be before the start.")})
        if self.end_date and not self.start_date:
            raise ValidationError({"start_date": _("Give the start date with the end date.")})

    @property
    def effective_visibility(self) -> int:
        """The level it is shown at: its own, or its body's when that is more restricted."""
        body_level = self.body.visibility if self.body_id and self.body else 0
        return max(int(self.visibility), int(body_level))

    @property
    def year(self) -> int | None:
        return self.start_date.year if self.start_date else None

    def dates_label(self) -> str:
        """The dates at the precision they were given, in the active language."""
        start = date_label(self.start_date, self.start_precision)
        end = date_label(self.end_date, self.end_precision)
        if not start:
            return ""
        return start if not end or end == start else f"{start} – {end}"

    def audit_extra(self) -> dict[str, Any]:
        """The agenda and the participants, as part of the meeting's audited content."""
        return {
            "agenda": [
                [item.title_es or "", item.title_en or "", item.proposed]
                for item in AgendaItem.objects.filter(meeting=self).order_by("order", "id")
            ],
            "participants": [
                [p.organisation.code, p.women, p.men, p.non_binary, p.not_stated]
                for p in Participation.objects.filter(meeting=self)
                .select_related("organisation")
                .order_by("order", "id")
            ],
        }


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("agenda item"), max_length=500)
    # Put forward for the agenda, not (yet) known to be on it.
    proposed = models.BooleanField(_("proposed"), default=False)

    if TYPE_CHECKING:
        # modeltranslation builds the manager at run time.
        title_es: str | None
        title_en: str | None
        objects: ClassVar[models.Manager[AgendaItem]]
        _default_manager: ClassVar[models.Manager[AgendaItem]]

    class Meta:
        ordering = ["meeting", "order", "id"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda")

    def __str__(self) -> str:
        return self.title


class Participation(models.Model):
    """A country or organisation that took part, with its delegates by sex where known
    (each count may be unknown: empty, never zero by default)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("country or organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    women = models.PositiveIntegerField(_("women"), null=True, blank=True)
    men = models.PositiveIntegerField(_("men"), null=True, blank=True)
    non_binary = models.PositiveIntegerField(_("non-binary"), null=True, blank=True)
    not_stated = models.PositiveIntegerField(_("sex not stated"), null=True, blank=True)

    class Meta:
        ordering = ["meeting", "order", "id"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organisation"], name="participation_once_per_meeting"
            )
        ]

    def __str__(self) -> str:
        return str(self.organisation_id)


# The folder of meeting documents, apart from the follow-up's evidence.
FOLDER = "meeting-documents"


class MeetingDocument(AttachedFile):
    """A file of a meeting (agenda, report, presentation), stored under a random name.
    Served only by the `meeting_document_download` view, to whoever may see its meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("file"), upload_to=RandomName(FOLDER))

    class Meta:
        ordering = ["meeting", "uploaded_at", "id"]
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")


# Agreements adopted at meetings and their country follow-up live in their own module.
from .models_agreements import Agreement, FollowUp  # noqa: E402

__all__ = [
    "AgendaItem",
    "Agreement",
    "FollowUp",
    "Meeting",
    "MeetingDocument",
    "Participation",
]
