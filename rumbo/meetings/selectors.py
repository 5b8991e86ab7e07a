"""Reading meetings, always through the visibility rule: a meeting at or below the viewer's
level, of a body they may see; its agenda and documents as visible as the meeting; its
participants only where the viewer may see the organisation. Views, API and other apps
(agreements, indicators) read meetings here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from rumbo.organisations.selectors import bodies_for, organisations_for

from .models import AgendaItem, Meeting, MeetingDocument, Participation


def participations_for(user: Any) -> QuerySet[Participation]:
    """Participations whose organisation the viewer may see (with that organisation)."""
    orgs = organisations_for(user)
    return (
        Participation.objects.filter(organisation__in=orgs)
        .prefetch_related(Prefetch("organisation", queryset=orgs))
        .order_by("order", "id")
    )


def meetings_for(user: Any) -> QuerySet[Meeting]:
    """The meetings a viewer may see, each with its body (through the bodies' reader)."""
    return Meeting.objects.visible_to(user).prefetch_related(
        Prefetch("body", queryset=bodies_for(user))
    )


def meetings_with_parts_for(user: Any) -> QuerySet[Meeting]:
    """As `meetings_for`, with agenda, participants and documents loaded (detail, API)."""
    return meetings_for(user).prefetch_related(
        Prefetch("agenda", queryset=AgendaItem.objects.order_by("order", "id")),
        Prefetch("participants", queryset=participations_for(user)),
        Prefetch("documents", queryset=MeetingDocument.objects.order_by("uploaded_at", "id")),
    )


def get_meeting_for(user: Any, pk: int) -> Meeting:
    """One meeting, or 404: the same for one that does not exist and one not visible."""
    return get_object_or_404(meetings_with_parts_for(user), pk=pk)


def filter_meetings(
    qs: QuerySet[Meeting],
    *,
    body: str | None = None,
    kind: str | None = None,
    year: int | None = None,
) -> QuerySet[Meeting]:
    """A meetings queryset narrowed by body code, kind and year of the start date."""
    if body:
        qs = qs.filter(body__code=body)
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(start_date__year=year)
    return qs


def meeting_years_for(user: Any) -> list[int]:
    """The years in which the viewer's visible meetings start, newest first."""
    return sorted(
        {d.year for d in meetings_for(user).exclude(start_date=None).dates("start_date", "year")},
        reverse=True,
    )


def meeting_counts_by_body(
    user: Any, *, status: Iterable[str] | None = None, year: int | None = None
) -> dict[str, int]:
    """How many meetings the viewer may see, per body code (e.g. "meetings held per working
    group": status=[Meeting.Status.HELD]). Meetings without a body are left out."""
    qs = filter_meetings(meetings_for(user), year=year).exclude(body=None)
    if status is not None:
        qs = qs.filter(status__in=list(status))
    rows = qs.order_by().values("body__code").annotate(n=Count("id"))
    return {row["body__code"]: row["n"] for row in rows}


def meeting_documents_for(user: Any) -> QuerySet[MeetingDocument]:
    """The documents a person may download: those of the meetings they see."""
    return MeetingDocument.objects.filter(meeting__in=meetings_for(user))


def get_meeting_document_for(user: Any, pk: int) -> MeetingDocument:
    return get_object_or_404(meeting_documents_for(user), pk=pk)
