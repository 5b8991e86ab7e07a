"""Pages of good practices: the public list and each practice's page, the submission form,
the secretariat's review queue and monthly figure, and a person's own submissions."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from rumbo.core.forms import apply_service_errors, split_files
from rumbo.tracking.views_files import attachment_response

from . import services
from .access import can_edit, can_resubmit, can_review, is_own
from .forms import PracticeFilterForm, PracticeForm, ReturnForm, ScheduleForm, StepForm
from .selectors import (
    filter_practices,
    get_practice_file_for,
    get_practice_for,
    published_by_month,
    published_practices,
    review_queue_for,
    submissions_for,
)

PAGE_SIZE = 25
STEPS = {"resubmit", "return", "accept", "schedule", "publish"}


def practice_list(request: HttpRequest) -> HttpResponse:
    form = PracticeFilterForm(request.GET or None, user=request.user)
    qs = filter_practices(published_practices(request.user), form.filters())
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "practices/practice_list.html",
        {
            "form": form,
            "page": page,
            "practices": list(page.object_list),
            "query": query.urlencode(),
            "may_submit": services.may_submit(request.user),
            "may_review": can_review(request.user),
        },
    )


def practice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    practice = get_practice_for(request.user, pk)
    reviewer = can_review(request.user)
    return render(
        request,
        "practices/practice_detail.html",
        {
            "practice": practice,
            "published": practice.is_published(),
            # The review and its comments are the secretariat's and the organisation's.
            "insider": reviewer or is_own(request.user, practice),
            "can_edit": can_edit(request.user, practice),
            "can_resubmit": can_resubmit(request.user, practice),
            "can_review": reviewer,
            "return_form": ReturnForm(initial={"version": practice.version}),
            "schedule_form": ScheduleForm(
                initial={"version": practice.version, "publish_on": practice.publish_on}
            ),
        },
    )


@login_required
def practice_submit(request: HttpRequest) -> HttpResponse:
    if not services.may_submit(request.user):
        raise PermissionDenied
    form = PracticeForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        files = data.pop("files", None) or []
        organisation = data.pop("organisation", None)
        data.pop("version", None)
        try:
            practice = services.practice_submit(
                actor=request.user, data=data, files=files, organisation=organisation
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Good practice submitted: the secretariat will review it."))
            return redirect("practice_detail", pk=practice.pk)
    return render(request, "practices/practice_form.html", {"form": form, "practice": None})


@login_required
def practice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    practice = get_practice_for(request.user, pk)
    if not can_edit(request.user, practice):
        raise PermissionDenied
    form = PracticeForm(
        request.POST or None, request.FILES or None, instance=practice, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        data, files, remove, version = split_files(form.cleaned_data)
        try:
            services.practice_update(
                actor=request.user,
                practice=practice,
                data=data,
                expected_version=version,
                files=files,
                remove_files=remove,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Good practice saved."))
            return redirect("practice_detail", pk=practice.pk)
    return render(request, "practices/practice_form.html", {"form": form, "practice": practice})


@login_required
@require_POST
def practice_step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One step of the review, sent from the practice's page with the version it showed."""
    practice = get_practice_for(request.user, pk)
    if action not in STEPS:
        raise Http404
    kind: type[forms.Form] = {"return": ReturnForm, "schedule": ScheduleForm}.get(action, StepForm)
    form = kind(request.POST)
    if not form.is_valid() or form.cleaned_data.get("version") is None:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        if not form.errors:
            messages.error(request, str(form.fields["version"].error_messages["required"]))
        return redirect("practice_detail", pk=practice.pk)
    version = form.cleaned_data["version"]
    user = request.user
    try:
        if action == "resubmit":
            services.practice_resubmit(actor=user, practice=practice, expected_version=version)
            messages.success(request, _("Good practice sent back to the secretariat."))
        elif action == "return":
            services.practice_return(
                actor=user,
                practice=practice,
                comments=form.cleaned_data["comments"],
                expected_version=version,
            )
            messages.success(request, _("Good practice returned with comments."))
        elif action == "accept":
            services.practice_accept(actor=user, practice=practice, expected_version=version)
            messages.success(request, _("Good practice accepted: now schedule its publication."))
        elif action == "schedule":
            services.practice_schedule(
                actor=user,
                practice=practice,
                publish_on=form.cleaned_data["publish_on"],
                expected_version=version,
            )
            messages.success(request, _("Publication scheduled."))
        else:
            services.practice_publish(actor=user, practice=practice, expected_version=version)
            messages.success(request, _("Good practice published."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("practice_detail", pk=practice.pk)


@login_required
def practice_review(request: HttpRequest) -> HttpResponse:
    if not can_review(request.user):
        raise PermissionDenied
    queue = list(review_queue_for(request.user))
    return render(request, "practices/review.html", {"practices": queue})


@login_required
def practice_mine(request: HttpRequest) -> HttpResponse:
    if not services.may_submit(request.user):
        raise PermissionDenied
    return render(
        request,
        "practices/mine.html",
        {"practices": list(submissions_for(request.user))},
    )


@login_required
def practice_monthly(request: HttpRequest) -> HttpResponse:
    """Practices published per month against “one a month”, for the secretariat."""
    if not can_review(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), today.year)
    last = today if year == today.year else dt.date(year, 12, 31)
    months = published_by_month(dt.date(year, 1, 1), last)
    return render(
        request,
        "practices/monthly.html",
        {
            "months": months,
            "year": year,
            "years": list(range(today.year, today.year - 6, -1)),
            "met": sum(1 for m in months if m.met),
            "total": sum(m.published for m in months),
        },
    )


@require_safe
def practice_file_download(request: HttpRequest, pk: int) -> FileResponse:
    """A practice's file, as an attachment, to whoever may read the practice (404 for anyone
    else, as for a file that does not exist)."""
    item = get_practice_file_for(request.user, pk)
    return attachment_response(item.file, item.name)
