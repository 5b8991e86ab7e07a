"""Reading good practices, always through one rule: a published practice (scheduled or
published, its date come) is public; before that only its organisation's people and the
secretariat read it. Publication on a date is a comparison made here, so no job has to run
on the day.

Each reader owns the records it hands out with a practice: its countries, topics and
organisation are loaded through their own readers, so a linked record the viewer may not
see is simply absent. Pages, API and forms read through these functions only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404
from django.utils import timezone

from rumbo.organisations.models import Organisation
from rumbo.organisations.selectors import organisations_for
from rumbo.plans.models import GcmObjective, Plan, PlanElement
from rumbo.plans.selectors import elements_for

from .access import can_review, own_organisation
from .models import GoodPractice, PracticeFile

COUNTRY_KINDS = (Organisation.Kind.MEMBER_STATE, Organisation.Kind.OBSERVER_STATE)


def published_q(today: dt.date | None = None) -> Q:
    """The practices that are public on `today` (by default the current date)."""
    return Q(
        status__in=GoodPractice.PUBLISHING,
        publish_on__isnull=False,
        publish_on__lte=today or timezone.localdate(),
    )


def _visible(user: Any, today: dt.date | None = None) -> QuerySet[GoodPractice]:
    qs = GoodPractice.objects.all()
    if can_review(user):
        return qs
    rule = published_q(today)
    org = own_organisation(user)
    if org is not None:
        rule |= Q(organisation_id=org)
    return qs.filter(rule)


def _with_links(user: Any, qs: QuerySet[GoodPractice]) -> QuerySet[GoodPractice]:
    # The submitter is a person, not a record with a level: shown to insiders only (pages, API).
    return qs.select_related("submitted_by").prefetch_related(
        Prefetch("organisation", queryset=organisations_for(user)),
        Prefetch("countries", queryset=organisations_for(user).order_by("name")),
        Prefetch("topics", queryset=elements_for(user).order_by("plan__code", "code")),
        "gcm_objectives",
        Prefetch("files", queryset=PracticeFile.objects.order_by("uploaded_at", "id")),
    )


def practices_for(user: Any) -> QuerySet[GoodPractice]:
    """Every practice the person may read (published ones, their organisation's, all for the
    secretariat), with their linked records as the person may see them."""
    return _with_links(user, _visible(user))


def get_practice_for(user: Any, pk: int) -> GoodPractice:
    """One practice, or 404: the same for one that does not exist and one not visible."""
    return get_object_or_404(practices_for(user), pk=pk)


def published_practices(user: Any = None, today: dt.date | None = None) -> QuerySet[GoodPractice]:
    """The published practices (public: the same for every viewer, only the linked records
    are read as `user` may see them), newest publication first."""
    qs = GoodPractice.objects.filter(published_q(today)).order_by("-publish_on", "-id")
    return _with_links(user, qs)


def review_queue_for(user: Any) -> QuerySet[GoodPractice]:
    """What the secretariat still has to decide or publish (nothing for anyone else)."""
    if not can_review(user):
        return GoodPractice.objects.none()
    waiting = Q(status__in=[GoodPractice.Status.SUBMITTED, GoodPractice.Status.ACCEPTED]) | Q(
        status=GoodPractice.Status.SCHEDULED, publish_on__gt=timezone.localdate()
    )
    return _with_links(user, GoodPractice.objects.filter(waiting)).order_by("submitted_at", "id")


def submissions_for(user: Any) -> QuerySet[GoodPractice]:
    """The practices of the person's organisation, whatever their status."""
    org = own_organisation(user)
    if org is None:
        return GoodPractice.objects.none()
    return practices_for(user).filter(organisation_id=org).order_by("-submitted_at", "-id")


def practice_files_for(user: Any) -> QuerySet[PracticeFile]:
    """The files a person may download: those of the practices they may read."""
    return PracticeFile.objects.filter(practice__in=_visible(user).values("pk"))


def get_practice_file_for(user: Any, pk: int) -> PracticeFile:
    return get_object_or_404(practice_files_for(user), pk=pk)


@dataclass(frozen=True)
class PracticeFilters:
    country: Organisation | None = None
    topic: PlanElement | None = None
    gcm: GcmObjective | None = None
    gender: bool | None = None
    year: int | None = None
    nothing: bool = False  # a filter was given that names no record the viewer may see


def filter_practices(qs: QuerySet[GoodPractice], f: PracticeFilters) -> QuerySet[GoodPractice]:
    if f.nothing:
        return qs.none()
    if f.country is not None:
        qs = qs.filter(countries=f.country)
    if f.topic is not None:
        qs = qs.filter(topics=f.topic)
    if f.gcm is not None:
        qs = qs.filter(gcm_objectives=f.gcm)
    if f.gender is not None:
        qs = qs.filter(gender_perspective=f.gender)
    if f.year is not None:
        qs = qs.filter(publish_on__year=f.year)
    return qs


# Choices for forms and filters ------------------------------------------------------------------


def gcm_objectives() -> QuerySet[GcmObjective]:
    """The 23 objectives of the Global Compact (public reference data)."""
    return GcmObjective.objects.order_by("number")


def countries_for(user: Any) -> QuerySet[Organisation]:
    """Member and observer countries a practice may be about."""
    return organisations_for(user).filter(kind__in=COUNTRY_KINDS).order_by("name")


def topics_for(user: Any) -> QuerySet[PlanElement]:
    """The pillars and topics of the strategic plans the person may see."""
    return (
        elements_for(user)
        .filter(plan__kind=Plan.Kind.STRATEGIC)
        .order_by("plan__period_start", "plan__code", "depth", "order", "id")
    )


def organisations_submitting_for(user: Any) -> QuerySet[Organisation]:
    """The organisations the secretariat may submit a practice for."""
    return organisations_for(user).order_by("kind", "name")


# Figures ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthCount:
    month: dt.date  # the first day of the month
    published: int
    target: int = 1  # “one practice per month” (UN Network work plan, activity 1.4)

    @property
    def met(self) -> bool:
        return self.published >= self.target


def published_by_month(
    first: dt.date, last: dt.date, today: dt.date | None = None
) -> list[MonthCount]:
    """Practices published in each month from `first`'s month to `last`'s month (inclusive),
    every month listed, those with none at 0. Counts only what is published by `today`."""
    today = today or timezone.localdate()
    start = first.replace(day=1)
    rows = (
        GoodPractice.objects.filter(published_q(today), publish_on__gte=start, publish_on__lte=last)
        .annotate(month=TruncMonth("publish_on"))
        .order_by()
        .values("month")
        .annotate(n=Count("id"))
    )
    counts = {_as_date(r["month"]): r["n"] for r in rows}
    months: list[MonthCount] = []
    month = start
    while month <= last:
        months.append(MonthCount(month, counts.get(month, 0)))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def published_count(first: dt.date, last: dt.date, today: dt.date | None = None) -> int:
    """How many practices were published between `first` and `last` (inclusive), counting
    only what is public by `today`: the figure of the indicator “good practices published”
    for a period. Published practices are public, so the count is the same for every viewer."""
    return (
        GoodPractice.objects.filter(published_q(today), publish_on__gte=first, publish_on__lte=last)
        .order_by()
        .count()
    )


def _as_date(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def publication_years() -> list[int]:
    """The years in which practices were published (for the year filter)."""
    dates = GoodPractice.objects.filter(published_q()).dates("publish_on", "year", order="DESC")
    return [d.year for d in dates]
