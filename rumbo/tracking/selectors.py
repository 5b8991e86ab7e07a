from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rumbo.plans.models import Activity, StatusChange

from .models import ConceptNote, ProgressUpdate


@dataclass
class FollowUp:
    note: ConceptNote | None
    updates: list[ProgressUpdate]
    status_changes: list[StatusChange]


def follow_up_for(user: Any, activity: Activity) -> FollowUp:
    """The follow-up shown on an activity's page, as the viewer may see it."""
    return FollowUp(
        note=ConceptNote.objects.visible_to(user).filter(activity=activity).first(),
        updates=list(
            ProgressUpdate.objects.visible_to(user)
            .filter(activity=activity)
            .select_related("author")
            .prefetch_related("evidence")
        ),
        status_changes=list(
            StatusChange.objects.filter(activity=activity).select_related("actor").order_by("-at")
        ),
    )
