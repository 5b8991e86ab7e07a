"""Reading evidence files: one way to see them, as visible as the progress update they belong
to (its own level and its activity's), like every other record."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Evidence, ProgressUpdate

# Types given to downloads, by extension; anything else is application/octet-stream. Every
# download is an attachment with `nosniff`, so a browser never renders one as a page; the list
# only lets people's viewers recognise common documents and images. No HTML, SVG or XML
# (scriptable when opened from a browser).
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".txt": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
    ".zip": "application/zip",
}


def evidence_for(user: Any) -> QuerySet[Evidence]:
    """The evidence files a person may download: those of the progress updates they see."""
    return Evidence.objects.filter(update__in=ProgressUpdate.objects.visible_to(user))


def get_evidence_for(user: Any, pk: int) -> Evidence:
    """One evidence file, or 404: the same for one that does not exist and one not visible."""
    return get_object_or_404(evidence_for(user), pk=pk)


def content_type_for(name: str) -> str:
    return CONTENT_TYPES.get(PurePath(name).suffix.lower(), "application/octet-stream")
