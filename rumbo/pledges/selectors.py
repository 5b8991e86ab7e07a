"""Reading pledges, always through one rule: a pledge is shown at or below the viewer's
clearance when its organisation is too; the pledging organisation's people and the secretariat
always read it. A round's update is exactly as visible as its pledge.

Each reader owns the records it hands out with a pledge: its organisation, activities, plan
actions and indicators are loaded through their own readers, so a linked record the viewer may
not see is simply absent. Pages, API and forms read through these functions only."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from rumbo.core.visibility import clearance_of
from rumbo.indicators.models import Indicator
from rumbo.indicators.selectors import indicators_for
from rumbo.organisations.models import Organisation
from rumbo.organisations.selectors import organisations_for
from rumbo.plans.models import Activity, GcmObjective, Plan, PlanElement
from rumbo.plans.selectors import activities_queryset, elements_for

from .access import is_secretariat, own_organisation
from .models import Pledge, PledgeUpdate, PledgeUpdateFile
from .rounds import DONE, Round, round_of, round_state, rounds_between, rounds_of_year

NOT_REPORTED = "not_reported"  # the status of a pledge no round has reported on yet


def _visible(user: Any) -> QuerySet[Pledge]:
    if is_secretariat(user):
        return Pledge.objects.all()
    clearance = clearance_of(user)
    rule = Q(visibility__lte=clearance, organisation__visibility__lte=clearance)
    org = own_organisation(user)
    if org is not None:
        rule |= Q(organisation_id=org)
    return Pledge.objects.filter(rule)


def _latest(field: str) -> Subquery:
    return Subquery(
        PledgeUpdate.objects.filter(pledge=OuterRef("pk"))
        .order_by("-round_year", "-round_month")
        .values(field)[:1]
    )


def updates_queryset(user: Any) -> QuerySet[PledgeUpdate]:
    """The updates of the pledges the person may read, with who reported and their files."""
    return (
        PledgeUpdate.objects.filter(pledge__in=_visible(user).values("pk"))
        .select_related("reported_by")
        .prefetch_related(
            Prefetch("files", queryset=PledgeUpdateFile.objects.order_by("uploaded_at", "id"))
        )
    )


def pledges_for(user: Any) -> QuerySet[Pledge]:
    """Every pledge the person may read, with its linked records as the person may see them,
    its rounds' updates, and its latest status and delivered amount (`latest_status`,
    `latest_delivered`: None before any update)."""
    return (
        _visible(user)
        .select_related("recorded_by")
        .annotate(latest_status=_latest("status"), latest_delivered=_latest("delivered_amount"))
        .prefetch_related(
            Prefetch("organisation", queryset=organisations_for(user)),
            "gcm_objectives",
            Prefetch(
                "activities",
                queryset=activities_queryset(user).select_related("plan").order_by("plan", "code"),
            ),
            Prefetch("actions", queryset=elements_for(user).order_by("plan", "code")),
            Prefetch("indicators", queryset=indicators_for(user).order_by("plan", "code")),
            Prefetch("updates", queryset=updates_queryset(user)),
        )
    )


def get_pledge_for(user: Any, pk: int) -> Pledge:
    """One pledge, or 404: the same for one that does not exist and one not visible."""
    return get_object_or_404(pledges_for(user), pk=pk)


def update_files_for(user: Any) -> QuerySet[PledgeUpdateFile]:
    """The files a person may download: those of the pledges they may read."""
    return PledgeUpdateFile.objects.filter(update__pledge__in=_visible(user).values("pk"))


def get_update_file_for(user: Any, pk: int) -> PledgeUpdateFile:
    return get_object_or_404(update_files_for(user), pk=pk)


def update_of(pledge: Pledge, rnd: Round) -> PledgeUpdate | None:
    """The pledge's update for a round, from the updates its reader loaded."""
    for update in pledge.updates.all():
        if update.round == rnd:
            return update
    return None


# Filters ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PledgeFilters:
    organisation: Organisation | None = None
    gcm: GcmObjective | None = None
    status: str = ""  # an update status, or NOT_REPORTED
    year: int | None = None  # the year pledged
    nothing: bool = False  # a filter was given that names no record the viewer may see


def filter_pledges(qs: QuerySet[Pledge], f: PledgeFilters) -> QuerySet[Pledge]:
    if f.nothing:
        return qs.none()
    if f.organisation is not None:
        qs = qs.filter(organisation=f.organisation)
    if f.gcm is not None:
        qs = qs.filter(gcm_objectives=f.gcm)
    if f.status == NOT_REPORTED:
        qs = qs.filter(Q(latest_status__isnull=True))
    elif f.status:
        qs = qs.filter(Q(latest_status=f.status))
    if f.year is not None:
        qs = qs.filter(pledged_on__year=f.year)
    return qs


# Figures ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CurrencyTotal:
    currency: str
    pledged: Decimal
    delivered: Decimal
    pledges: int

    @property
    def share(self) -> Decimal | None:
        """Delivered as a per cent of pledged (None when nothing was pledged)."""
        if not self.pledged:
            return None
        return (self.delivered * 100 / self.pledged).quantize(Decimal("0.1"))


