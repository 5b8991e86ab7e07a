"""Evidence files of a value: attached and removed with the value's own save
(`values.measurement_save`), under the same rules, in its transaction and its audit.

The files are written before the transaction, under random names, and deleted if the save
is refused or fails (as the follow-up's evidence is: see `tracking.services`), so a row never
points at a missing file and a refused save leaves nothing behind. A removed file is deleted
from the storage once its removal is committed."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import F
from django.utils.translation import gettext as _

from rumbo.core.files import files_change as attach_and_remove
from rumbo.core.services import ConflictError
from rumbo.tracking.services import evidence_check_sizes, evidence_discard, evidence_store

from ..models import Measurement, MeasurementFile

# The name of the form field and of the error key for the files of a value.
FILES = "files"
REMOVE = "remove_files"


def files_store(files: Sequence[UploadedFile]) -> list[MeasurementFile]:
    """Check the sizes and write the files (rows not saved yet); a ValidationError names the
    `files` field."""
    evidence_check_sizes(files, field=FILES)
    return evidence_store(files, model=MeasurementFile)


def files_discard(stored: Sequence[MeasurementFile]) -> None:
    evidence_discard(stored)


def files_to_remove(m: Measurement | None, ids: Collection[int]) -> list[MeasurementFile]:
    """The files of `m` named by `ids`; an id that is not one of them is refused."""
    wanted = set(ids)
    if not wanted:
        return []
    found = list(MeasurementFile.objects.filter(measurement=m, pk__in=wanted)) if m else []
    if len(found) != len(wanted):
        raise ValidationError({REMOVE: _("That file is not one of this value's files.")})
    return found


def files_change(
    *,
    actor: Any,
    m: Measurement,
    stored: Sequence[MeasurementFile],
    removing: Sequence[MeasurementFile],
    reason: str,
    bump: bool,
) -> None:
    """Attach `stored` to `m` and take `removing` off it, each audited on the value; `bump`
    moves the value's version on (when nothing else of it changed), so that a form read
    before this change is refused."""
    if not stored and not removing:
        return
    if bump:
        moved = Measurement.objects.filter(pk=m.pk, version=m.version).update(
            version=F("version") + 1
        )
        if not moved:
            raise ConflictError(m)
        m.version += 1
    attach_and_remove(
        actor=actor,
        record=m,
        link="measurement",
        stored=stored,
        removing=removing,
        field=FILES,
        reason=reason,
    )
