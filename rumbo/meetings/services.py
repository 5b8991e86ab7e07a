"""Recording meetings: each change atomic, audited, checked against the version it was read
at (a stale form is refused, never applied over someone else's change), and allowed only to
those who may manage the body's meetings (`access.can_manage_meetings`).

The agenda and the participants are part of the meeting: they are replaced as a whole by a
create or an update, audited with it (`Meeting.audit_extra`). Documents are attached and
removed with their own service; their files are written as the follow-up's evidence is
(`tracking.services.evidence_store`): before the transaction, under random names, deleted if
the change is refused."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from rumbo.core import audit
from rumbo.core.files import files_change
from rumbo.core.models import AuditEvent
from rumbo.core.services import ConflictError, audited_update
from rumbo.core.visibility import clearance_of
from rumbo.organisations.models import Body, Organisation
from rumbo.tracking.services import evidence_check_sizes, evidence_discard, evidence_store

from .access import can_manage_meetings
from .models import AgendaItem, Meeting, MeetingDocument, Participation

DOCUMENTS = "documents"
REMOVE = "remove_documents"


@dataclass(frozen=True)
class AgendaEntry:
    title_es: str
    title_en: str = ""
    proposed: bool = False


@dataclass(frozen=True)
class ParticipantEntry:
    organisation: Organisation
    women: int | None = None
    men: int | None = None
    non_binary: int | None = None
    not_stated: int | None = None


def _check_body(actor: Any, body: Body | None) -> None:
    if not can_manage_meetings(actor, body):
        raise PermissionDenied


def _check_level(data: Mapping[str, Any], body: Body | None) -> None:
    """A meeting may not be recorded as more visible than its body: it would say more than
    the body's own level allows (its level is the body's, at least)."""
    level = data.get("visibility")
    if body is not None and level is not None and int(level) < int(body.visibility):
        raise ValidationError(
            {
                "visibility": _("A meeting cannot be more visible than its body (%(level)s).")
                % {"level": body.get_visibility_display()}
            }
        )


def _check_participants(actor: Any, participants: Sequence[ParticipantEntry]) -> None:
    seen: set[int] = set()
    for entry in participants:
        if entry.organisation.visibility > clearance_of(actor):
            raise PermissionDenied
        if entry.organisation.pk in seen:
            raise ValidationError(
                {"participants": _("%(name)s is listed twice.") % {"name": entry.organisation}}
            )
        seen.add(entry.organisation.pk)


def _set_parts(
    meeting: Meeting,
    agenda: Sequence[AgendaEntry] | None,
    participants: Sequence[ParticipantEntry] | None,
) -> None:
    if agenda is not None:
        AgendaItem.objects.filter(meeting=meeting).delete()
        AgendaItem.objects.bulk_create(
            [
                AgendaItem(
                    meeting=meeting,
                    order=k,
                    title_es=item.title_es,
                    title_en=item.title_en,
                    proposed=item.proposed,
                )
                for k, item in enumerate(agenda)
            ]
        )
    if participants is not None:
        Participation.objects.filter(meeting=meeting).delete()
        Participation.objects.bulk_create(
            [
                Participation(
                    meeting=meeting,
                    organisation=p.organisation,
                    order=k,
                    women=p.women,
                    men=p.men,
                    non_binary=p.non_binary,
                    not_stated=p.not_stated,
                )
                for k, p in enumerate(participants)
            ]
        )


def _bump(meeting: Meeting) -> None:
    moved = Meeting.objects.filter(pk=meeting.pk, version=meeting.version).update(
        version=F("version") + 1
    )
    if not moved:
        raise ConflictError(meeting)
    meeting.version += 1


@transaction.atomic
def meeting_create(
    *,
    actor: Any,
    data: Mapping[str, Any],
    agenda: Sequence[AgendaEntry] = (),
    participants: Sequence[ParticipantEntry] = (),
) -> Meeting:
    """Record a meeting of `data["body"]`, with its agenda and participants."""
    body = data.get("body")
    _check_body(actor, body)
    _check_level(data, body)
    _check_participants(actor, participants)
    meeting = Meeting()
    for name, value in data.items():
        setattr(meeting, name, value)
    meeting.full_clean()
    meeting.save()
    _set_parts(meeting, agenda, participants)
    # One audit row for the meeting with its agenda and participants (audit_extra).
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=meeting,
        changes=audit.diff({}, audit.snapshot(meeting)),
    )
    return meeting


@transaction.atomic
def meeting_update(
    *,
    actor: Any,
    meeting: Meeting,
    data: Mapping[str, Any],
    expected_version: int | None,
    agenda: Sequence[AgendaEntry] | None = None,
    participants: Sequence[ParticipantEntry] | None = None,
) -> Meeting:
    """Change a meeting (and, when given, replace its agenda and participants). Refused with
    ConflictError when it changed since `expected_version` was read."""
    if expected_version is None:
        raise ValidationError(
            _("This form was sent without the version of the record it was opened on.")
        )
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_body(actor, current.body)
    body = data.get("body", current.body)
    if body != current.body:
        _check_body(actor, body)
    _check_level({"visibility": data.get("visibility", current.visibility)}, body)
    if current.version != expected_version:
        raise ConflictError(current)
    if participants is not None:
        _check_participants(actor, participants)
    before = current.audit_extra()
    updated = audited_update(
        actor=actor, instance=current, data=data, expected_version=expected_version
    )
    _set_parts(updated, agenda, participants)
    changes = audit.diff(before, updated.audit_extra())
    if changes:
        if updated.version == expected_version:
            _bump(updated)
        audit.record(
            actor=actor, action=AuditEvent.Action.UPDATE, instance=updated, changes=changes
        )
    return updated


def meeting_documents_change(
    *,
    actor: Any,
    meeting: Meeting,
    expected_version: int | None,
    files: Sequence[UploadedFile] = (),
    remove: Collection[int] = (),
) -> Meeting:
    """Attach `files` to a meeting and take off the documents named by `remove`; the meeting's
    version moves on (a form read before is refused). Files are written first and deleted if
    the change is refused; a removed file is deleted once its removal is committed."""
    if not files and not remove:
        return meeting
    evidence_check_sizes(files, field=DOCUMENTS)
    stored = evidence_store(files, model=MeetingDocument)
    try:
        return _documents_record(
            actor=actor,
            meeting=meeting,
            expected_version=expected_version,
            stored=stored,
            remove=remove,
        )
    except BaseException:
        evidence_discard(stored)
        raise


@transaction.atomic
def _documents_record(
    *,
    actor: Any,
    meeting: Meeting,
    expected_version: int | None,
    stored: Sequence[MeetingDocument],
    remove: Collection[int],
) -> Meeting:
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_body(actor, current.body)
    if expected_version is None or current.version != expected_version:
        raise ConflictError(current)
    removing = list(MeetingDocument.objects.filter(meeting=current, pk__in=set(remove)))
    if len(removing) != len(set(remove)):
        raise ValidationError({REMOVE: _("That file is not one of this meeting's documents.")})
    _bump(current)
    files_change(
        actor=actor,
        record=current,
        link="meeting",
        stored=stored,
        removing=removing,
        field=DOCUMENTS,
    )
    return current
