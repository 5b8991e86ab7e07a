"""Reading agreements and their follow-up grids, always through the visibility rule: an
agreement at or below the viewer's level, of a meeting they may see; its linked plan elements
through the plans' reader; its follow-up cells only for countries the viewer may see. A grid
costs the same few queries whatever the number of agreements and countries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db.models import Count, F, FilteredRelation, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from rumbo.organisations.models import Body, Organisation
from rumbo.organisations.selectors import organisations_for
from rumbo.plans.selectors import elements_for

from .models import Meeting
from .models_agreements import Agreement, FollowUp
from .selectors import meetings_for


def member_countries_for(user: Any) -> QuerySet[Organisation]:
    """The member countries the viewer may see: the rows of every follow-up grid."""
    return organisations_for(user).filter(kind=Organisation.Kind.MEMBER_STATE).order_by("name")


def agreements_for(user: Any) -> QuerySet[Agreement]:
    """The agreements a viewer may see, each with its meeting (through the meetings' reader)
    and its linked plan elements (through the plans' reader)."""
    return Agreement.objects.visible_to(user).prefetch_related(
        Prefetch("meeting", queryset=meetings_for(user)),
        Prefetch("elements", queryset=elements_for(user).order_by("plan__code", "order", "id")),
    )


def follow_ups_for(user: Any) -> QuerySet[FollowUp]:
    """Follow-up cells of the agreements the viewer sees, for the countries they see."""
    return FollowUp.objects.filter(
        agreement__in=Agreement.objects.visible_to(user),
        country__in=member_countries_for(user),
    ).select_related("reported_by")


def agreements_with_grid_for(user: Any) -> QuerySet[Agreement]:
    """As `agreements_for`, with the follow-up cells loaded (agreement page, API)."""
    return agreements_for(user).prefetch_related(
        Prefetch("follow_ups", queryset=follow_ups_for(user).order_by("country_id"))
    )


def get_agreement_for(user: Any, pk: int) -> Agreement:
    """One agreement, or 404: the same for one that does not exist and one not visible."""
    return get_object_or_404(agreements_with_grid_for(user), pk=pk)


def meeting_agreements_for(user: Any, meeting: Meeting) -> QuerySet[Agreement]:
    return agreements_for(user).filter(meeting=meeting).order_by("order", "code", "id")


@dataclass
class GridRow:
    """One country's line of an agreement's grid (cell None: not reported)."""

    country: Organisation
    cell: FollowUp | None

    @property
    def status(self) -> str:
        return self.cell.status if self.cell else FollowUp.Status.NOT_REPORTED


def agreement_rows(
    user: Any, agreement: Agreement, countries: Sequence[Organisation] | None = None
) -> list[GridRow]:
    """Every member country the viewer sees (`countries`, when already read), with its cell
    of `agreement` (loaded with it)."""
    cells = {c.country_id: c for c in agreement.follow_ups.all()}
    if countries is None:
        countries = list(member_countries_for(user))
    return [GridRow(c, cells.get(c.pk)) for c in countries]


class Cell(NamedTuple):
    """What a grid shows of a follow-up cell: its status and the date of the report."""

    status: str
    reported_on: dt.date | None


@dataclass
class Grid:
    """Agreements × countries: `cells[(agreement id, country id)]`."""

    agreements: list[Agreement]
    countries: list[Organisation]
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)

    def status(self, agreement: Agreement, country: Organisation) -> str:
        cell = self.cells.get((agreement.pk, country.pk))
        return cell.status if cell else FollowUp.Status.NOT_REPORTED

    def rows(self) -> list[tuple[Agreement, list[tuple[Organisation, Cell | None]]]]:
        return [
            (a, [(c, self.cells.get((a.pk, c.pk))) for c in self.countries])
            for a in self.agreements
        ]


def grid_agreements_for(
    user: Any, *, meeting: Meeting | None = None, body: Body | None = None
) -> QuerySet[Agreement]:
    """The agreements of a meeting, or of every meeting of a body, as the viewer may see
    them, in the order of their meetings."""
    qs = agreements_for(user).order_by("meeting__start_date", "meeting_id", "order", "code", "id")
    if meeting is not None:
        qs = qs.filter(meeting=meeting)
    if body is not None:
        qs = qs.filter(meeting__body=body)
    return qs


def follow_up_grid(user: Any, agreements: QuerySet[Agreement] | Sequence[Agreement]) -> Grid:
    """The grid of `agreements` read through `agreements_for(user)` (a queryset: all of them;
    a list: a page of them) as the viewer may see it: one query each for agreements,
    meetings, countries and cells."""
    chosen = list(agreements)
    if isinstance(agreements, QuerySet):
        wanted: Any = agreements.order_by().values("pk")
    else:
        wanted = [a.pk for a in chosen]
    countries = list(member_countries_for(user))
    # `wanted` are agreements the viewer sees (read through `agreements_for`): checking their
    # visibility again here would make the database walk every visible agreement × country.
    found = (
        FollowUp.objects.filter(agreement__in=wanted, country__in=[c.pk for c in countries])
        .order_by()
        .values_list("agreement_id", "country_id", "status", "reported_on")
    )
    cells = {(a, c): Cell(status, day) for a, c, status, day in found}
    return Grid(chosen, countries, cells)


def countries_reporting(user: Any, *, country_id: int | None = None) -> QuerySet[FollowUp]:
    """Cells of visible agreements that report follow-up (in progress or implemented) with a
    date: what the indicator "countries reporting follow-up of recommendations" counts."""
    qs = follow_ups_for(user).filter(status__in=FollowUp.REPORTED, reported_on__isnull=False)
    if country_id is not None:
        qs = qs.filter(country_id=country_id)
    return qs


def get_member_country_for(user: Any, code: str) -> Organisation:
    """A member country the viewer sees, by its code (ISO3), or 404."""
    return get_object_or_404(member_countries_for(user), code=code.upper())


@dataclass
class CountryFollowUp:
    """A member country's follow-up across the agreements the viewer sees: how many in each
    status (not reported included) and the agreements of one status, each with its cell."""

    country: Organisation
    counts: dict[str, int]
    agreements: QuerySet[Agreement]
    status: str = ""

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def listed(self) -> int:
        """How many agreements `agreements` holds (known from the counts: no query)."""
        return self.counts[self.status] if self.status else self.total


def country_follow_up(user: Any, country: Organisation, status: str = "") -> CountryFollowUp:
    """A member country (read through `get_member_country_for`) across the agreements the
    viewer sees. One query for the counts, whatever the number of agreements; the agreements
    come newest meeting first, each with the country's cell in `cells` (a list of none or one),
    and only those of `status` when one is given (`not_reported`: no cell yet)."""
    cells = follow_ups_for(user).filter(country=country)
    # One pass over the visible agreements, each with the country's cell if it has one (none:
    # not reported).
    grouped = (
        Agreement.objects.visible_to(user)
        .annotate(cell=FilteredRelation("follow_ups", condition=Q(follow_ups__country=country)))
        .order_by()
        .values("cell__status")
        .annotate(n=Count("pk"))
        .values_list("cell__status", "n")
    )
    counts = {value: 0 for value in FollowUp.Status.values}
    for value, n in grouped:
        counts[value or FollowUp.Status.NOT_REPORTED] += n
    agreements = agreements_for(user).order_by(
        F("meeting__start_date").desc(nulls_last=True), "meeting_id", "order", "code", "id"
    )
    if status == FollowUp.Status.NOT_REPORTED:
        reported = cells.exclude(status=FollowUp.Status.NOT_REPORTED)
        agreements = agreements.exclude(pk__in=reported.values("agreement_id"))
    elif status in FollowUp.Status.values:
        agreements = agreements.filter(pk__in=cells.filter(status=status).values("agreement_id"))
    # The agreements are read through their reader and `country` through the member
    # countries' (`get_member_country_for`): their cells need no second visibility check,
    # which would make the database walk every cell of the country.
    own_cells = FollowUp.objects.filter(country=country).order_by()
    agreements = agreements.prefetch_related(
        Prefetch("follow_ups", queryset=own_cells, to_attr="cells")
    )
    return CountryFollowUp(country, counts, agreements, status if status in counts else "")
