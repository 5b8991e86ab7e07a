"""Changing good practices: submission, edits, and the secretariat's review
(submitted → returned with comments | accepted → scheduled for a date → published).

Every step is one transaction, audited, refused with ConflictError when the practice moved
on since the form was read (`expected_version`), and checks who may take it (PermissionDenied).
A practice scheduled for a date is public from that date: readers compare the date
(`selectors.published_q`), so no job runs on the day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from rumbo.core.files import files_change
from rumbo.core.i18n import LANGS
from rumbo.core.services import ConflictError, audited_create, audited_update
from rumbo.organisations.models import Organisation
from rumbo.organisations.selectors import organisations_for
from rumbo.plans.selectors import elements_for
from rumbo.tracking.services import evidence_check_sizes, evidence_discard, evidence_store

from .access import can_edit, can_review, is_own, is_participant, own_organisation
from .models import GoodPractice, PracticeFile

Status = GoodPractice.Status

# What the submitter writes (the review fields are the secretariat's).
CONTENT = (
    *(f"{name}_{lang}" for name in ("title", "summary", "gender_notes") for lang in LANGS),
    "countries",
    "topics",
    "gcm_objectives",
    "gender_perspective",
    "link",
)
# The linked records among them.
LINKS = ("countries", "topics", "gcm_objectives")
FILES = "files"


def _check_content(data: Mapping[str, Any]) -> dict[str, Any]:
    """The submitter's fields of `data`, checked: a title and a summary in at least one
    language (the other shows the first with a “translation pending” mark), and the text of
    the gender perspective when there is one."""
    clean = {k: v for k, v in data.items() if k in CONTENT}
    errors: dict[str, str] = {}
    for name, message in (
        ("title", _("Give the title in Spanish or in English.")),
        ("summary", _("Give the summary in Spanish or in English.")),
    ):
        if not any((clean.get(f"{name}_{lang}") or "").strip() for lang in LANGS):
            errors[f"{name}_es"] = message
    if clean.get("gender_perspective") and not any(
        (clean.get(f"gender_notes_{lang}") or "").strip() for lang in LANGS
    ):
        errors["gender_notes_es"] = _("Say how the practice includes a gender perspective.")
    if errors:
        raise ValidationError(errors)
    return clean


def _store(files: Sequence[UploadedFile]) -> list[PracticeFile]:
    """Check the sizes and write the files before the transaction (rows not saved yet): a
    row never points at a missing file; a refused save deletes them (`_discard`)."""
    evidence_check_sizes(files, field=FILES)
    return evidence_store(files, model=PracticeFile)


def practice_submit(
    *,
    actor: Any,
    data: Mapping[str, Any],
    files: Sequence[UploadedFile] = (),
    organisation: Organisation | None = None,
) -> GoodPractice:
    """Submit a good practice for review, for the actor's organisation (the secretariat may
    name another one: it submits on behalf of whoever sent it the practice)."""
    if not is_participant(actor):
        raise PermissionDenied
    if organisation is None or not can_review(actor):
        organisation = actor.organisation
        if organisation is None:
            raise ValidationError({"organisation": _("Say for which organisation.")})
    clean = _check_content(data)
    stored = _store(files)
    try:
        return _submit(actor=actor, data=clean, stored=stored, organisation=organisation)
    except BaseException:
        evidence_discard(stored)
        raise


@transaction.atomic
def _submit(
    *, actor: Any, data: dict[str, Any], stored: list[PracticeFile], organisation: Organisation
) -> GoodPractice:
    practice = audited_create(
        actor=actor,
        instance=GoodPractice(),
        data={
            **data,
            "organisation": organisation,
            "submitted_by": actor,
            "submitted_at": timezone.now(),
            "status": Status.SUBMITTED,
        },
    )
    files_change(
        actor=actor, record=practice, link="practice", stored=stored, removing=[], field=FILES
    )
    return practice


def _keep_hidden_links(actor: Any, practice: GoodPractice, data: dict[str, Any]) -> dict[str, Any]:
    """A person replaces the links they see; those they may not see (a members-only country
    or topic, say) stay as they were."""
    readers = {"countries": organisations_for, "topics": elements_for}
    for name, reader in readers.items():
        if name not in data:
            continue
        through = getattr(GoodPractice, name).through
        column = f"{getattr(GoodPractice, name).field.m2m_reverse_field_name()}_id"
        linked = set(
            through.objects.filter(goodpractice_id=practice.pk).values_list(column, flat=True)
        )
        seen = set(reader(actor).filter(pk__in=linked).values_list("pk", flat=True))
        data[name] = [*data[name], *sorted(linked - seen)]
    return data


def practice_update(
    *,
    actor: Any,
    practice: GoodPractice,
    data: Mapping[str, Any],
    expected_version: int,
    files: Sequence[UploadedFile] = (),
    remove_files: Sequence[int] = (),
) -> GoodPractice:
    """Change what a practice says (its organisation while under review; the secretariat
    until it is published), add files and remove some of its files."""
    if not can_edit(actor, practice):
        raise PermissionDenied
    clean = _keep_hidden_links(actor, practice, _check_content(data))
    removing = [f for f in practice.files.all() if f.pk in set(remove_files)]
    if len(removing) != len(set(remove_files)):
        raise ValidationError({"remove_files": _("That file is not one of this practice's.")})
    stored = _store(files)
    try:
        return _update(
            actor=actor,
            practice=practice,
            data=clean,
            expected_version=expected_version,
            stored=stored,
            removing=removing,
        )
    except BaseException:
        evidence_discard(stored)
        raise


@transaction.atomic
def _update(
    *,
    actor: Any,
    practice: GoodPractice,
    data: dict[str, Any],
    expected_version: int,
    stored: list[PracticeFile],
    removing: list[PracticeFile],
) -> GoodPractice:
    before = practice.version
    practice = audited_update(
        actor=actor, instance=practice, data=data, expected_version=expected_version
    )
    if (stored or removing) and practice.version == before:
        # Only files changed: the version still moves on, so a form read before is refused.
        moved = GoodPractice.objects.filter(pk=practice.pk, version=before).update(
            version=F("version") + 1
        )
        if not moved:
            raise ConflictError(practice)
        practice.version += 1
    files_change(
        actor=actor,
        record=practice,
        link="practice",
        stored=stored,
        removing=removing,
        field=FILES,
    )
    return practice


def _step(
    *,
    actor: Any,
    practice: GoodPractice,
    allowed_from: set[str],
    data: dict[str, Any],
    expected_version: int,
) -> GoodPractice:
    """One step of the review, on the practice as it is now: a form read before another
    change is a conflict, whatever the status it showed."""
    current = GoodPractice.objects.select_for_update().get(pk=practice.pk)
    if current.version != expected_version:
        raise ConflictError(current)
    if current.status not in allowed_from or current.is_published():
        raise ValidationError(
            _("A good practice that is %(status)s cannot do this.")
            % {"status": current.shown_status.lower()}
        )
    return audited_update(
        actor=actor, instance=current, data=data, expected_version=expected_version
    )


@transaction.atomic
def practice_resubmit(*, actor: Any, practice: GoodPractice, expected_version: int) -> GoodPractice:
    """Send a returned practice back to the secretariat once it has been changed."""
    if not (is_own(actor, practice) or can_review(actor)):
        raise PermissionDenied
    return _step(
        actor=actor,
        practice=practice,
        allowed_from={Status.RETURNED},
        data={"status": Status.SUBMITTED, "submitted_at": timezone.now()},
        expected_version=expected_version,
    )


@transaction.atomic
def practice_return(
    *, actor: Any, practice: GoodPractice, comments: str, expected_version: int
) -> GoodPractice:
    """The secretariat sends a submitted practice back with what needs to change."""
    if not can_review(actor):
        raise PermissionDenied
    if not comments.strip():
        raise ValidationError({"review_comments": _("Say what needs to change.")})
    return _step(
        actor=actor,
        practice=practice,
        allowed_from={Status.SUBMITTED},
        data={
            "status": Status.RETURNED,
            "review_comments": comments.strip(),
            "reviewed_by": actor,
            "reviewed_at": timezone.now(),
        },
        expected_version=expected_version,
    )


@transaction.atomic
def practice_accept(*, actor: Any, practice: GoodPractice, expected_version: int) -> GoodPractice:
    if not can_review(actor):
        raise PermissionDenied
    return _step(
        actor=actor,
        practice=practice,
        allowed_from={Status.SUBMITTED},
        data={"status": Status.ACCEPTED, "reviewed_by": actor, "reviewed_at": timezone.now()},
        expected_version=expected_version,
    )


@transaction.atomic
def practice_schedule(
    *, actor: Any, practice: GoodPractice, publish_on: dt.date | None, expected_version: int
) -> GoodPractice:
    """Set the date from which an accepted practice is public (or move that date while it
    has not come). A date already past publishes it at once."""
    if not can_review(actor):
        raise PermissionDenied
    if publish_on is None:
        raise ValidationError({"publish_on": _("Give the publication date.")})
    return _step(
        actor=actor,
        practice=practice,
        allowed_from={Status.ACCEPTED, Status.SCHEDULED},
        data={"status": Status.SCHEDULED, "publish_on": publish_on},
        expected_version=expected_version,
    )


@transaction.atomic
def practice_publish(*, actor: Any, practice: GoodPractice, expected_version: int) -> GoodPractice:
    """Publish an accepted (or scheduled) practice today."""
    if not can_review(actor):
        raise PermissionDenied
    return _step(
        actor=actor,
        practice=practice,
        allowed_from={Status.ACCEPTED, Status.SCHEDULED},
        data={"status": Status.PUBLISHED, "publish_on": timezone.localdate()},
        expected_version=expected_version,
    )


def may_submit(user: Any) -> bool:
    """Whether the person may submit practices (for pages: the same rule the service applies)."""
    return is_participant(user) and (can_review(user) or own_organisation(user) is not None)
