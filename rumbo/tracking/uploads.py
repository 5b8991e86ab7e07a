"""Cleaning of abandoned uploads: matrix imports nobody went back to, and files that no record
points at (left by a process that died between writing a file and committing its record, or
by a transaction rolled back after its files were written; see
`services.progress_update_create`).

Run on a schedule by the `clean_uploads` task (rumbo/tracking/tasks.py), or by hand with
`rumbo clean_uploads`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.core.files.storage import Storage, default_storage
from django.db import models
from django.utils import timezone

from .models import ImportSession

# How long an uploaded workbook is kept after its import was previewed: long enough to come
# back for the marked workbook or to apply it, short enough that junk does not pile up.
IMPORTS_KEPT = dt.timedelta(days=14)
# A file younger than this is never taken for an orphan: its record may still be on its way
# (written first, then recorded in a transaction that may take a while).
GRACE = dt.timedelta(hours=1)
# The folders whose files belong to records (evidence of progress updates and of indicator
# values, uploaded workbooks). Whatever app a record belongs to, a file any record's file field
# points at is kept (see `_referenced`).
FOLDERS = (
    "evidence",
    "imports",
    "value-evidence",
    "practice-files",
    "meeting-documents",
    "approval-files",
    "pledge-files",
    "obligation-files",
    "job-files",
)


@dataclass
class Cleaned:
    imports: int = 0
    orphans: int = 0


def _files(storage: Storage, folder: str) -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _files(storage, f"{folder}/{sub}")


def clean_imports(*, older_than: dt.timedelta = IMPORTS_KEPT) -> int:
    """Delete the import previews created before `older_than` ago, with their workbooks."""
    cutoff = timezone.now() - older_than
    old = list(ImportSession.objects.filter(created_at__lt=cutoff))
    for session in old:
        if session.upload:
            session.upload.delete(save=False)
        session.delete()
    return len(old)


def _file_fields() -> list[tuple[type[models.Model], str]]:
    """Every file field of every installed model (this app cannot name the others' models)."""
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
    ]


def _referenced(name: str | None = None) -> set[str]:
    """The stored names records point at; with `name`, only that one if any record does."""
    found: set[str] = set()
    for model, field in _file_fields():
        rows = model._default_manager.exclude(**{field: ""})
        if name is not None:
            rows = rows.filter(**{field: name})
        found |= set(rows.values_list(field, flat=True))
    return found


def clean_orphan_files(*, grace: dt.timedelta = GRACE, storage: Storage | None = None) -> int:
    """Delete the files of the record folders (`FOLDERS`) that no record points at and that
    are older than `grace`."""
    storage = storage or default_storage
    cutoff = timezone.now() - grace
    kept = _referenced()
    deleted = 0
    for folder in FOLDERS:
        for name in _files(storage, folder):
            if name in kept or storage.get_modified_time(name) >= cutoff:
                continue
            # Looked up again: a record may have been saved since the list was read.
            if _referenced(name):
                continue
            storage.delete(name)
            deleted += 1
    return deleted


def clean_abandoned_uploads(
    *, imports_older_than: dt.timedelta = IMPORTS_KEPT, grace: dt.timedelta = GRACE
) -> Cleaned:
    """Old import previews and their workbooks, then orphan files."""
    return Cleaned(
        imports=clean_imports(older_than=imports_older_than),
        orphans=clean_orphan_files(grace=grace),
    )
