"""The computed indicators Rumbo counts from its own records: plans, follow-up, meetings and
good practices (and countries reporting follow-up of recommendations, with those records)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Case, CharField, Min, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Substr
from django.db.models.lookups import GreaterThan, LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rumbo.meetings.models import Meeting
from rumbo.meetings.selectors import meetings_for
from rumbo.meetings.selectors_agreements import countries_reporting
from rumbo.organisations.models import Body
from rumbo.plans.models import Activity, Plan
from rumbo.plans.selectors import activities_queryset, status_changes_for
from rumbo.practices.selectors import published_practices
from rumbo.tracking.selectors import concept_notes_for

from .computed import Rule, register
from .models import Indicator


def _activities(user: Any, plan: Plan, country_id: int | None) -> QuerySet[Activity]:
    """The plan's activities and those of its operational plans, as the viewer sees them;
    for a country, those it leads or accompanies."""
    qs = activities_queryset(user).filter(Q(plan=plan) | Q(plan__parent=plan))
    if country_id is not None:
        qs = qs.filter(parties__organisation_id=country_id)
    return qs


def activities_finished(user: Any, ind: Indicator, country_id: int | None) -> Iterable[dt.date]:
    acts = _activities(user, ind.plan, country_id).filter(status=Activity.Status.FINISHED)
    done: dict[int, dt.date] = {}
    changes = status_changes_for(user).filter(
        activity__in=acts, new_status=Activity.Status.FINISHED
    )
    for activity_id, day in changes.values_list("activity_id", "happened_on").order_by(
        "happened_on"
    ):
        done[activity_id] = day  # the latest finishing counts
    return done.values()


def concept_notes_approved(user: Any, ind: Indicator, country_id: int | None) -> Iterable[dt.date]:
    notes = concept_notes_for(user).filter(
        status="approved",
        decided_at__isnull=False,
        activity__in=_activities(user, ind.plan, country_id),
    )
    zone = timezone.get_current_timezone()
    return [
        at.astimezone(zone).date()
        for at in notes.values_list("decided_at", flat=True)
        if at is not None
    ]


def meetings_held(user: Any, ind: Indicator, country_id: int | None) -> Iterable[dt.date]:
    """Meetings and events held by the plan's working group (a plan of the whole process:
    by every working group), as the viewer sees them, dated by their first day; for a
    country, those it took part in. A meeting without a date is not counted."""
    found = meetings_for(user).filter(status=Meeting.Status.HELD, start_date__isnull=False)
    owner = ind.plan.owner_body
    if owner is not None and owner.kind == Body.Kind.WORKING_GROUP:
        found = found.filter(body=owner)
    else:
        found = found.filter(body__kind=Body.Kind.WORKING_GROUP)
    if country_id is not None:
        found = found.filter(participants__organisation_id=country_id).distinct()
    return [day for day in found.values_list("start_date", flat=True) if day is not None]


QUARTER_ENDS = ((1, "03"), (2, "06"), (3, "09"))  # the last month of each quarter but the 4th


def countries_reporting_follow_up(
    user: Any, ind: Indicator, country_id: int | None
) -> Iterable[dt.date]:
    """Member countries that reported follow-up (in progress or implemented) of agreements
    and recommendations the viewer may see, each counted once per period of the indicator's
    frequency, dated by its first report in that period; for a country, whether it did.
    Not limited to the indicator's plan: agreements are the meetings', not a plan's."""
    kind = ind.frequency if ind.frequency in ("year", "semester", "quarter") else "year"
    cells = countries_reporting(user, country_id=country_id)
    # One row per country and period, worked out by the database: with thousands of
    # agreements the cells run to hundreds of thousands, the answer to a few hundred. The
    # period is read from the date's ISO text ("2024-05-01"), which both databases compute
    # natively (SQLite's date functions in Django are Python, called once per row).
    day = Cast("reported_on", CharField())
    month = Substr(day, 6, 2)
    part: Any = Value(1)
    if kind == "semester":
        part = Case(When(GreaterThan(month, Value("06")), then=Value(2)), default=Value(1))
    elif kind == "quarter":
        part = Case(
            *(When(LessThanOrEqual(month, Value(m)), then=Value(n)) for n, m in QUARTER_ENDS),
            default=Value(4),
        )
    firsts = (
        cells.order_by()
        .annotate(year=Substr(day, 1, 4), part=part)
        .values("country_id", "year", "part")
        .annotate(first=Min("reported_on"))
        .values_list("first", flat=True)
    )
    return list(firsts)


def good_practices_published(
    user: Any, ind: Indicator, country_id: int | None
) -> Iterable[dt.date]:
    """Published good practices (public ones: the same for every viewer), dated by their
    publication; for a country, those tagged with it. Not limited to the indicator's plan:
    a practice is the region's, not a plan's."""
    found = published_practices(user)
    if country_id is not None:
        found = found.filter(countries=country_id)
    return [day for day in found.values_list("publish_on", flat=True) if day is not None]


def register_rules() -> None:
    register(
        Rule(
            "activities_finished",
            _("Activities finished"),
            _(
                "Activities of the plan (and of its operational plans) whose status is "
                "finished, counted in the period when the work was finished."
            ),
            activities_finished,
        )
    )
    register(
        Rule(
            "concept_notes_approved",
            _("Concept notes approved"),
            _(
                "Concept notes of the plan's activities approved by the secretariat or the "
                "Presidency Pro-Tempore, counted in the period of their approval."
            ),
            concept_notes_approved,
        )
    )
    register(
        Rule(
            "meetings_held",
            _("Meetings held by working groups"),
            _(
                "Meetings and events held by the plan's working group (for a plan of the "
                "whole process, by every working group), counted in the period of their first "
                "day; for a country, those it took part in."
            ),
            meetings_held,
        )
    )
    register(
        Rule(
            "countries_reporting_follow_up",
            _("Countries reporting follow-up of recommendations"),
            _(
                "Member countries that reported follow-up (in progress or implemented) of the "
                "agreements and recommendations of the meetings, each counted once per period, "
                "in the period of its report; for a country, whether it reported."
            ),
            countries_reporting_follow_up,
        )
    )
    register(
        Rule(
            "good_practices_published",
            _("Good practices published"),
            _(
                "Good practices published on Rumbo (of any participant, civil society "
                "included, after the secretariat's review), counted in the period of their "
                "publication; for a country, those about it."
            ),
            good_practices_published,
        )
    )
