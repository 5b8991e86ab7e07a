"""Reading approval questions, always through the visibility rule: a question at or below the
viewer's level, on a plan they may see (loaded through the plans' reader); its positions and
files as visible as the question; countries through the organisations' reader. Views, API
and the plan page's approval line read here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from rumbo.organisations.models import Organisation
from rumbo.organisations.selectors import bodies_for, organisations_for
from rumbo.plans.models import Plan
from rumbo.plans.selectors import plans_for

from .models import ApprovalFile, ApprovalPosition, ApprovalQuestion
from .outcome import Outcome, decide


def member_countries_for(user: Any) -> QuerySet[Organisation]:
    """The member countries whose positions are asked for (the "of 11")."""
    return organisations_for(user).filter(kind=Organisation.Kind.MEMBER_STATE).order_by("name")


def questions_for(user: Any) -> QuerySet[ApprovalQuestion]:
    """The questions a viewer may see, each with its plan and body through their readers."""
    return ApprovalQuestion.objects.visible_to(user).prefetch_related(
        Prefetch("plan", queryset=plans_for(user)),
        Prefetch("body", queryset=bodies_for(user)),
    )


def positions_for(user: Any) -> QuerySet[ApprovalPosition]:
    """Positions on the questions the viewer sees, each with its country (if visible)."""
    return (
        ApprovalPosition.objects.filter(question__in=ApprovalQuestion.objects.visible_to(user))
        .prefetch_related(Prefetch("country", queryset=organisations_for(user)))
        .order_by("country__name", "id")
    )


def questions_with_parts_for(user: Any) -> QuerySet[ApprovalQuestion]:
    """As `questions_for`, with positions (and their files) and the question's files."""
    return questions_for(user).prefetch_related(
        Prefetch(
            "positions",
            queryset=positions_for(user).prefetch_related(
                Prefetch("files", queryset=ApprovalFile.objects.order_by("uploaded_at", "id"))
            ),
        ),
        Prefetch(
            "files",
            queryset=ApprovalFile.objects.filter(position__isnull=True).order_by(
                "uploaded_at", "id"
            ),
            to_attr="text_files",
        ),
    )


def get_question_for(user: Any, pk: int) -> ApprovalQuestion:
    """One question, or 404: the same for one that does not exist and one not visible."""
    return get_object_or_404(questions_with_parts_for(user), pk=pk)


def open_questions_for(user: Any) -> QuerySet[ApprovalQuestion]:
    return questions_for(user).filter(closed_on__isnull=True)


def plan_questions_for(user: Any, plan: Plan) -> QuerySet[ApprovalQuestion]:
    """A plan's questions, newest first (the first is its current one)."""
    return questions_for(user).filter(plan=plan).order_by("-opened_on", "-id")


def current_question_for(user: Any, plan: Plan) -> ApprovalQuestion | None:
    """The plan's open question, or else its latest one."""
    # The plan is the page's own (already read as the viewer): not loaded again.
    questions = list(
        ApprovalQuestion.objects.visible_to(user)
        .filter(plan=plan)
        .order_by("-opened_on", "-id")
        .prefetch_related("positions")[:20]
    )
    open_ones = [q for q in questions if q.is_open]
    chosen = open_ones or questions
    return chosen[0] if chosen else None


def outcome_for(
    user: Any,
    question: ApprovalQuestion,
    today: dt.date | None = None,
    members: list[Organisation] | None = None,
) -> Outcome:
    """The question's outcome under its rule, as of `today` (the current date by default).
    `members`: the member countries, when the caller has read them already (lists)."""
    if members is None:
        members = list(member_countries_for(user))
    return decide(question, list(question.positions.all()), members, today or timezone.localdate())


def outcomes_for(user: Any, questions: list[ApprovalQuestion]) -> list[Outcome]:
    """The outcomes of a list of questions (their positions prefetched), in one more query."""
    members = list(member_countries_for(user))
    return [outcome_for(user, q, members=members) for q in questions]


def approval_files_for(user: Any) -> QuerySet[ApprovalFile]:
    """The files a person may download: those of the questions they see."""
    return ApprovalFile.objects.filter(question__in=ApprovalQuestion.objects.visible_to(user))


def get_approval_file_for(user: Any, pk: int) -> ApprovalFile:
    return get_object_or_404(approval_files_for(user), pk=pk)
