"""Reading follow-up records (concept notes, progress updates, status histories, import
sessions), always through the visibility rule. Views, API and exports call these."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from rumbo.organisations.selectors import organisations_for
from rumbo.plans.models import Activity, StatusChange
from rumbo.plans.selectors import status_changes_for

from .models import ConceptNote, ImportSession, ProgressUpdate

DRAFTING = (ConceptNote.Status.DRAFT, ConceptNote.Status.RETURNED)


def concept_notes_for(user: Any) -> QuerySet[ConceptNote]:
    """Notes the viewer may read: at or below their level, on an activity they may see;
    a draft (or a note returned for changes) only by its authors and the secretariat."""
    qs = ConceptNote.objects.visible_to(user).prefetch_related(
        Prefetch("lead_organisations", queryset=organisations_for(user)),
        Prefetch("accompanying_organisations", queryset=organisations_for(user)),
    )
    if getattr(user, "is_secretariat", False):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.exclude(status__in=DRAFTING)
    return qs.filter(~Q(status__in=DRAFTING) | Q(authors=user)).distinct()


def note_for_activity(user: Any, activity: Activity) -> ConceptNote | None:
    return concept_notes_for(user).filter(activity=activity).first()


def note_exists_hidden(user: Any, activity: Activity) -> bool:
    """Whether the activity has a note this viewer may not read (then they may not write
    one either: an activity has one note)."""
    return (
        ConceptNote.objects.filter(activity=activity)
        .exclude(pk__in=concept_notes_for(user).values("pk"))
        .exists()
    )


def progress_updates_for(user: Any) -> QuerySet[ProgressUpdate]:
    return (
        ProgressUpdate.objects.visible_to(user)
        .select_related("author")
        .prefetch_related("evidence")
    )


def import_sessions_for(user: Any) -> QuerySet[ImportSession]:
    """A person's own uploaded workbooks (nobody else's)."""
    if not getattr(user, "is_authenticated", False):
        return ImportSession.objects.none()
    return ImportSession.objects.filter(user=user)


def get_import_session_for(user: Any, token: str, kind: str = "matrix") -> ImportSession:
    return get_object_or_404(import_sessions_for(user), token=token, kind=kind)


def import_session_locked(session: ImportSession) -> ImportSession:
    """The session's row, locked until the transaction ends (applied once)."""
    return ImportSession.objects.select_for_update().get(pk=session.pk)


def has_approved_note(activity: Activity) -> bool:
    """Whether an activity may start: its concept note is approved."""
    return bool(approved_note_activity_ids([activity.pk]))


def approved_note_activity_ids(activity_ids: list[int]) -> set[int]:
    """Which of these activities have an approved concept note (a fact the status rule
    needs, whoever may read the note)."""
    return set(
        ConceptNote.objects.filter(
            activity_id__in=activity_ids, status=ConceptNote.Status.APPROVED
        ).values_list("activity_id", flat=True)
    )


@dataclass
class FollowUp:
    note: ConceptNote | None
    updates: list[ProgressUpdate]
    status_changes: list[StatusChange]


def follow_up_for(user: Any, activity: Activity) -> FollowUp:
    """The follow-up shown on an activity's page, as the viewer may see it."""
    return FollowUp(
        note=note_for_activity(user, activity),
        updates=list(progress_updates_for(user).filter(activity=activity)),
        status_changes=list(
            status_changes_for(user)
            .filter(activity=activity)
            .order_by("-happened_on", "-at", "-id")
        ),
    )
