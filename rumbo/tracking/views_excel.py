"""The matrix in and out of Excel: export what the filters show; import an edited file with a
preview before anything is written."""

from __future__ import annotations

import secrets
import tempfile
from pathlib import Path
from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from rumbo.core.i18n import current_language
from rumbo.jobs.services import job_request
from rumbo.organisations.models import User
from rumbo.plans.selectors import plans_for

from . import export
from .jobs import MATRIX_EXPORT
from .models import ImportSession
from .selectors import get_import_session_for
from .xlsx.importer import ImportAlreadyApplied, apply_import, preview_import
from .xlsx.preview import Preview
from .xlsx.uploads import check_upload, marked_workbook


@require_http_methods(["GET", "HEAD", "POST"])
def matrix_export(request: HttpRequest) -> HttpResponseBase:
    """What the filters show, as a workbook: at once when it is small; above
    `export.inline_rows()` rows a person logged in has it prepared in the background (POST:
    a job, then its page). The public's export (public records only) is always written at
    once: a job is its requester's, and the public has no account to hold one."""
    qs = export.export_queryset(request.user, request.GET)
    signed_in = request.user.is_authenticated
    if request.method == "POST":
        if not signed_in:
            raise PermissionDenied
        job = job_request(
            actor=request.user,
            kind=MATRIX_EXPORT,
            params={"query": export.export_query(request.GET)},
            language=current_language(),
        )
        return redirect("job_detail", pk=job.pk)
    if signed_in and (count := qs.count()) > export.inline_rows():
        return render(
            request,
            "tracking/export_background.html",
            {"count": count, "query": export.export_query(request.GET)},
        )
    out = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed to the response
    export.write_export(out.name, request.user, qs, lang=current_language())
    out.seek(0)
    name = export.export_filename(current_language())
    return FileResponse(out, as_attachment=True, filename=name)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel workbook (.xlsx)"),
        help_text=gettext_lazy(
            "A matrix exported from Rumbo and edited offline, or a table laid out like the "
            "plan's own matrix (pillar, topic, activity, indicators, responsible party, "
            "deadline, status, assumptions or risks)."
        ),
    )
    plan = forms.ChoiceField(
        label=gettext_lazy("Plan (for a table without Rumbo ids)"), required=False
    )

    def __init__(self, *args, user=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [("", "—")] + [
            (p.code, f"{p.code} · {p.title}") for p in plans_for(user)
        ]

    def clean_file(self):  # type: ignore[no-untyped-def]
        return check_upload(self.cleaned_data["file"])


@login_required
def matrix_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        token = secrets.token_urlsafe(24)
        session = ImportSession(
            token=token,
            user=cast(User, request.user),  # the page is for people logged in
            filename=upload.name[:255],
            plan_code=form.cleaned_data["plan"],
        )
        # Kept so that the person can download it back with the problems marked.
        session.upload.save(f"{token}.xlsx", upload, save=False)
        preview = preview_import(
            request.user, Path(session.upload.path), plan_code=form.cleaned_data["plan"]
        )
        session.preview = preview.to_json()
        session.save()
        return redirect("matrix_import_apply", token=session.token)
    return render(request, "tracking/import.html", {"form": form})


@login_required
def matrix_import_apply(request: HttpRequest, token: str) -> HttpResponse:
    session = get_import_session_for(request.user, token)
    preview = Preview.from_json(session.preview)
    error = ""
    if request.method == "POST" and session.applied_at is not None:
        return _already_applied(request, session)
    # One reason per status change that needs one, typed beside its row.
    reasons = {
        row.row: request.POST.get(f"reason-{row.row}", "").strip() for row in preview.reasons_needed
    }
    if request.method == "POST" and preview.ok:
        missing = [row for row in preview.reasons_needed if not reasons[row.row]]
        if missing:
            error = _(
                "Say why each of these activities goes ahead without an approved concept "
                "note: %(rows)s."
            ) % {
                "rows": "; ".join(
                    _("row %(row)s (%(code)s)") % {"row": row.row, "code": row.code}
                    for row in missing
                )
            }
        else:
            try:
                done = apply_import(request.user, preview, reasons=reasons, session=session)
            except ImportAlreadyApplied:
                # Applied by another request since this one read the session.
                return _already_applied(request, session)
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(
                    request,
                    _("Import applied: %(added)s added, %(changed)s changed.") % done,
                )
                return redirect("matrix")
    return render(
        request,
        "tracking/import_preview.html",
        {
            "session": session,
            "preview": preview,
            "error": error,
            "reasons": [(row, reasons[row.row]) for row in preview.reasons_needed],
        },
    )


def _already_applied(request: HttpRequest, session: ImportSession) -> HttpResponse:
    messages.info(
        request, _("This import had already been applied: nothing was changed this time.")
    )
    return redirect("matrix_import_apply", token=session.token)


@login_required
def matrix_import_marked(request: HttpRequest, token: str) -> HttpResponseBase:
    """The uploaded workbook back, with each problem as a comment on its cell, in red."""
    session = get_import_session_for(request.user, token)
    if not session.upload:
        raise Http404
    return marked_workbook(
        request, session, Preview.from_json(session.preview), back="matrix_import_apply"
    )
