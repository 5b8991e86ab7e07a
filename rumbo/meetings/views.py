"""Meeting pages: the list (by body, kind, year), a meeting, its form, its documents."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from rumbo.core.forms import apply_service_errors
from rumbo.organisations.selectors import bodies_for
from rumbo.tracking.views_files import attachment_response

from . import services
from .access import can_manage_meetings, can_record_meetings
from .forms import (
    MeetingFilterForm,
    MeetingForm,
    ParticipantFormSet,
    participant_entries,
    participant_initial,
)
from .models import Meeting
from .selectors import (
    filter_meetings,
    get_meeting_document_for,
    get_meeting_for,
    meeting_years_for,
    meetings_for,
)
from .selectors_agreements import meeting_agreements_for

PAGE_SIZE = 50


def meeting_list(request: HttpRequest) -> HttpResponse:
    filters = MeetingFilterForm(request.GET or None)
    chosen: dict[str, Any] = filters.cleaned_data if filters.is_valid() else {}
    qs = filter_meetings(
        meetings_for(request.user),
        body=chosen.get("body"),
        kind=chosen.get("kind"),
        year=chosen.get("year"),
    ).order_by("-start_date", "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    bodies = list(bodies_for(request.user).order_by("kind", "year", "name"))
    body = next((b for b in bodies if b.code == chosen.get("body")), None)
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "page": page,
            "filters": filters,
            "bodies": bodies,
            "body": body,
            "kinds": Meeting.Kind.choices,
            "years": meeting_years_for(request.user),
            "chosen": chosen,
            "can_create": can_record_meetings(request.user),
        },
    )


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for(request.user, pk)
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "can_edit": can_manage_meetings(request.user, meeting.body),
            "agreements": meeting_agreements_for(request.user, meeting),
        },
    )


def _save(request: HttpRequest, meeting: Meeting | None) -> HttpResponse:
    form = MeetingForm(
        request.POST or None, request.FILES or None, instance=meeting, user=request.user
    )
    people = ParticipantFormSet(
        request.POST or None,
        initial=participant_initial(meeting),
        prefix="participants",
        form_kwargs={"user": request.user},
    )
    if request.method == "POST" and form.is_valid() and people.is_valid():
        try:
            with transaction.atomic():  # the meeting and its documents, or nothing
                saved = _apply(request, form, people, meeting)
        except PermissionDenied:
            form.add_error("body", _("You may not record meetings of this body."))
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Meeting saved."))
            return redirect("meeting_detail", pk=saved.pk)
    title = _("Edit meeting") if meeting else _("New meeting")
    return render(
        request,
        "meetings/meeting_form.html",
        {"form": form, "people": people, "meeting": meeting, "title": title},
    )


def _apply(
    request: HttpRequest, form: MeetingForm, people: Any, meeting: Meeting | None
) -> Meeting:
    data = form.meeting_data()
    agenda = form.agenda()
    participants = participant_entries(people)
    files = form.cleaned_data.get("documents") or []
    if meeting is None:
        saved = services.meeting_create(
            actor=request.user, data=data, agenda=agenda, participants=participants
        )
    else:
        saved = services.meeting_update(
            actor=request.user,
            meeting=meeting,
            data=data,
            expected_version=form.cleaned_data.get("version"),
            agenda=agenda,
            participants=participants,
        )
    removing = [d.pk for d in form.cleaned_data.get("remove_documents") or []]
    return services.meeting_documents_change(
        actor=request.user,
        meeting=saved,
        expected_version=saved.version,
        files=files,
        remove=removing,
    )


@login_required
def meeting_create(request: HttpRequest) -> HttpResponse:
    if not can_record_meetings(request.user):
        raise PermissionDenied
    return _save(request, None)


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for(request.user, pk)
    if not can_manage_meetings(request.user, meeting.body):
        raise PermissionDenied
    return _save(request, meeting)


@require_safe
def meeting_document_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file, as an attachment under the name it was uploaded with, to whoever may see its
    meeting (404 for anyone else, as for a file that does not exist)."""
    item = get_meeting_document_for(request.user, pk)
    return attachment_response(item.file, item.name)
