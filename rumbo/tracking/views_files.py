"""Evidence files, served through the record they belong to (the media folder is never
served: its names are random, but only this view applies visibility)."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_safe

from .evidence import content_type_for, get_evidence_for


@require_safe
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file, streamed as an attachment under the name it was uploaded with."""
    evidence = get_evidence_for(request.user, pk)
    return attachment_response(evidence.file, evidence.name)


def attachment_response(file: FieldFile, name: str) -> FileResponse:
    """A stored file (already checked visible by the caller), streamed as an attachment under
    `name`, the name it was uploaded with, never rendered nor kept by a shared cache."""
    try:
        handle = file.storage.open(file.name or "", "rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=name or "evidence",
        content_type=content_type_for(name),
    )
    # What one person may download is not for a shared cache to give another.
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    return response
