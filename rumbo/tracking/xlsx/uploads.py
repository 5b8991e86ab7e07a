"""What every workbook round trip (the matrix's, the indicator template's) does the same way at
its edges: checking an uploaded file before anything is kept, and giving it back with its
problems marked."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from ..models import ImportSession
from .limits import LimitExceeded, WorkbookError, check_workbook
from .marking import mark_problems
from .preview import Preview

MAX_UPLOAD = 50 * 1024 * 1024


def check_upload(upload: Any) -> Any:
    """An uploaded workbook, if its size and what reading it would cost are within the limits
    (checked before anything is kept or parsed). A file that is no workbook at all passes: the
    preview reports it, like its other problems."""
    if upload.size > MAX_UPLOAD:
        raise ValidationError(_("The file is larger than 50 MB."))
    try:
        check_workbook(upload.file)
    except LimitExceeded as exc:
        raise ValidationError(str(exc)) from exc
    except WorkbookError:
        pass
    return upload


def marked_workbook(
    request: HttpRequest, session: ImportSession, problems: Preview, *, back: str
) -> HttpResponseBase:
    """The uploaded workbook back, each problem a comment on its cell, in red; named in the
    language of the page ("-por-corregir" in Spanish). Too large to mark: back to the page
    named `back` (which lists the problems) with a message."""
    if not session.upload:
        raise Http404
    out = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed to the response
    try:
        marked = mark_problems(Path(session.upload.path), out.name, problems)
    except LimitExceeded as exc:
        out.close()
        messages.error(
            request,
            _("This workbook is too large to be given back marked: %(reason)s") % {"reason": exc}
            + " "
            + _("Its problems are listed on this page."),
        )
        return redirect(back, token=session.token)
    if not marked:
        out.close()
        raise Http404
    out.seek(0)
    stem = Path(session.filename).stem
    return FileResponse(out, as_attachment=True, filename=f"{stem}-{_('to-correct')}.xlsx")
