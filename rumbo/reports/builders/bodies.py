"""A working group's report (its plans' progress, its activities, indicators, meetings and the
follow-up of its agreements) and the meeting pack taken into a body's meeting (agenda, matrix
extract, indicators, pending follow-up), as the reader may see them."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rumbo.core.tables import Table
from rumbo.indicators.dashboards import activity_figures, body_table
from rumbo.meetings.models import Meeting
from rumbo.meetings.selectors import filter_meetings, meetings_with_parts_for
from rumbo.meetings.selectors_agreements import grid_agreements_for
from rumbo.organisations.models import Body
from rumbo.plans.selectors import activities_queryset, plans_for
from rumbo.tracking.matrix import MatrixFilters

from ..content import Facts, Paragraph, ReportContent, Section, TableBlock
from ..params import ReportParams
from .common import activity_table, body_for, matrix_rows, paragraph, plan_name, text
from .meetings import follow_up_table, meetings_table, only_pending
from .plan import add_activities


def _plans(reader: Any, body: Body) -> list[Any]:
    return list(plans_for(reader).filter(owner_body=body).order_by("-period_start", "code"))


def _activities(reader: Any, body: Body, section: Section) -> None:
    plans = _plans(reader, body)
    acts = activities_queryset(reader).filter(Q(plan__in=plans) | Q(working_group=body))
    add_activities(section, activity_figures(reader, acts)[None], _("Activities by status"))
    section.add(TableBlock(body_table(reader, body, "plans")))


def _matrix(reader: Any, body: Body, section: Section) -> None:
    """The body's activities as the matrix lists them: those of its plans and those it leads
    as working group."""
    seen: set[int] = set()
    found = []
    for plan in _plans(reader, body):
        for row in matrix_rows(reader, MatrixFilters(plan=plan.code, sort="code")):
            seen.add(row.pk)
            found.append(row)
    for row in matrix_rows(reader, MatrixFilters(working_group=body.code)):
        if row.pk not in seen:
            found.append(row)
    table = activity_table(found, _("Activities"), with_plan=True)
    section.add(TableBlock(table) if table.rows else Paragraph(_("No activities."), note=True))


def _indicators(reader: Any, body: Body, section: Section) -> None:
    table = body_table(reader, body, "indicators")
    section.add(TableBlock(table) if table.rows else Paragraph(_("No indicators."), note=True))


def _follow_up(reader: Any, body: Body, section: Section, *, pending: bool) -> None:
    table = follow_up_table(reader, grid_agreements_for(reader, body=body), _("Agreements"))
    if pending:
        table = only_pending(table)
        table.caption = _("Pending follow-up of the agreements")
    section.add(TableBlock(table) if table.rows else Paragraph(_("No agreements."), note=True))


def build_working_group(reader: Any, params: ReportParams, content: ReportContent) -> None:
    body = body_for(reader, params.body)
    content.title = _("Working-group report")
    content.subtitle = text(body, "name")
    about = content.section(_("The group"))
    about.add(Facts([(_("Body"), text(body, "name")), (_("Kind"), str(body.get_kind_display()))]))
    mandate = paragraph(body, "mandate")
    if mandate:
        about.add(mandate)
    plans = _plans(reader, body)
    if plans:
        about.add(Facts([(_("Plans"), "; ".join(plan_name(p) for p in plans))]))
    _activities(reader, body, content.section(_("Progress of the activities")))
    _matrix(reader, body, content.section(_("Activities")))
    _indicators(reader, body, content.section(_("Indicators")))
    meetings = filter_meetings(meetings_with_parts_for(reader), body=body.code)
    table = meetings_table(meetings.order_by("start_date", "id"), _("Meetings"))
    content.section(_("Meetings")).add(
        TableBlock(table) if table.rows else Paragraph(_("No meetings."), note=True)
    )
    _follow_up(reader, body, content.section(_("Follow-up of the agreements")), pending=False)


def next_meeting(reader: Any, body: Body) -> Meeting | None:
    """The body's next meeting the reader may see (the first not yet held, from today), or
    else its latest one."""
    qs = filter_meetings(meetings_with_parts_for(reader), body=body.code)
    today = timezone.localdate()
    coming = qs.filter(start_date__gte=today).order_by("start_date", "id").first()
    return coming or qs.order_by("-start_date", "-id").first()


def build_meeting_pack(reader: Any, params: ReportParams, content: ReportContent) -> None:
    body = body_for(reader, params.body)
    content.title = _("Meeting pack")
    meeting = next_meeting(reader, body)
    content.subtitle = text(body, "name")
    agenda = content.section(_("Agenda"))
    if meeting is None:
        agenda.add(Paragraph(_("No meeting of this body."), note=True))
    else:
        content.subtitle = f"{text(meeting, 'title')} — {meeting.dates_label()}"
        agenda.add(
            Facts(
                [
                    (_("Meeting"), text(meeting, "title")),
                    (_("Dates"), meeting.dates_label()),
                    (_("Place"), text(meeting, "place")),
                    (_("Status"), str(meeting.get_status_display())),
                ]
            )
        )
        items = [[i, text(item, "title")] for i, item in enumerate(meeting.agenda.all(), 1)]
        if items:
            agenda.add(TableBlock(Table(_("Agenda"), [_("No."), _("Item")], items, numeric={0})))
        else:
            agenda.add(Paragraph(_("No agenda items yet."), note=True))
    _matrix(reader, body, content.section(_("Matrix extract")))
    _indicators(reader, body, content.section(_("Indicators")))
    _follow_up(
        reader, body, content.section(_("Pending follow-up of the agreements")), pending=True
    )
