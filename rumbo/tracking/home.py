"""What follow-up adds to the home page (registered in TrackingConfig.ready): the concept
notes waiting for a decision, for those who decide them, and the notes returned with
comments to those who report on their activities; and where changes to notes and progress
updates link to."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from rumbo.core.i18n import field_values, pick
from rumbo.organisations.models import Body, User
from rumbo.plans.extensions import HomeItem, HomeSection, add_home_section, add_record_links
from rumbo.plans.models import Plan
from rumbo.plans.selectors import parties_for

from .access import can_decide_notes
from .models import ConceptNote
from .selectors import concept_notes_for, progress_updates_for

# A queue, oldest first: what waits longest is listed. Beyond this, the next ones appear as
# these are decided.
SHOWN = 20
LABEL_CHARS = 140


def _text(obj: Any, field: str, chars: int = LABEL_CHARS) -> str:
    return Truncator(pick(field_values(obj, field))[0]).chars(chars)


def _activity_label(note: ConceptNote) -> str:
    return f"{note.activity.code} {_text(note.activity, 'title')}"


def _notes(user: Any) -> Any:
    # The notes' own linked organisations are not shown here: no prefetch. Joining the
    # activity and its plan is safe: a note is never more visible than its activity, nor an
    # activity than its plan.
    return concept_notes_for(user).prefetch_related(None).select_related("activity__plan")


def notes_waiting_section(user: Any) -> HomeSection | None:
    if not can_decide_notes(user):
        return None
    notes = _notes(user).filter(status=ConceptNote.Status.SUBMITTED).order_by("submitted_at", "pk")
    return HomeSection(
        title=_("Concept notes waiting for your decision"),
        items=[
            HomeItem(
                label=_activity_label(note),
                url=reverse("concept_note", kwargs={"pk": note.activity_id}),
                detail=_("%(plan)s · submitted") % {"plan": note.activity.plan.code},
                when=note.submitted_at,
            )
            for note in notes[:SHOWN]
        ],
        empty_text=_("Nothing waits for your decision."),
    )


def reporter_q(user: Any) -> Q:
    """The notes of activities `user` may report on (access.can_report_on, as a filter): of
    plans they edit, or where their organisation is a responsible party."""
    if user.is_secretariat:
        return Q()
    q = Q(pk__in=[])
    if user.organisation_id is not None:
        q |= Q(
            Exists(
                parties_for(user).filter(
                    activity=OuterRef("activity"), organisation=user.organisation_id
                )
            )
        )
        if user.role == User.Role.PPT:
            q |= Q(
                activity__plan__kind=Plan.Kind.PPT_ANNUAL,
                activity__plan__owner_body__kind=Body.Kind.PPT,
                activity__plan__owner_body__country=user.organisation_id,
            )
    if user.role == User.Role.WG_MEMBER:
        q |= Q(
            activity__plan__owner_body__kind__in=[Body.Kind.WORKING_GROUP, Body.Kind.AD_HOC_GROUP],
            activity__plan__owner_body__in=user.working_groups.values("pk"),
        )
    return q


def returned_notes_section(user: Any) -> HomeSection | None:
    """Notes sent back with comments, to those who wrote them or report on their activity
    (the secretariat, which returns them, sees only those it wrote)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.role:
        return None
    mine = Q(authors=user) if user.is_secretariat else Q(authors=user) | reporter_q(user)
    notes = (
        _notes(user)
        .filter(status=ConceptNote.Status.RETURNED)
        .filter(mine)
        .distinct()
        .order_by("-decided_at", "-pk")
    )
    items = [
        HomeItem(
            label=_activity_label(note),
            url=reverse("concept_note_edit", kwargs={"pk": note.activity_id}),
            detail=_text(note, "review_comments", 200),
            when=note.decided_at,
        )
        for note in notes[:SHOWN]
    ]
    if not items and user.role not in User.MEMBER_COUNTRY_ROLES:
        return None  # nothing to say to those who seldom write notes
    return HomeSection(
        title=_("Your concept notes returned with comments"),
        items=items,
        empty_text=_("None of your concept notes waits for changes."),
    )


def note_links(user: Any, ids: list[str]) -> dict[str, tuple[str, str]]:
    notes = _notes(user).filter(pk__in=[int(i) for i in ids if i.isdigit()])
    return {
        str(note.pk): (
            _("Concept note: %(activity)s") % {"activity": _activity_label(note)},
            reverse("concept_note", kwargs={"pk": note.activity_id}),
        )
        for note in notes
    }


def update_links(user: Any, ids: list[str]) -> dict[str, tuple[str, str]]:
    updates = (
        progress_updates_for(user)
        .prefetch_related(None)
        .select_related("activity")
        .filter(pk__in=[int(i) for i in ids if i.isdigit()])
    )
    return {
        str(update.pk): (
            _("Progress of %(activity)s, %(date)s")
            % {
                "activity": update.activity.code,
                "date": date_format(update.date, "SHORT_DATE_FORMAT"),
            },
            reverse("activity_detail", kwargs={"pk": update.activity_id}) + "#progress-h",
        )
        for update in updates
    }


def register() -> None:
    add_home_section("concept notes waiting", notes_waiting_section, order=10)
    add_home_section("concept notes returned", returned_notes_section, order=20)
    add_record_links("tracking.conceptnote", note_links)
    add_record_links("tracking.progressupdate", update_links)
