"""Concept notes and progress updates: each change atomic and audited."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, TypeVar, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Field
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from rumbo.core import audit
from rumbo.core.i18n import LANGS, current_language
from rumbo.core.models import AuditEvent
from rumbo.core.services import audited_create, audited_update
from rumbo.plans import services as plan_services
from rumbo.plans.models import Activity, ActivityParty

from .access import can_decide_notes
from .models import ConceptNote, Evidence, ProgressUpdate
from .selectors import concept_notes_for

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024


class AlreadyRecorded(Exception):
    """A form sent a second time (Back, then Save): what it recorded the first time."""

    def __init__(self, update: ProgressUpdate) -> None:
        super().__init__(update.pk)
        self.update = update


def missing_labels(note: ConceptNote) -> list[str]:
    """Labels (in the current language) of the required fields a note leaves empty."""
    return [
        str(cast(Field, ConceptNote._meta.get_field(name)).verbose_name)
        for name in missing_fields(note)
    ]


def missing_fields(note: ConceptNote) -> list[str]:
    """Names of the required fields a note leaves empty, in form order."""
    missing = []
    for name in ConceptNote.REQUIRED:
        field = ConceptNote._meta.get_field(name)
        if field.many_to_many:
            empty = note.pk is None or not getattr(note, name).exists()
        elif name in {"start_date", "modality"}:
            empty = not getattr(note, name)
        else:
            empty = not any(getattr(note, f"{name}_{lang}", "") for lang in ("es", "en"))
        if empty:
            missing.append(name)
    return missing


def note_from_activity(activity: Activity) -> dict[str, Any]:
    """Starting values for a new note: what Rumbo already knows about the activity."""
    parties = plan_services.party_rows(activity)
    lines = plan_services.budget_rows(activity)
    budget = lines[0] if lines else None
    return {
        "start_date": activity.start_date,
        "end_date": activity.end_date,
        "assumptions_risks_es": activity.assumptions_risks_es,
        "assumptions_risks_en": activity.assumptions_risks_en,
        "lead_organisations": [p["organisation"] for p in parties if p["role"] == "lead"],
        "accompanying_organisations": [
            p["organisation"] for p in parties if p["role"] == "accompanying"
        ],
        "budget_amount": budget["amount"] if budget else None,
        "currency": budget["currency"] if budget else "USD",
        "funding_source_es": budget["source"] if budget else "",
        "visibility": activity.effective_visibility,
    }


@transaction.atomic
def concept_note_save(
    *,
    actor: Any,
    activity: Activity,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> ConceptNote:
    """Create or change the draft note of an activity. An approved or submitted note is
    changed only by sending it back first (returned notes are editable again)."""
    note = ConceptNote.objects.filter(activity=activity).first()
    if note is None:
        draft = dict(data)
        if draft.get("visibility") is None:
            # A new note is as visible as its activity unless its author says otherwise.
            draft["visibility"] = activity.effective_visibility
        note = audited_create(actor=actor, instance=ConceptNote(activity=activity), data=draft)
        note.authors.add(actor)
        return note
    if not concept_notes_for(actor).filter(pk=note.pk).exists():
        # Writing needs reading: a note this person may not see is not theirs to change.
        raise PermissionDenied
    if note.status in {ConceptNote.Status.SUBMITTED, ConceptNote.Status.APPROVED}:
        raise ValidationError(
            _("This concept note is %(status)s: it can no longer be edited.")
            % {"status": note.get_status_display().lower()}
        )
    note = audited_update(actor=actor, instance=note, data=data, expected_version=expected_version)
    note.authors.add(actor)
    return note


def _transition(
    *, actor: Any, note: ConceptNote, allowed_from: set[str], data: dict[str, Any]
) -> ConceptNote:
    """A step of the note's review; the audit names it by the status it moves to."""
    if note.status not in allowed_from:
        raise ValidationError(
            _("A concept note that is %(status)s cannot do this.")
            % {"status": note.get_status_display().lower()}
        )
    return audited_update(actor=actor, instance=note, data=data)


@transaction.atomic
def concept_note_submit(*, actor: Any, note: ConceptNote) -> ConceptNote:
    missing = missing_labels(note)
    if missing:
        raise ValidationError(
            _("Complete these fields before submitting: %(fields)s.")
            % {"fields": ", ".join(missing)},
            code="incomplete",
        )
    return _transition(
        actor=actor,
        note=note,
        allowed_from={ConceptNote.Status.DRAFT, ConceptNote.Status.RETURNED},
        data={"status": ConceptNote.Status.SUBMITTED, "submitted_at": timezone.now()},
    )


