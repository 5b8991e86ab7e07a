"""Recording that an occurrence of an obligation was done: by the one who owes it, with the
date of the work, a link, files and a note; audited, and an edit refused if the record moved
on since the form was opened."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rumbo.core.files import files_change
from rumbo.core.services import ConflictError, audited_create, audited_update
from rumbo.tracking.services import evidence_check_sizes, evidence_discard, evidence_store

from .access import can_fulfil
from .models import Fulfilment, FulfilmentFile
from .occurrences import Occurrence

FIELDS = ("done_on", "link", "note")


def _level(occ: Occurrence) -> int:
    """A fulfilment's level: the strictest of its obligation's, its obligation's body's and
    the group's it was recorded for."""
    levels = [occ.obligation.visibility]
    if occ.obligation.body is not None:
        levels.append(occ.obligation.body.visibility)
    if occ.debtor.body is not None:
        levels.append(occ.debtor.body.visibility)
    return max(levels)


def _clean(data: Mapping[str, Any]) -> dict[str, Any]:
    clean = {name: data.get(name) for name in FIELDS}
    clean["link"] = clean["link"] or ""
    clean["note"] = (clean["note"] or "").strip()
    if clean["done_on"] is None:
        raise ValidationError({"done_on": _("Say when it was done.")})
    if clean["done_on"] > timezone.localdate():
        raise ValidationError({"done_on": _("The date it was done cannot be in the future.")})
    return clean


def fulfilment_record(
    *,
    actor: Any,
    occurrence: Occurrence,
    data: Mapping[str, Any],
    files: Sequence[UploadedFile] = (),
    expected_version: int | None = None,
) -> Fulfilment:
    """Mark `occurrence` done, or correct how it was marked. `expected_version` is the version
    of the fulfilment the form was opened on (None: it was not marked then; if someone marked
    it meanwhile, ConflictError). Only the one who owes it, or the secretariat."""
    if not can_fulfil(actor, occurrence):
        raise PermissionDenied(_("Only the one who owes it may mark it done."))
    clean = _clean(data)
    if not (clean["link"] or clean["note"] or files or occurrence.fulfilment):
        raise ValidationError({"note": _("Give a link, a file or a note showing it was done.")})
    evidence_check_sizes(files, field="files")
    stored = evidence_store(files, model=FulfilmentFile)
    try:
        return _record(
            actor=actor, occ=occurrence, data=clean, stored=stored, version=expected_version
        )
    except BaseException:
        evidence_discard(stored)
        raise


@transaction.atomic
def _record(
    *,
    actor: Any,
    occ: Occurrence,
    data: dict[str, Any],
    stored: list[FulfilmentFile],
    version: int | None,
) -> Fulfilment:
    if occ.fulfilment is None:
        marked = Fulfilment.objects.filter(
            obligation=occ.obligation, period=occ.period.code, body=occ.debtor_body_for_record
        ).first()
        if marked is not None:  # someone marked it since the form was opened
            raise ConflictError(marked)
        fulfilment = audited_create(
            actor=actor,
            instance=Fulfilment(),
            data={
                **data,
                "obligation": occ.obligation,
                "period": occ.period.code,
                "body_id": occ.body_id,
                "recorded_by": actor,
                "visibility": _level(occ),
            },
        )
    else:
        if version is None:  # opened before anyone marked it: someone did meanwhile
            raise ConflictError(occ.fulfilment)
        fulfilment = audited_update(
            actor=actor, instance=occ.fulfilment, data=data, expected_version=version
        )
    files_change(
        actor=actor, record=fulfilment, link="fulfilment", stored=stored, removing=[], field="files"
    )
    return fulfilment
