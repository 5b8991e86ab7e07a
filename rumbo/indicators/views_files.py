"""Evidence files of values, served through the value they belong to (the media folder is
never served: its names are random, but only this view applies visibility)."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest
from django.views.decorators.http import require_safe

from rumbo.tracking.views_files import attachment_response

from .selectors import get_measurement_file_for


@require_safe
def measurement_file_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file, as an attachment under the name it was uploaded with, to whoever may see its
    value (404 for anyone else, as for a file that does not exist)."""
    item = get_measurement_file_for(request.user, pk)
    return attachment_response(item.file, item.name)
