"""Meetings and the follow-up of their agreements, as report tables (read through the
meetings' and agreements' readers: a closed-door meeting is absent for those below it)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from rumbo.core.tables import Table
from rumbo.meetings.models import Meeting
from rumbo.meetings.models_agreements import Agreement, FollowUp
from rumbo.meetings.selectors import filter_meetings, meetings_for
from rumbo.meetings.selectors_agreements import follow_up_grid
from rumbo.organisations.models import Body

from .common import text

F = FollowUp.Status
GRID_STATUSES = [F.IMPLEMENTED, F.IN_PROGRESS, F.NONE, F.NOT_REPORTED]


def meetings_between(
    reader: Any, first: dt.date, last: dt.date, *, body: Body | None = None
) -> QuerySet[Meeting]:
    qs = meetings_for(reader).filter(start_date__gte=first, start_date__lte=last)
    if body is not None:
        qs = filter_meetings(qs, body=body.code)
    return qs.order_by("start_date", "id")


def meetings_table(meetings: Iterable[Meeting], caption: str) -> Table:
    columns = [_("Dates"), _("Body"), _("Meeting"), _("Kind"), _("Status")]
    out = []
    for m in meetings:
        body = m.body  # through the bodies' reader: None when the reader may not see it
        out.append(
            [
                m.dates_label(),
                text(body, "name") if body else "",
                text(m, "title"),
                str(m.get_kind_display()),
                str(m.get_status_display()),
            ]
        )
    return Table(caption, columns, out)


def follow_up_table(reader: Any, agreements: QuerySet[Agreement], caption: str) -> Table:
    """One row per agreement: how many member countries (of those the reader sees) report it
    implemented, in progress, no action, or have not reported."""
    grid = follow_up_grid(reader, agreements)
    labels = dict(F.choices)
    columns = [_("Code"), _("Agreement"), _("Meeting")]
    columns += [str(labels[s]) for s in GRID_STATUSES]
    out = []
    for agreement in grid.agreements:
        counts = Counter(grid.status(agreement, c) for c in grid.countries)
        meeting = agreement.meeting
        out.append(
            [
                agreement.code,
                text(agreement, "text"),
                meeting.dates_label() if meeting else "",
                *(counts.get(s, 0) for s in GRID_STATUSES),
            ]
        )
    return Table(caption, columns, out, numeric=set(range(3, 3 + len(GRID_STATUSES))))


def only_pending(table: Table) -> Table:
    """The rows of a follow-up table some country has not reported implemented."""
    done = 3  # the "implemented" column
    kept = [r for r in table.rows if sum(r[done + 1 :]) > 0]
    return Table(table.caption, table.columns, kept, numeric=table.numeric)
