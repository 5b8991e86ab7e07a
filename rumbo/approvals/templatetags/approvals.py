"""The plan page's "Approval" line: its current question and outcome, read as the viewer."""

from __future__ import annotations

from typing import Any

from django import template

from ..selectors import current_question_for, outcome_for

register = template.Library()


@register.inclusion_tag("approvals/plan_line.html", takes_context=True)
def approval_line(context: Any, plan: Any) -> dict[str, Any]:
    user = context["request"].user
    question = current_question_for(user, plan)
    outcome = outcome_for(user, question) if question is not None else None
    return {"question": question, "outcome": outcome}
