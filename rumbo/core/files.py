"""Files attached to records: where they are stored and what is kept about them."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


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