@transaction.atomic
def concept_note_return(*, actor: Any, note: ConceptNote, comments: str) -> ConceptNote:
    if not can_decide_notes(actor):
        raise PermissionDenied
    if not comments.strip():
        raise ValidationError({"review_comments": _("Say what needs to change.")})
    return _transition(
        actor=actor,
        note=note,
        allowed_from={ConceptNote.Status.SUBMITTED},
        data={
            "status": ConceptNote.Status.RETURNED,
            # Written in the reviewer's language; the other one falls back to it.
            **{f"review_comments_{lang}": "" for lang in LANGS},
            f"review_comments_{current_language()}": comments,
            "decided_at": timezone.now(),
            "decided_by": actor,
        },
    )


@transaction.atomic
def concept_note_approve(*, actor: Any, note: ConceptNote) -> ConceptNote:
    """Approve the note and carry its facts into the activity, so that the tracking matrix
    shows them without anyone typing them again."""
    if not can_decide_notes(actor):
        raise PermissionDenied
    note = _transition(
        actor=actor,
        note=note,
        allowed_from={ConceptNote.Status.SUBMITTED},
        data={
            "status": ConceptNote.Status.APPROVED,
            "decided_at": timezone.now(),
            "decided_by": actor,
        },
    )
    with audit.named(AuditEvent.Action.APPROVE):
        apply_note_to_activity(actor=actor, note=note)
    return note


def apply_note_to_activity(*, actor: Any, note: ConceptNote) -> Activity:
    activity = note.activity
    data: dict[str, Any] = {
        "start_date": note.start_date or activity.start_date,
        "end_date": note.end_date or activity.end_date,
    }
    for name in ("assumptions_risks", "indicators"):
        for lang in LANGS:
            if getattr(note, f"{name}_{lang}"):
                data[f"{name}_{lang}"] = getattr(note, f"{name}_{lang}")
    parties = [
        {"organisation": org, "role": ActivityParty.Role.LEAD}
        for org in note.lead_organisations.all()
    ] + [
        {"organisation": org, "role": ActivityParty.Role.ACCOMPANYING}
        for org in note.accompanying_organisations.all()
    ]
    line = None
    if note.budget_amount is not None:
        # The note's budget becomes the first line; committed and spent stay as recorded.
        existing = plan_services.budget_rows(activity)
        first = existing[0] if existing else {"committed": 0, "spent": 0}
        line = {
            "amount": note.budget_amount,
            "currency": note.currency,
            "source": note.funding_source or "",
            "funder": None,
            "committed": first["committed"],
            "spent": first["spent"],
            "visibility": max(note.visibility, first.get("visibility", 0)),
        }
    if note.visibility <= activity.effective_visibility:
        return plan_services.activity_update(
            actor=actor,
            activity=activity,
            data=data,
            expected_version=None,
            parties=parties or None,
            budget_lines=[line, *existing[1:]] if line is not None else None,
            note_level=note.visibility,
        )
    # A note more restricted than its activity: its content keeps the note's level, and
    # viewers below it read the activity as it was before (see plans.services).
    activity = plan_services.activity_update(
        actor=actor, activity=activity, data=data, expected_version=None, note_level=note.visibility
    )
    return plan_services.activity_supersede_parts(
        actor=actor,
        activity=activity,
        parties=parties,
        budget_line=line,
        level=note.visibility,
    )


class StoredFile(Protocol):
    """A record of an uploaded file (Evidence, or another app's): the file under a random
    name, and the name and size it was uploaded with."""

    file: FieldFile
    name: str
    size: int


StoredT = TypeVar("StoredT", bound=StoredFile)


def evidence_check_sizes(files: Sequence[UploadedFile], *, field: str = "files") -> None:
    """Refuse, naming `field`, any file larger than MAX_EVIDENCE_BYTES."""
    for upload in files:
        if upload.size and upload.size > MAX_EVIDENCE_BYTES:
            raise ValidationError(
                {field: _("%(name)s is larger than 20 MB.") % {"name": upload.name}}
            )


def evidence_store(
    files: Sequence[UploadedFile], *, model: Callable[..., StoredT]
) -> list[StoredT]:
    """Write each file under a new random name (the `upload_to` of the model's `file`); the
    rows (instances of `model`) are not saved yet. If one write fails, those already written
    are deleted."""
    stored: list[StoredT] = []
    try:
        for upload in files:
            evidence = model(name=(upload.name or "")[:255], size=upload.size or 0)
            evidence.file.save(upload.name or "evidence", upload, save=False)
            stored.append(evidence)
    except BaseException:
        evidence_discard(stored)
        raise
    return stored


