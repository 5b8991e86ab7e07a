"""How Rumbo tells, from its own records, that an occurrence is done: one function per
computed rule, registered in RULES under the obligation's `rule`. Each reads through the
viewer's readers and runs one or two queries whatever the number of occurrences. An
obligation whose rule is not here (the reports) is done when the one who owes
it records a fulfilment. To add a rule: a choice in `Obligation.Rule`, a function here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rumbo.meetings.models import Meeting
from rumbo.meetings.selectors import meetings_for
from rumbo.organisations.models import Body
from rumbo.plans.models import Activity
from rumbo.plans.selectors import activities_queryset
from rumbo.pledges.selectors import pledge_rounds_status
from rumbo.practices.selectors import published_by_month
from rumbo.tracking.models import ConceptNote
from rumbo.tracking.selectors import concept_notes_for

from . import schedule
from .models import Obligation
from .occurrences import Occurrence, presidency_debtor

Mark = Callable[[Any, list[Occurrence]], None]


def working_group_meetings(viewer: Any, occs: list[Occurrence]) -> None:
    """Meetings held by each group in the year (the meetings it may see), against the
    obligation's `times` ("al menos, dos reuniones anuales")."""
    bodies = {o.debtor.body.pk for o in occs if o.debtor.body is not None}
    years = {o.period.start.year for o in occs}
    if not bodies:
        return
    rows = (
        meetings_for(viewer)
        .filter(status=Meeting.Status.HELD, body__in=bodies, start_date__year__in=years)
        .annotate(held_in=ExtractYear("start_date"))
        .order_by()
        .values("body_id", "held_in")
        .annotate(n=Count("id"))
    )
    held = {(r["body_id"], r["held_in"]): r["n"] for r in rows}
    for o in occs:
        if o.debtor.body is None:
            continue
        n = held.get((o.debtor.body.pk, o.period.start.year), 0)
        o.evidence = ngettext("%(n)s meeting held", "%(n)s meetings held", n) % {"n": n}
        o.computed_done = n >= o.obligation.times


def practices_published(viewer: Any, occs: list[Occurrence]) -> None:
    """Good practices published in the month (public records: the same for every viewer)."""
    if not occs:
        return
    first = min(o.period.start for o in occs)
    last = max(o.period.end for o in occs)
    counts = {m.month: m.published for m in published_by_month(first, last)}
    for o in occs:
        n = counts.get(o.period.start, 0)
        o.evidence = ngettext(
            "%(n)s good practice published", "%(n)s good practices published", n
        ) % {"n": n}
        o.computed_done = n >= o.obligation.times


def concept_notes(viewer: Any, occs: list[Occurrence]) -> None:
    """An activity's concept note submitted (or approved) on or before the activity's start."""
    ids = [o.subject.pk for o in occs if o.subject is not None]
    if not ids:
        return
    notes = (
        concept_notes_for(viewer)
        .prefetch_related(None)
        .filter(
            activity_id__in=ids,
            status__in=[ConceptNote.Status.SUBMITTED, ConceptNote.Status.APPROVED],
        )
    )
    sent = {
        n["activity_id"]: n["submitted_at"] or n["decided_at"]
        for n in notes.values("activity_id", "submitted_at", "decided_at")
    }
    for o in occs:
        moment = sent.get(o.subject.pk) if o.subject is not None else None
        if moment is None:
            o.evidence = _("No concept note submitted")
            continue
        day = timezone.localdate(moment)
        o.evidence = _("Concept note submitted on %(day)s") % {"day": day.isoformat()}
        o.computed_done = day <= o.due


def pledge_rounds(viewer: Any, occs: list[Occurrence]) -> None:
    """A follow-up round (April, June, September, December) is done when every pledge the
    viewer may see that owed an update in it got one (`pledge_rounds_status`, two queries a
    year). A round no pledge owed is left to be marked by hand."""
    status = {
        (count.due_on.year, count.due_on.month): count
        for year in sorted({o.period.start.year for o in occs})
        for count in pledge_rounds_status(viewer, year)
    }
    for o in occs:
        count = status.get((o.period.start.year, o.period.start.month))
        if count is None or count.due == 0:
            o.evidence = _("No pledge owed an update in this round")
            continue
        o.evidence = ngettext(
            "%(reported)s of %(due)s pledge updated",
            "%(reported)s of %(due)s pledges updated",
            count.due,
        ) % {"reported": count.reported, "due": count.due}
        o.computed_done = count.reported >= count.due


RULES: dict[str, Mark] = {
    Obligation.Rule.WORKING_GROUP_MEETINGS: working_group_meetings,
    Obligation.Rule.PRACTICES_PUBLISHED: practices_published,
    Obligation.Rule.CONCEPT_NOTES: concept_notes,
    Obligation.Rule.PLEDGE_ROUNDS: pledge_rounds,
}


def expand_per_event(
    viewer: Any,
    obligations: list[Obligation],
    *,
    today: dt.date,
    horizon: dt.date,
    presidencies: dict[int, Body],
) -> list[Occurrence]:
    """The occurrences of obligations owed for each activity (a concept note before each):
    every activity the viewer may see whose start day is known (a month or a year is not a
    day, so nothing is due on a guess), not cancelled, from the obligation's start to
    `horizon`. One query."""
    if not obligations:
        return []
    first = min(ob.starts_on for ob in obligations)
    activities = list(
        activities_queryset(viewer)
        .filter(
            start_date__isnull=False,
            start_precision=Activity.Precision.DAY,
            start_date__gte=first,
            start_date__lte=horizon,
        )
        .exclude(status=Activity.Status.CANCELLED)
        # (The note's level too: a start date copied from a restricted note is redacted.)
        .only(
            "pk",
            "code",
            "title",
            "title_es",
            "title_en",
            "start_date",
            "plan_id",
            "note_visibility",
            "note_fields",
        )
        .order_by("start_date", "pk")
    )
    out: list[Occurrence] = []
    for ob in obligations:
        for act in activities:
            start = act.start_date
            if start is None or start < ob.starts_on or start > horizon:
                continue
            if ob.ends_on is not None and start > ob.ends_on:
                continue
            period = schedule.Period(f"activity-{act.pk}", start, start, "event")
            debtor = presidency_debtor(start.year, presidencies)
            out.append(Occurrence(ob, period, start, debtor, today, subject=act))
    return out