def totals_by_currency(qs: QuerySet[Pledge]) -> list[CurrencyTotal]:
    """Pledged and delivered so far (each pledge's latest round), per currency, of the pledges
    in `qs` (already read as the viewer may see them). One query."""
    pledged: dict[str, Decimal] = defaultdict(Decimal)
    delivered: dict[str, Decimal] = defaultdict(Decimal)
    counts: dict[str, int] = defaultdict(int)
    rows = (
        qs.filter(amount__isnull=False)
        .order_by()
        .values_list("currency", "amount", F("latest_delivered"))
    )
    for currency, amount, done in rows:
        pledged[currency] += amount
        delivered[currency] += done or Decimal(0)
        counts[currency] += 1
    cents = Decimal("0.01")
    return [
        CurrencyTotal(c, pledged[c].quantize(cents), delivered[c].quantize(cents), counts[c])
        for c in sorted(pledged)
    ]


@dataclass(frozen=True)
class RoundRow:
    round: Round
    state: str  # rounds.DONE, DUE or LATE
    update: PledgeUpdate | None


def _closed_after(pledge: Pledge) -> Round | None:
    """The round whose update fulfilled or withdrew the pledge (none are due after it)."""
    closing = [u.round for u in pledge.updates.all() if u.status in PledgeUpdate.CLOSING]
    return min(closing) if closing else None


def _last_due(pledge: Pledge, today: dt.date) -> Round:
    last = round_of(today)
    if pledge.ends_on is not None:
        last = min(last, round_of(pledge.ends_on))
    closed = _closed_after(pledge)
    return min(last, closed) if closed else last


def pledge_rounds(pledge: Pledge, today: dt.date | None = None) -> list[RoundRow]:
    """The rounds since the pledge was made, each done, due or late, newest first: up to the
    round due now (or the pledge's end, or the round that fulfilled it), and any later round
    that was reported anyway."""
    today = today or timezone.localdate()
    reported = {u.round: u for u in pledge.updates.all()}
    last = max([_last_due(pledge, today), *reported])
    rows = [
        RoundRow(r, round_state(r, r in reported, today), reported.get(r))
        for r in rounds_between(pledge.pledged_on, last.due)
        if r in reported or r <= _last_due(pledge, today)
    ]
    return rows[::-1]


def is_reportable(pledge: Pledge, rnd: Round, today: dt.date | None = None) -> bool:
    """Whether a round may be reported for the pledge: from the round of the date pledged to
    the round due now."""
    today = today or timezone.localdate()
    return pledge.first_round <= rnd <= round_of(today)


@dataclass(frozen=True)
class RoundCount:
    """One round of a year: how many visible pledges owed an update and how many got one."""

    round: Round
    due_on: dt.date
    due: int
    reported: int

    @property
    def missing(self) -> int:
        return self.due - self.reported


def pledge_rounds_status(user: Any, year: int) -> list[RoundCount]:
    """The four follow-up rounds of `year` (April, June, September, December, each due on the
    last day of its month), in order, each with how many of the pledges `user` may see were
    due an update in it and how many got one.

    A pledge is due in a round from the round of its date pledged on, up to the round of its
    end date (when it has one) and up to the round whose update fulfilled or withdrew it.
    Future rounds are counted too (due is what will be owed). Two queries, whatever the
    number of pledges. For the obligations calendar and the reminders."""
    rounds = rounds_of_year(year)
    pledges = list(
        _visible(user)
        .filter(pledged_on__lte=rounds[-1].due)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=dt.date(year, 1, 1)))
        .only("pk", "pledged_on", "ends_on")
    )
    updates = PledgeUpdate.objects.filter(pledge__in=[p.pk for p in pledges]).values_list(
        "pledge_id", "round_year", "round_month", "status"
    )
    reported: set[tuple[int, Round]] = set()
    closed: dict[int, Round] = {}
    for pledge_id, y, m, status in updates:
        rnd = Round(y, m)
        reported.add((pledge_id, rnd))
        if status in PledgeUpdate.CLOSING and (pledge_id not in closed or rnd < closed[pledge_id]):
            closed[pledge_id] = rnd
    out = []
    for rnd in rounds:
        due = done = 0
        for p in pledges:
            if round_of(p.pledged_on) > rnd:
                continue
            if p.ends_on is not None and round_of(p.ends_on) < rnd:
                continue
            if p.pk in closed and closed[p.pk] < rnd:
                continue
            due += 1
            done += (p.pk, rnd) in reported
        out.append(RoundCount(rnd, rnd.due, due, done))
    return out


def round_states(rows: list[RoundRow]) -> dict[str, int]:
    """How many rounds are done, due and late."""
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.state] += 1
    counts.setdefault(DONE, 0)
    return dict(counts)


# Choices for forms and filters ------------------------------------------------------------------


def gcm_objectives() -> QuerySet[GcmObjective]:
    """The 23 objectives of the Global Compact (public reference data)."""
    return GcmObjective.objects.order_by("number")


def pledging_organisations_for(user: Any) -> QuerySet[Organisation]:
    """The organisations a pledge may be recorded for (the secretariat's choice)."""
    return organisations_for(user).order_by("kind", "name")


def activities_for_pledges(user: Any) -> QuerySet[Activity]:
    return activities_queryset(user).select_related("plan").order_by("plan__code", "code")


def actions_for(user: Any) -> QuerySet[PlanElement]:
    """The elements of the action plans (lines, objectives, actions) the person may see."""
    return elements_for(user).filter(plan__kind=Plan.Kind.ACTION).order_by("plan__code", "code")


def indicators_for_pledges(user: Any) -> QuerySet[Indicator]:
    return Indicator.objects.visible_to(user).select_related("plan").order_by("plan__code", "code")


def pledge_years(user: Any) -> list[int]:
    """The years in which the visible pledges were made (for the year filter)."""
    return [d.year for d in _visible(user).dates("pledged_on", "year", order="DESC")]
