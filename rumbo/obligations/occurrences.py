"""Occurrences: an obligation expanded into periods and due dates, each with who owes it and
whether it is done (done, due, or late: its due date passed and it is not done).

`build(viewer, obligations, …)` runs a fixed number of queries whatever the number of
obligations, periods and bodies: the bodies that owe (one query), the fulfilments (one), and
one or two per computed rule (`rules.py`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from rumbo.core.i18n import field_values, pick
from rumbo.organisations.models import Body
from rumbo.organisations.selectors import bodies_for

from . import schedule
from .models import Fulfilment, FulfilmentFile, Obligation

DONE = "done"
DUE = "due"
LATE = "late"
# An occurrence's status as the API names it (labels are the pages').
STATUS_CHOICES = [(DONE, "done"), (DUE, "due"), (LATE, "late")]

# Who owes an occurrence, as the reminder job and the freshness figure group them:
# ("body", body id) a named body or a working group; ("country", country id) the member
# country holding the Presidency Pro-Tempore of the year; ("organisation", id);
# ("secretariat", 0); ("presidency", year) a presidency Rumbo has no record of.
DebtorKey = tuple[str, int]


@dataclass(frozen=True)
class Debtor:
    key: DebtorKey
    label: str
    body: Body | None = None


@dataclass
class Occurrence:
    obligation: Obligation
    period: schedule.Period
    due: dt.date
    debtor: Debtor
    today: dt.date
    fulfilment: Fulfilment | None = None
    # What Rumbo's own records show, for a computed rule ("2 meetings held").
    evidence: str = ""
    computed_done: bool = False
    # The record an occurrence is about (an activity, for concept notes).
    subject: Any = None

    @property
    def done(self) -> bool:
        return self.computed_done or self.fulfilment is not None

    @property
    def status(self) -> str:
        if self.done:
            return DONE
        return LATE if self.due < self.today else DUE

    @property
    def debtor_body_for_record(self) -> Body | None:
        """The group a fulfilment is recorded for (obligations of each working group)."""
        if self.obligation.debtor == Obligation.Debtor.EACH_WORKING_GROUP:
            return self.debtor.body
        return None

    @property
    def body_id(self) -> int | None:
        """The group a fulfilment is recorded for (obligations of each working group)."""
        if self.obligation.debtor == Obligation.Debtor.EACH_WORKING_GROUP and self.debtor.body:
            return self.debtor.body.pk
        return None


def fulfilments_for(user: Any) -> Any:
    """Fulfilments the viewer may read (as visible as the obligation and its groups)."""
    return (
        Fulfilment.objects.visible_to(user)
        .select_related("recorded_by")
        .prefetch_related(
            Prefetch("files", queryset=FulfilmentFile.objects.order_by("uploaded_at", "id"))
        )
    )


def _name(obj: Any) -> str:
    return pick(field_values(obj, "name"))[0] or str(obj)


def _groups_active(groups: Iterable[Body], year: int) -> list[Body]:
    return [
        g
        for g in groups
        if (g.active_from is None or g.active_from <= year)
        and (g.active_to is None or year <= g.active_to)
    ]


def _debtors(
    ob: Obligation, period: schedule.Period, groups: list[Body], presidencies: dict[int, Body]
) -> list[Debtor]:
    kind = ob.debtor
    if kind == Obligation.Debtor.BODY and ob.body is not None:
        return [Debtor(("body", ob.body.pk), _name(ob.body), ob.body)]
    if kind == Obligation.Debtor.ORGANISATION and ob.organisation_id is not None:
        org = getattr(ob, "organisation", None)
        return [Debtor(("organisation", ob.organisation_id), _name(org) if org else "")]
    if kind == Obligation.Debtor.SECRETARIAT:
        return [Debtor(("secretariat", 0), _("The Executive Secretariat"))]
    if kind == Obligation.Debtor.EACH_WORKING_GROUP:
        return [
            Debtor(("body", g.pk), _name(g), g) for g in _groups_active(groups, period.start.year)
        ]
    if kind == Obligation.Debtor.PRESIDENCY:
        return [presidency_debtor(period.start.year, presidencies)]
    return []


def presidency_debtor(year: int, presidencies: dict[int, Body]) -> Debtor:
    ppt = presidencies.get(year)
    if ppt is None or ppt.country_id is None:
        return Debtor(
            ("presidency", year),
            _("Presidency Pro-Tempore %(year)s (not recorded)") % {"year": year},
        )
    return Debtor(("country", ppt.country_id), _name(ppt), ppt)


def build(
    viewer: Any,
    obligations: Iterable[Obligation],
    *,
    today: dt.date,
    horizon: dt.date,
) -> list[Occurrence]:
    """Every occurrence of `obligations` (read already through `obligations_for(viewer)`) due
    by `horizon`, with its status on `today`, sorted by due date. Working groups and
    presidencies are those `viewer` may see: an occurrence of a members-only group never
    reaches a lower role."""
    from .rules import RULES, expand_per_event

    obligations = list(obligations)
    if not obligations:
        return []
    bodies = list(
        bodies_for(viewer)
        .prefetch_related(None)
        .filter(kind__in=[Body.Kind.WORKING_GROUP, Body.Kind.PPT])
        .order_by("code")
    )
    groups = [b for b in bodies if b.kind == Body.Kind.WORKING_GROUP]
    presidencies = {b.year: b for b in bodies if b.kind == Body.Kind.PPT and b.year}
    found: list[Occurrence] = []
    for ob in obligations:
        if ob.frequency == Obligation.Frequency.PER_EVENT:
            continue
        for period, due in schedule.periods(
            frequency=ob.frequency,
            months=ob.months or [],
            starts_on=ob.starts_on,
            ends_on=ob.ends_on,
            due_from=ob.due_from,
            grace_days=ob.grace_days,
            horizon=horizon,
        ):
            for debtor in _debtors(ob, period, groups, presidencies):
                found.append(Occurrence(ob, period, due, debtor, today))
    per_event = [ob for ob in obligations if ob.frequency == Obligation.Frequency.PER_EVENT]
    found += expand_per_event(
        viewer, per_event, today=today, horizon=horizon, presidencies=presidencies
    )
    _attach_fulfilments(viewer, obligations, found)
    by_rule: dict[str, list[Occurrence]] = {}
    for occ in found:
        by_rule.setdefault(occ.obligation.rule, []).append(occ)
    for rule, occs in by_rule.items():
        mark = RULES.get(rule)
        if mark is not None:
            mark(viewer, occs)
    found.sort(key=lambda o: (o.due, o.obligation.code, o.debtor.label))
    return found


def _attach_fulfilments(
    viewer: Any, obligations: list[Obligation], found: list[Occurrence]
) -> None:
    rows = fulfilments_for(viewer).filter(obligation__in=[ob.pk for ob in obligations])
    index = {(f.obligation_id, f.period, f.body_id): f for f in rows}
    for occ in found:
        occ.fulfilment = index.get((occ.obligation.pk, occ.period.code, occ.body_id))
