"""Files attached to records: where they are stored and what is kept about them."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from . import audit
from .models import AuditEvent


@deconstructible
class RandomName:
    """A file field's `upload_to`: a random name in `folder`, never the uploaded one (the
    record keeps that for the download), so that nothing about a file can be guessed from its
    record, its author or what it belongs to. The files are served only through a view that
    checks the record's visibility (the media folder is never served); the cleaning of
    abandoned uploads (`rumbo.tracking.uploads`) reads these folders."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def __call__(self, instance: Any, filename: str) -> str:
        return f"{self.folder}/{secrets.token_hex(16)}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomName) and other.folder == self.folder

    def __hash__(self) -> int:
        return hash(self.folder)


class AttachedFile(models.Model):
    """A file attached to a record (evidence of a value, a practice's documents, a meeting's
    papers): stored under a random name, with the name and size it was uploaded with, who
    uploaded it and when. Each kind declares its record's foreign key and its own `file`
    field, `upload_to=RandomName(<its folder>)`, and serves the file only through a view that
    checks the record's visibility."""

    file = models.FileField(_("file"), upload_to=RandomName("files"))
    name = models.CharField(_("name"), max_length=255)
    size = models.PositiveIntegerField(_("size"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


def files_change(
    *,
    actor: Any,
    record: models.Model,
    link: str,
    stored: Sequence[AttachedFile],
    removing: Sequence[AttachedFile],
    field: str,
    reason: str = "",
) -> None:
    """Inside the record's transaction: attach the files `stored` (written already, rows not
    saved) to `record` through their foreign key `link`, and take `removing` off it; each audited
    on the record under `field` ("files", "documents"). A removed file leaves the storage only
    once its removal is committed: a rolled-back removal keeps its file."""
    uploader = actor if getattr(actor, "is_authenticated", False) else None
    for item in stored:
        setattr(item, link, record)
        item.uploaded_by = uploader
        item.save()
    if stored:
        audit.record(
            actor=actor,
            action=AuditEvent.Action.ATTACH,
            instance=record,
            changes={field: {"old": [], "new": [item.name for item in stored]}},
            reason=reason,
        )
    if not removing:
        return
    paths = [(item.file.storage, item.file.name) for item in removing if item.file.name]
    type(removing[0])._default_manager.filter(pk__in=[item.pk for item in removing]).delete()
    audit.record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=record,
        changes={field: {"old": [item.name for item in removing], "new": []}},
        reason=reason,
    )

    def delete_files() -> None:
        for storage, name in paths:
            storage.delete(name)

    transaction.on_commit(delete_files)
