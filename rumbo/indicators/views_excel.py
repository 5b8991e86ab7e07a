"""The indicator template in and out of Excel: download it for a plan, country (or the
region) and period; upload it filled, see a preview, apply it all or nothing (the matrix's
round trip)."""

from __future__ import annotations

import secrets
import tempfile
from pathlib import Path
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from rumbo.core.i18n import current_language
from rumbo.organisations.models import User
from rumbo.tracking.models import ImportSession
from rumbo.tracking.selectors import get_import_session_for
from rumbo.tracking.xlsx.uploads import marked_workbook

from .access import can_report_for_region
from .display import REGION
from .xlsx.apply import ImportAlreadyApplied, ImportConflict, apply_import
from .xlsx.forms import ApplyForm, TemplateForm, UploadForm
from .xlsx.importer import preview_import
from .xlsx.preview import KIND, Preview
from .xlsx.template import build_template
from .xlsx.writer import write_template

SHOWN_ROWS = 500  # changes listed on the preview page; the rest are counted


@login_required
def indicator_template(request: HttpRequest) -> HttpResponseBase:
    """The form to choose a template; with a plan chosen, the workbook itself. The region's
    template is the secretariat's alone: anyone else asking for it is refused (403)."""
    if request.GET.get("country") == REGION and not can_report_for_region(request.user):
        raise PermissionDenied
    form = TemplateForm(request.GET if "plan" in request.GET else None, user=request.user)
    if form.is_bound and form.is_valid():
        plan, country, period = form.chosen()
        template = build_template(request.user, plan, country, period)
        out = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed to the response
        write_template(out.name, template, lang=current_language())
        out.seek(0)
        when = period.code if period else timezone.localdate().isoformat()
        place = country.code if country is not None else _("region")
        name = f"{_('indicators')}-{plan.code}-{place}-{when}.xlsx".replace(" ", "-")
        return FileResponse(out, as_attachment=True, filename=name)
    return render(request, "indicators/template.html", {"form": form})


@login_required
def indicator_import(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        token = secrets.token_urlsafe(24)
        session = ImportSession(
            token=token,
            kind=KIND,
            user=cast(User, request.user),  # the page is for people logged in
            filename=upload.name[:255],
        )
        # Kept so that the person can download it back with the problems marked.
        session.upload.save(f"{token}.xlsx", upload, save=False)
        session.preview = preview_import(request.user, Path(session.upload.path)).to_json()
        session.save()
        return redirect("indicator_import_apply", token=session.token)
    return render(request, "indicators/import.html", {"form": form})


def _session(request: HttpRequest, token: str) -> tuple[ImportSession, Preview]:
    """The person's own indicator import (a matrix import, or another's, is not found)."""
    session = get_import_session_for(request.user, token, kind=KIND)
    return session, Preview.from_json(session.preview)


@login_required
def indicator_import_apply(request: HttpRequest, token: str) -> HttpResponse:
    session, preview = _session(request, token)
    if request.method == "POST" and session.applied_at is not None:
        return _already_applied(request, session)
    form = ApplyForm(
        request.POST if request.method == "POST" else None, needs_reason=preview.needs_reason
    )
    error = ""
    if request.method == "POST" and preview.ok and preview.rows and form.is_valid():
        try:
            done = apply_import(
                request.user,
                preview,
                session=session,
                submit=form.cleaned_data["submit"],
                reason=form.cleaned_data.get("reason", ""),
            )
        except ImportAlreadyApplied:
            return _already_applied(request, session)
        except ImportConflict as exc:
            error = _(
                "Nothing was saved: these rows changed in Rumbo since the preview (%(rows)s). "
                "Download the template again and copy your figures."
            ) % {"rows": ", ".join(str(r) for r in exc.rows)}
        except (ValidationError, PermissionDenied) as exc:
            detail = " ".join(exc.messages) if isinstance(exc, ValidationError) else ""
            error = (_("Nothing was saved.") + " " + detail).strip()
        else:
            messages.success(
                request,
                _(
                    "Template imported: %(new)s new values, %(corrected)s corrected, "
                    "%(submitted)s submitted for review."
                )
                % done,
            )
            return redirect("indicator_import_apply", token=session.token)
    return render(
        request,
        "indicators/import_preview.html",
        {
            "session": session,
            "preview": preview,
            "form": form,
            "error": error,
            "shown": preview.rows[:SHOWN_ROWS],
            "more": max(len(preview.rows) - SHOWN_ROWS, 0),
        },
    )


def _already_applied(request: HttpRequest, session: ImportSession) -> HttpResponse:
    messages.info(
        request, _("This import had already been applied: nothing was changed this time.")
    )
    return redirect("indicator_import_apply", token=session.token)


@login_required
def indicator_import_marked(request: HttpRequest, token: str) -> HttpResponseBase:
    """The uploaded workbook back, with each problem as a comment on its cell, in red."""
    session, preview = _session(request, token)
    return marked_workbook(request, session, preview.for_marking(), back="indicator_import_apply")