def evidence_discard(evidence: Sequence[StoredFile]) -> None:
    """Delete the files of evidence that will not be recorded."""
    for item in evidence:
        if item.file.name:
            item.file.storage.delete(item.file.name)


def progress_update_create(
    *,
    actor: Any,
    activity: Activity,
    data: Mapping[str, Any],
    files: Sequence[UploadedFile] = (),
    status_reason: str = "",
    submission_key: uuid.UUID | None = None,
) -> ProgressUpdate:
    """Record progress (with evidence files); a new status goes through the same rules as
    any other status change of the activity, dated by the update's date (the date of the work).
    All or nothing, files included. A form sent again with the same `submission_key` records
    nothing more: it raises AlreadyRecorded with the update it recorded the first time."""
    earlier = _same_update(actor, activity, data, submission_key)
    if earlier is not None:
        raise AlreadyRecorded(earlier)
    evidence_check_sizes(files)
    # The files are written before the transaction and deleted if it fails, rather than
    # written in on_commit, because a row must never point at a missing file: written after
    # the commit, a file that fails to be written (disk full, a crash or a restart between the
    # commit and the write) would leave a recorded update, which the person was told was
    # saved, without its evidence. Written first, under random names nobody knows, a failed
    # write refuses the update before anything is recorded, and a refused update (a status
    # rule, a conflict) deletes its files on the way out. What can still be left is a file
    # that no row points at, when the process dies before the commit or when a caller's own
    # transaction rolls back after this one: it is never served (files are served only through
    # their rows) and the scheduled cleaning (`tracking.uploads`) deletes it within the hour.
    evidence = evidence_store(files, model=Evidence)
    try:
        return _progress_update_record(
            actor=actor,
            activity=activity,
            data=data,
            evidence=evidence,
            status_reason=status_reason,
            submission_key=submission_key,
        )
    except IntegrityError:
        # The same form sent twice at the same moment: the other request recorded it.
        evidence_discard(evidence)
        earlier = ProgressUpdate.objects.filter(submission_key=submission_key).first()
        if submission_key is None or earlier is None:
            raise
        raise AlreadyRecorded(earlier) from None
    except BaseException:
        evidence_discard(evidence)
        raise


RESENT_WITHIN = dt.timedelta(minutes=30)


def _same_update(
    actor: Any, activity: Activity, data: Mapping[str, Any], key: uuid.UUID | None
) -> ProgressUpdate | None:
    """The update a form sends again: the same form (its key), or, when the browser showed
    the form anew on Back (a new key), the same person's identical update of the activity
    (same date, texts and status) from a form in the last half hour. Calls without a form's
    key (the API, imports) are never taken for repeats."""
    if key is None:
        return None
    earlier = ProgressUpdate.objects.filter(submission_key=key).first()
    if earlier is not None:
        return earlier
    if not getattr(actor, "is_authenticated", False):
        return None
    same = {
        f"text_{lang}": data.get(f"text_{lang}") or "" for lang in LANGS if f"text_{lang}" in data
    }
    return (
        ProgressUpdate.objects.filter(
            activity=activity,
            author=actor,
            date=data["date"],
            new_status=data.get("new_status") or "",
            created_at__gte=timezone.now() - RESENT_WITHIN,
            submission_key__isnull=False,
            **same,
        )
        .order_by("-id")
        .first()
    )


@transaction.atomic
def _progress_update_record(
    *,
    actor: Any,
    activity: Activity,
    data: Mapping[str, Any],
    evidence: Sequence[Evidence],
    status_reason: str,
    submission_key: uuid.UUID | None = None,
) -> ProgressUpdate:
    update = audited_create(
        actor=actor,
        instance=ProgressUpdate(activity=activity, author=actor, submission_key=submission_key),
        data=data,
    )
    for item in evidence:
        item.update = update
        item.save()
    if evidence:
        audit.record(
            actor=actor,
            action=AuditEvent.Action.ATTACH,
            instance=update,
            changes={"evidence": {"old": [], "new": [item.name for item in evidence]}},
        )
    new_status = data.get("new_status")
    if new_status:
        plan_services.check_work_date(update.date, "date")
    if new_status and new_status != activity.status:
        plan_services.activity_update(
            actor=actor,
            activity=activity,
            data={"status": new_status},
            expected_version=None,
            status_reason=status_reason,
            reason_visibility=update.visibility,
            status_date=update.date,
        )
    return update
