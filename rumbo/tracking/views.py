"""Follow-up pages: the tracking matrix, concept notes and progress updates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rumbo.core.forms import apply_service_errors
from rumbo.plans.selectors import get_activity_for

from . import export, matrix, matrix_layout, services
from .access import can_decide_notes, can_report_on
from .forms import ConceptNoteForm, MatrixFilterForm, ProgressUpdateForm, ReturnNoteForm
from .selectors import note_exists_hidden, note_for_activity

PAGE_SIZES = (50, 100, 500)


def matrix_page(request: HttpRequest) -> HttpResponse:
    form = MatrixFilterForm(request.GET or None)
    filters = form.filters() if request.GET else MatrixFilterForm().filters()
    qs = matrix.matrix_queryset(request.user, filters)
    try:
        size = int(request.GET.get("size", 100))
    except ValueError:
        size = 100
    size = size if size in PAGE_SIZES else 100
    page = Paginator(qs, size).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "tracking/matrix.html",
        {
            "form": form,
            "filters": filters,
            "choices": matrix.filter_choices(request.user, filters),
            "counts": matrix.status_counts(request.user, filters),
            "page": page,
            "rows": list(
                matrix.rows(request.user, qs, start=page.start_index() - 1, stop=page.end_index())
            )
            if page.paginator.count
            else [],
            "query": query.urlencode(),
            "layout": matrix_layout.layout(request.GET, filters),
            "page_sizes": PAGE_SIZES,
            "size": size,
            # Above this many rows, the export button asks for a background job (a POST).
            "export_in_background": request.user.is_authenticated
            and page.paginator.count > export.inline_rows(),
            "export_query": export.export_query(request.GET),
        },
    )


def concept_note(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_activity_for(request.user, pk)
    note = note_for_activity(request.user, activity)
    return render(
        request,
        "tracking/concept_note.html",
        {
            "activity": activity,
            "plan": activity.plan,
            "note": note,
            "missing": services.missing_labels(note) if note else [],
            "can_report": can_report_on(request.user, activity),
            "can_decide": can_decide_notes(request.user),
            "return_form": ReturnNoteForm(),
        },
    )


@login_required
def concept_note_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_activity_for(request.user, pk)
    if not can_report_on(request.user, activity):
        raise PermissionDenied
    note = note_for_activity(request.user, activity)
    if note is None and note_exists_hidden(request.user, activity):
        # A note this person may not read is not theirs to overwrite either.
        raise Http404
    initial = None if note else services.note_from_activity(activity)
    form = ConceptNoteForm(request.POST or None, instance=note, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.concept_note_save(
                actor=request.user,
                activity=activity,
                data=data,
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Concept note saved."))
            return redirect("concept_note", pk=activity.pk)
    return render(
        request,
        "tracking/concept_note_form.html",
        {"form": form, "activity": activity, "plan": activity.plan, "note": note},
    )


@login_required
@require_POST
def concept_note_decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    activity = get_activity_for(request.user, pk)
    note = note_for_activity(request.user, activity)
    if note is None or action not in {"submit", "return", "approve"}:
        raise Http404
    if action == "submit" and not can_report_on(request.user, activity):
        raise PermissionDenied
    if action in {"return", "approve"} and not can_decide_notes(request.user):
        raise PermissionDenied
    try:
        if action == "submit":
            services.concept_note_submit(actor=request.user, note=note)
            messages.success(request, _("Concept note submitted for approval."))
        elif action == "approve":
            services.concept_note_approve(actor=request.user, note=note)
            messages.success(request, _("Concept note approved; the matrix now shows it."))
        else:
            comments = request.POST.get("comments", "")
            services.concept_note_return(actor=request.user, note=note, comments=comments)
            messages.success(request, _("Concept note returned with comments."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("concept_note", pk=activity.pk)


@login_required
def progress_create(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_activity_for(request.user, pk)
    if not can_report_on(request.user, activity):
        raise PermissionDenied
    form = ProgressUpdateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        extra = {"files", "status_reason", "submission_key"}
        data = {k: v for k, v in form.cleaned_data.items() if k not in extra}
        try:
            services.progress_update_create(
                actor=request.user,
                activity=activity,
                data=data,
                files=form.cleaned_data.get("files") or [],
                status_reason=form.cleaned_data.get("status_reason", ""),
                submission_key=form.cleaned_data["submission_key"],
            )
        except services.AlreadyRecorded:
            messages.info(request, _("This progress update had already been saved: nothing new."))
            return redirect("activity_detail", pk=activity.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Progress recorded."))
            return redirect("activity_detail", pk=activity.pk)
    return render(
        request,
        "tracking/progress_form.html",
        {"form": form, "activity": activity, "plan": activity.plan},
    )
