"""Activities (what is done), who is responsible, when, and with what money."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from rumbo.core.visibility import EffectiveVisibleQuerySet, Visibility, VisibleQuerySet

from .base import PlanContent
from .plan import Plan, PlanElement

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from rumbo.core.visibility import EffectiveVisibleManager

_M = TypeVar("_M", bound=models.Model)

# What an approved concept note copies into its activity (concept_note_approve). When the
# note is more restricted than the activity, these keep the note's level: viewers below it
# read what the activity said before (Activity.redact_for).
NOTE_TEXTS = ("indicators", "assumptions_risks")
NOTE_DATES = ("start_date", "end_date")
NOTE_FIELDS = NOTE_TEXTS + NOTE_DATES
# The columns holding them (a translated text has one per language).
NOTE_COLUMNS = tuple(f"{name}_{lang}" for name in NOTE_TEXTS for lang in ("es", "en")) + NOTE_DATES


class Activity(PlanContent):
    class Status(models.TextChoices):
        # Unknown is a value: what the sources do not say is "not reported", never a guess.
        NOT_REPORTED = "not_reported", _("Not reported")
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        FINISHED = "finished", _("Finished")
        NOT_ACHIEVED = "not_achieved", _("Not achieved")
        CANCELLED = "cancelled", _("Cancelled")

    class Precision(models.TextChoices):
        """How precisely a date was given: "28 September 2023", "July 2023" or "2024". A month
        is kept as its first day (a start) or its last day (an end), a year likewise, so that
        ranges and "overdue" never rest on a day nobody gave."""

        DAY = "day", _("Day")
        MONTH = "month", _("Month")
        YEAR = "year", _("Year")

    class Term(models.TextChoices):
        SHORT = "short", _("Short term")
        MEDIUM = "medium", _("Medium term")
        LONG = "long", _("Long term")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="activities"
    )
    element = models.ForeignKey(
        PlanElement,
        verbose_name=_("serves"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    code = models.CharField(_("code"), max_length=40)
    title = models.TextField(_("activity"))
    description = models.TextField(_("description"), blank=True)
    references = models.TextField(_("references"), blank=True)
    responsible_note = models.TextField(_("responsible parties (as written)"), blank=True)
    indicators = models.TextField(
        _("result / impact indicators"),
        blank=True,
        help_text=_("And who measures them. Filled from the approved concept note."),
    )
    working_group = models.ForeignKey(
        "organisations.Body",
        verbose_name=_("working group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
        limit_choices_to={"kind__in": ["working_group", "ad_hoc_group"]},
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    start_precision = models.CharField(
        _("start date given as"), max_length=5, choices=Precision.choices, default=Precision.DAY
    )
    end_precision = models.CharField(
        _("end date given as"), max_length=5, choices=Precision.choices, default=Precision.DAY
    )
    term = models.CharField(_("term"), max_length=10, choices=Term.choices, blank=True)
    plan_year = models.PositiveSmallIntegerField(
        _("year of the plan"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    recurrence = models.CharField(_("recurrence"), max_length=200, blank=True)
    schedule_note = models.TextField(_("schedule (as written)"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    assumptions_risks = models.TextField(_("assumptions and risks"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    linked_elements = models.ManyToManyField(
        PlanElement,
        verbose_name=_("pillars and topics"),
        blank=True,
        related_name="linked_activities",
    )
    # The level of the content copied from a restricted concept note, and which fields hold
    # it (a subset of NOTE_FIELDS); see redact_for.
    note_visibility = models.PositiveSmallIntegerField(
        _("level of the concept note's content"),
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
        editable=False,
    )
    # {field: what it said before the note's content replaced it}
    note_fields = models.JSONField(default=dict, blank=True, editable=False)

    objects: ClassVar[EffectiveVisibleManager[Activity]] = EffectiveVisibleQuerySet.as_manager()
    if TYPE_CHECKING:
        # The per-language columns modeltranslation adds (translation.py); its
        # managers are built at run time, so the default one is declared too.
        title_es: str | None
        title_en: str | None
        description_es: str | None
        description_en: str | None
        references_es: str | None
        references_en: str | None
        responsible_note_es: str | None
        responsible_note_en: str | None
        indicators_es: str | None
        indicators_en: str | None
        recurrence_es: str | None
        recurrence_en: str | None
        schedule_note_es: str | None
        schedule_note_en: str | None
        assumptions_risks_es: str | None
        assumptions_risks_en: str | None
        notes_es: str | None
        notes_en: str | None
        _default_manager: ClassVar[EffectiveVisibleManager[Activity]]

    class Meta:
        ordering = ["plan_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="unique_activity_code_in_plan")
        ]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"[:300]

    def redact_for(self, clearance: int) -> None:
        """Show a viewer below the level of a restricted concept note's content what the
        activity said before that content came in (in this instance only; never saved:
        services re-read records before writing)."""
        deferred = self.get_deferred_fields()
        if {"note_visibility", "note_fields"} & deferred:
            loaded = [n for n in NOTE_FIELDS if not any(a.startswith(n) for a in deferred)]
            if loaded:
                raise RuntimeError("Activity read without its note level: load note_visibility.")
            return
        if self.note_visibility <= clearance:
            return
        for name, original in self.note_fields.items():
            if name in NOTE_DATES:
                setattr(self, name, dt.date.fromisoformat(original) if original else None)
            else:
                for lang in ("es", "en"):
                    setattr(self, f"{name}_{lang}", (original or {}).get(lang))

    # The lists of related rows recorded with the activity (see audit_extra): for each, the
    # relation and the columns read from its rows, in order. The history page names and shows
    # each cell by the field its column starts from (`organisation__code`: the organisation).
    AUDIT_EXTRA_ROWS: ClassVar[dict[str, tuple[str, tuple[str, ...]]]] = {
        "responsible_parties": (
            "parties",
            ("organisation__code", "role", "visibility", "hidden_from"),
        ),
        "budget_lines": (
            "budget_lines",
            (
                "amount",
                "currency",
                "source",
                "funder",
                "committed",
                "spent",
                "visibility",
                "hidden_from",
            ),
        ),
    }

    def audit_extra(self) -> dict[str, list[list[Any]]]:
        """Responsible parties and budget lines belong to the activity's audited content
        (edited with it on the pages, in the admin and by imports)."""
        party_columns = self.AUDIT_EXTRA_ROWS["responsible_parties"][1]
        line_columns = self.AUDIT_EXTRA_ROWS["budget_lines"][1]
        parties = ActivityParty.objects.filter(activity=self).values_list(*party_columns)
        lines = BudgetLine.objects.filter(activity=self).order_by("id").values_list(*line_columns)
        return {
            "responsible_parties": [list(row) for row in parties],
            # Amounts as the database holds them ("15000.50"), as text.
            "budget_lines": [
                [str(cell) if isinstance(cell, Decimal) else cell for cell in row] for row in lines
            ],
        }

    @property
    def overdue(self) -> bool:
        """Overdue today (see is_overdue)."""
        return is_overdue(self, timezone.localdate())

    @property
    def start_label(self) -> str:
        return date_label(self.start_date, self.start_precision)

    @property
    def end_label(self) -> str:
        return date_label(self.end_date, self.end_precision)

    def leads(self) -> list[ActivityParty]:
        """Lead organisations, from the prefetched parties when they are there."""
        return [p for p in self.parties.all() if p.role == ActivityParty.Role.LEAD]

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if self.element_id and self.element and self.element.plan_id != self.plan_id:
            errors["element"] = _("The element must belong to the activity's plan.")
        if self.start_date and self.end_date and self.start_date > self.end_date:
            errors["end_date"] = _("The end date cannot be before the start date.")
        if self.plan_year and self.plan_id and self.plan_year > self.plan.plan_years:
            errors["plan_year"] = _("The plan runs for %(n)s years.") % {"n": self.plan.plan_years}
        if errors:
            raise ValidationError(errors)


# Statuses of work still expected; "not reported" is not among them (nothing is known).
OPEN = (Activity.Status.NOT_STARTED, Activity.Status.IN_PROGRESS)


def is_overdue(activity: Activity, today: dt.date) -> bool:
    """Past its end (the last day of a month or year given as such) and still open: the one
    rule of the activity page, the matrix and the roadmap."""
    return bool(activity.end_date and activity.end_date < today and activity.status in OPEN)


def overdue_q(today: dt.date) -> Q:
    """is_overdue as a filter."""
    return Q(end_date__lt=today, status__in=OPEN)


def spread(day: dt.date, precision: str, *, end: bool) -> dt.date:
    """The first (a start) or last (an end) day of the month or year a date stands for."""
    if precision == Activity.Precision.YEAR:
        return dt.date(day.year, 12, 31) if end else dt.date(day.year, 1, 1)
    if precision == Activity.Precision.MONTH:
        if not end:
            return day.replace(day=1)
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day


def date_label(day: dt.date | None, precision: str) -> str:
    """A date at the precision it was given, as the active language writes it
    ("julio de 2023" / "July 2023", "2024", "28/09/2023")."""
    if day is None:
        return ""
    if precision == Activity.Precision.YEAR:
        return str(day.year)
    if precision == Activity.Precision.MONTH:
        return date_format(day, "YEAR_MONTH_FORMAT")
    return date_format(day, "SHORT_DATE_FORMAT")


class ActivityPartQuerySet(VisibleQuerySet[_M]):
    """Records that are part of an activity: as visible as the activity, and their own level.
    A part a restricted concept note replaced (`hidden_from`) is still shown to viewers below
    that level, who read the activity as it was before the note."""

    def for_clearance(self, clearance: int) -> Self:
        qs = super().for_clearance(clearance).filter(activity__effective_visibility__lte=clearance)
        if any(f.name == "hidden_from" for f in self.model._meta.concrete_fields):
            qs = qs.filter(Q(hidden_from__isnull=True) | Q(hidden_from__gt=clearance))
        return qs

    def current(self) -> Self:
        """The parts as the activity now has them (what its editors see and change)."""
        return self.filter(hidden_from__isnull=True)


if TYPE_CHECKING:
    ActivityPartManager = models.Manager.from_queryset(ActivityPartQuerySet)


class ActivityParty(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        ACCOMPANYING = "accompanying", _("Accompanying")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="activity_roles",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    order = models.PositiveSmallIntegerField(default=0)
    # Named by a restricted concept note: shown from that level up.
    visibility = models.PositiveSmallIntegerField(
        _("visible to"), choices=Visibility.choices, default=Visibility.PUBLIC
    )
    # Replaced by a restricted concept note's parties: no longer shown from that level up.
    hidden_from = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)

    objects = ActivityPartQuerySet.as_manager()

    class Meta:
        # "lead" sorts after "accompanying": descending puts the leads first.
        ordering = ["activity", "-role", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "organisation", "role"], name="unique_party_role"
            )
        ]
        verbose_name = _("responsible party")
        verbose_name_plural = _("responsible parties")

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


MONEY: dict[str, Any] = {
    "max_digits": 14,
    "decimal_places": 2,
    "validators": [MinValueValidator(Decimal(0))],
}


class StatusChangeQuerySet(VisibleQuerySet):
    """A status change is as visible as its activity (the status is on the activity); only
    its reason carries a level of its own, and is blanked below it."""

    visibility_field = "activity__effective_visibility"


class BudgetLine(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="budget_lines")
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="USD",
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Use a three-letter ISO code, e.g. USD."))],
    )
    source = models.CharField(_("source of funds"), max_length=200, blank=True)
    funder = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("funder"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funded_lines",
    )
    committed = models.DecimalField(_("committed"), default=Decimal(0), **MONEY)
    spent = models.DecimalField(_("spent"), default=Decimal(0), **MONEY)
    # A line copied from a restricted concept note keeps the note's level.
    visibility = models.PositiveSmallIntegerField(
        _("visible to"), choices=Visibility.choices, default=Visibility.PUBLIC
    )
    # Replaced by a restricted concept note's budget: no longer shown from that level up.
    hidden_from = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)

    objects = ActivityPartQuerySet.as_manager()

    class Meta:
        ordering = ["activity", "id"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"

    def clean(self) -> None:
        if self.spent is not None and self.amount is not None and self.spent > self.amount:
            raise ValidationError({"spent": _("Spent cannot exceed the budgeted amount.")})


class StatusChange(models.Model):
    """The status history of an activity: what the semi-annual figures are computed from."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="status_changes")
    old_status = models.CharField(_("from"), max_length=20, choices=Activity.Status.choices)
    new_status = models.CharField(_("to"), max_length=20, choices=Activity.Status.choices)
    # The date of the work (what the semi-annual figures count by) and when it was recorded:
    # a secretariat catching up on past work records it today, dated when it happened.
    happened_on = models.DateField(_("date of the change"), db_index=True)
    at = models.DateTimeField(_("recorded at"), db_index=True)
    actor = models.ForeignKey(
        "organisations.User",
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    # The level of the reason's source (a members-only progress update, say): the change
    # itself is as visible as the activity's status; its reason is not shown below this.
    visibility = models.PositiveSmallIntegerField(
        _("reason visible to"), choices=Visibility.choices, default=Visibility.PUBLIC
    )

    objects = StatusChangeQuerySet.as_manager()

    class Meta:
        ordering = ["activity", "happened_on", "at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.activity_id}: {self.old_status} → {self.new_status}"

    def redact_for(self, clearance: int) -> None:
        if "visibility" not in self.get_deferred_fields() and self.visibility > clearance:
            self.reason = ""
