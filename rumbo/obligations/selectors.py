"""Reading obligations, their occurrences, fulfilments and freshness, always through the
visibility rule: an obligation is as visible as the body that owes it, a fulfilment as its
obligation and the group it was recorded for. Pages, API and forms read here only."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from rumbo.core.visibility import Visibility
from rumbo.indicators.dashboards_country import gaps_of
from rumbo.organisations.models import Body, Organisation
from rumbo.organisations.selectors import bodies_for, organisations_for

from .models import FulfilmentFile, Obligation
from .occurrences import DONE, LATE, DebtorKey, Occurrence, build, fulfilments_for

# How far ahead the calendar and the reminders look ("the coming months").
HORIZON_DAYS = 92
# The freshness figure counts what came due in the last year.
FRESHNESS_DAYS = 365

__all__ = [
    "HORIZON_DAYS",
    "Freshness",
    "freshness_for",
    "fulfilments_for",
    "get_fulfilment_file_for",
    "get_obligation_for",
    "obligations_for",
    "occurrences_for",
    "owed_by_groups",
]


def obligations_for(user: Any) -> QuerySet[Obligation]:
    """The obligations a viewer may see, with the body and organisation that owe them read
    through their own readers."""
    return Obligation.objects.visible_to(user).prefetch_related(
        Prefetch("body", queryset=bodies_for(user).prefetch_related(None)),
        Prefetch("organisation", queryset=organisations_for(user)),
    )


def get_obligation_for(user: Any, pk: int) -> Obligation:
    """One obligation, or 404: the same for one that does not exist and one not visible."""
    return get_object_or_404(obligations_for(user), pk=pk)


def fulfilment_files_for(user: Any) -> QuerySet[FulfilmentFile]:
    return FulfilmentFile.objects.filter(fulfilment__in=fulfilments_for(user).values("pk"))


def get_fulfilment_file_for(user: Any, pk: int) -> FulfilmentFile:
    return get_object_or_404(fulfilment_files_for(user), pk=pk)


def occurrences_for(
    user: Any,
    obligations: QuerySet[Obligation] | list[Obligation] | None = None,
    *,
    today: dt.date | None = None,
    horizon_days: int = HORIZON_DAYS,
) -> list[Occurrence]:
    """The occurrences of the obligations (by default every one the viewer sees) from their
    start to `horizon_days` after `today`, with their status. A fixed number of queries."""
    today = today or timezone.localdate()
    obs = list(obligations_for(user) if obligations is None else obligations)
    return build(user, obs, today=today, horizon=today + dt.timedelta(days=horizon_days))


def get_occurrence_for(
    user: Any, obligation: Obligation, period: str, body: int | None
) -> Occurrence:
    """One occurrence of a visible obligation (its period and, for each working group, the
    group), or 404."""
    from django.http import Http404

    for occ in occurrences_for(user, [obligation]):
        if occ.period.code == period and occ.body_id == body:
            return occ
    raise Http404


@dataclass(frozen=True)
class CalendarFilters:
    body: str = ""
    owner: str = ""  # an Obligation.Debtor value
    status: str = ""  # done | due | late
    year: int | None = None


def filter_occurrences(found: list[Occurrence], f: CalendarFilters) -> list[Occurrence]:
    out = found
    if f.body:
        out = [o for o in out if o.debtor.body is not None and o.debtor.body.code == f.body]
    if f.owner:
        out = [o for o in out if o.obligation.debtor == f.owner]
    if f.status:
        out = [o for o in out if o.status == f.status]
    if f.year:
        out = [o for o in out if o.due.year == f.year]
    return out


def by_month(found: list[Occurrence]) -> list[tuple[dt.date, list[Occurrence]]]:
    """Occurrences grouped by the month they are due in, oldest first."""
    months: dict[dt.date, list[Occurrence]] = defaultdict(list)
    for o in found:
        months[o.due.replace(day=1)].append(o)
    return sorted(months.items())


# Freshness ----------------------------------------------------------------------------------------


@dataclass
class Freshness:
    """The share of what came due in the last year that is done: each obligation's
    occurrences, and for a country its indicator values (missing ones counted from the
    country dashboard's own selector)."""

    due: int = 0
    done: int = 0
    late: list[Occurrence] = field(default_factory=list)
    values_missing: int | None = None  # countries only

    @property
    def parts(self) -> int:
        return self.due + (1 if self.values_missing is not None else 0)

    @property
    def up_to_date(self) -> int:
        values = 1 if self.values_missing == 0 else 0
        return self.done + values

    @property
    def share(self) -> float | None:
        """From 0 to 1; None when nothing has come due."""
        return self.up_to_date / self.parts if self.parts else None

    @property
    def percent(self) -> int | None:
        return None if self.share is None else round(100 * self.share)


def _keys(country: Organisation | None, body: Body | None) -> set[DebtorKey]:
    keys: set[DebtorKey] = set()
    if country is not None:
        keys |= {("country", country.pk), ("organisation", country.pk)}
    if body is not None:
        keys.add(("body", body.pk))
    return keys


def freshness_of(found: list[Occurrence], keys: set[DebtorKey], today: dt.date) -> Freshness:
    """The freshness of whoever `keys` names, from occurrences already built."""
    since = today - dt.timedelta(days=FRESHNESS_DAYS)
    fresh = Freshness()
    for o in found:
        if o.debtor.key not in keys or not since <= o.due < today:
            continue
        fresh.due += 1
        if o.status == DONE:
            fresh.done += 1
        elif o.status == LATE:
            fresh.late.append(o)
    return fresh


def freshness_for(
    user: Any,
    *,
    country: Organisation | None = None,
    body: Body | None = None,
    today: dt.date | None = None,
) -> Freshness:
    """How up to date a member country or a working group is, as `user` may see it: the
    occurrences it owes that came due in the last year (done or not), and for a country its
    indicator values missing. A fixed number of queries whatever the amount of data."""
    today = today or timezone.localdate()
    found = occurrences_for(user, today=today, horizon_days=0)
    if country is not None and body is None:
        return country_freshness(user, found, country, today)
    fresh = freshness_of(found, _keys(country, body), today)
    if country is not None and country.kind == Organisation.Kind.MEMBER_STATE:
        fresh.values_missing = gaps_of(user, country, limit=0)[1]
    return fresh


def country_freshness(
    user: Any, found: list[Occurrence], country: Organisation, today: dt.date
) -> Freshness:
    """A country's freshness from occurrences already built: what it owes (as presidency and
    as an organisation) and, for a member country, its indicator values missing (the country
    dashboard's own count: four queries)."""
    fresh = freshness_of(found, _keys(country, None), today)
    if country.kind == Organisation.Kind.MEMBER_STATE:
        fresh.values_missing = gaps_of(user, country, limit=0)[1]
    return fresh


# The reminder job ---------------------------------------------------------------------------------


class _WholeRecord:
    """The reminder job's reader: it sees every record (a job, not a person). What it hands
    to each person must be filtered for them by whoever sends it."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    is_secretariat = True
    clearance = Visibility.MEMBERS
    role = "secretariat"
    pk = None
    organisation_id = None


WHOLE_RECORD = _WholeRecord()


def owed_by_groups(today: dt.date, horizon_days: int) -> dict[DebtorKey, list[Occurrence]]:
    """For the daily reminder job: what each debtor owes that is not done, due by
    `horizon_days` after `today` or late (due in the last year), grouped by who owes it:
    ("body", body id) a named body or a working group (its members and those who record its
    meetings); ("country", country id) the member country holding the Presidency Pro-Tempore
    of the occurrence's year (its PPT officials); ("organisation", organisation id);
    ("secretariat", 0); ("presidency", year) a presidency Rumbo has no record of (the
    secretariat's to chase). Reads every record, members-only ones included: the job must hand
    each person only what `obligations_for(person)` shows them. A fixed number of queries
    (ten or so, and two a year of pledge rounds) whatever the amount of data."""
    since = today - dt.timedelta(days=FRESHNESS_DAYS)
    out: dict[DebtorKey, list[Occurrence]] = defaultdict(list)
    for o in occurrences_for(WHOLE_RECORD, today=today, horizon_days=horizon_days):
        if o.done or o.due < since:
            continue
        out[o.debtor.key].append(o)
    return dict(out)


def owned_keys(user: Any) -> set[DebtorKey]:
    """The debtors a person answers for: the secretariat's; their country (as presidency and
    as an organisation); their working groups."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    keys: set[DebtorKey] = set()
    if user.is_secretariat:
        keys.add(("secretariat", 0))
    if user.organisation_id is not None:
        keys |= {("country", user.organisation_id), ("organisation", user.organisation_id)}
    keys |= {("body", pk) for pk in user.working_groups.values_list("pk", flat=True)}
    return keys


__all__ += [
    "by_month",
    "country_freshness",
    "filter_occurrences",
    "get_occurrence_for",
    "owned_keys",
]
