"""Approval pages: open questions, a question (its outcome, who is missing, the positions and
the form to record one), opening a question, and the files."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from rumbo.core.forms import apply_service_errors
from rumbo.core.services import ConflictError
from rumbo.organisations.selectors import bodies_for
from rumbo.plans.selectors import plans_for
from rumbo.tracking.views_files import attachment_response

from . import services
from .access import can_open_questions, own_country_id
from .forms import PositionForm, QuestionForm
from .models import ApprovalQuestion
from .selectors import (
    get_approval_file_for,
    get_question_for,
    member_countries_for,
    outcome_for,
    outcomes_for,
    questions_for,
)


def _countries(user: Any) -> Any:
    """The countries whose position `user` may record from the page (none: no form)."""
    countries = member_countries_for(user)
    if getattr(user, "is_authenticated", False) and user.is_secretariat:
        return countries
    own = own_country_id(user)
    return countries.filter(pk=own) if own else countries.none()


@require_safe
def question_list(request: HttpRequest) -> HttpResponse:
    questions = list(
        questions_for(request.user)
        .prefetch_related("positions")
        .order_by("closed_on", "-opened_on", "-id")[:200]
    )
    rows = list(zip(questions, outcomes_for(request.user, questions), strict=True))
    return render(
        request,
        "approvals/question_list.html",
        {
            "open_rows": [r for r in rows if r[0].is_open],
            "closed_rows": [r for r in rows if not r[0].is_open],
            "can_open": can_open_questions(request.user),
        },
    )


def _detail(
    request: HttpRequest, question: ApprovalQuestion, form: PositionForm | None, status: int = 200
) -> HttpResponse:
    countries = _countries(request.user)
    if form is None and question.is_open and question.rule != ApprovalQuestion.Rule.RECORDED:
        own = own_country_id(request.user)
        mine = next((p for p in question.positions.all() if p.country_id == own), None)
        initial: dict[str, Any] = {"text_version": question.text_version, "version": 0}
        if mine is not None:
            initial.update(
                position=mine.position,
                decided_on=mine.decided_on,
                note=mine.note,
                version=mine.version,
            )
        form = PositionForm(countries=countries, initial=initial) if countries.exists() else None
    outcome = outcome_for(request.user, question)
    return render(
        request,
        "approvals/question_detail.html",
        {
            "question": question,
            "outcome": outcome,
            "form": form,
            "can_settle": can_open_questions(request.user)
            and outcome.is_approved
            and question.plan is not None
            and question.is_open,
        },
        status=status,
    )


@require_safe
def question_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_question_for(request.user, pk), None)


@login_required
@require_POST
def position_record(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_question_for(request.user, pk)
    form = PositionForm(request.POST, request.FILES, countries=_countries(request.user))
    if not form.is_valid():
        return _detail(request, question, form, status=400)
    data = form.cleaned_data
    try:
        services.position_record(
            actor=request.user,
            question=question,
            country=data["country"],
            data=data,
            text_version=data["text_version"],
            expected_version=data["version"],
            document=data.get("document"),
            written_request=data.get("written_request"),
        )
    except ConflictError as exc:
        form.add_error(None, exc)
        return _detail(request, question, form, status=409)
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return _detail(request, question, form, status=400)
    messages.success(request, _("The position was recorded."))
    return redirect("approval_detail", pk=question.pk)


@login_required
def question_open(request: HttpRequest) -> HttpResponse:
    if not can_open_questions(request.user):
        raise PermissionDenied
    plans = plans_for(request.user).order_by("-period_start", "code")
    initial = {"plan": request.GET.get("plan")} if request.method == "GET" else None
    form = QuestionForm(
        request.POST or None,
        request.FILES or None,
        plans=plans,
        bodies=bodies_for(request.user).order_by("kind", "name"),
        initial=initial,
    )

    if request.method == "POST" and form.is_valid():
        try:
            question = services.question_open(
                actor=request.user,
                data=form.service_data(),
                text_file=form.cleaned_data.get("text_file"),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The question was opened."))
            return redirect("approval_detail", pk=question.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "approvals/question_form.html", {"form": form}, status=status)


@login_required
@require_POST
def question_settle(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_question_for(request.user, pk)
    plan = services.question_settle(actor=request.user, question=question)
    if plan is not None:
        messages.success(request, _("The plan is now approved."))
    return redirect("approval_detail", pk=question.pk)


@require_safe
def approval_file_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file, as an attachment, to whoever may see its question (404 for anyone else)."""
    item = get_approval_file_for(request.user, pk)
    return attachment_response(item.file, item.name)
