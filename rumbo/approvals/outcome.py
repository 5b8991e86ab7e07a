"""The outcome of an approval question under its rule, decided when it is read: a silence
procedure's deadline is a date comparison against today, so no job has to run for "no
objection by DATE" to count as approval once the date has passed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _

from rumbo.organisations.models import Organisation

from .models import ApprovalPosition, ApprovalQuestion

Rule = ApprovalQuestion.Rule
Position = ApprovalPosition.Position


class State(models.TextChoices):
    APPROVED = "approved", _("Approved")
    PENDING = "pending", _("Pending")
    NOT_APPROVED = "not_approved", _("Not approved")
    # The sources give a count, not a rule nor a decision.
    AS_RECORDED = "as_recorded", _("No decision recorded in the sources")


@dataclass(frozen=True)
class Outcome:
    state: str
    approvals: int  # named countries that approve, plus a count the sources give unnamed
    total: int  # member countries
    approving: list[Organisation] = field(default_factory=list)
    objecting: list[Organisation] = field(default_factory=list)
    abstaining: list[Organisation] = field(default_factory=list)
    missing: list[Organisation] = field(default_factory=list)
    unnamed: int = 0  # approvals the sources count without naming the countries
    by_silence: bool = False

    @property
    def is_approved(self) -> bool:
        return self.state == State.APPROVED

    @property
    def state_label(self) -> str:
        return str(State(self.state).label)


def decide(
    question: ApprovalQuestion,
    positions: Sequence[ApprovalPosition],
    members: Sequence[Organisation],
    today: dt.date,
) -> Outcome:
    """The outcome of `question` given its `positions` and the member countries (`members`)."""
    by_country = {p.country_id: p for p in positions}
    approving = [
        m for m in members if getattr(by_country.get(m.pk), "position", None) == "approves"
    ]
    objecting = [m for m in members if getattr(by_country.get(m.pk), "position", None) == "objects"]
    abstaining = [
        m for m in members if getattr(by_country.get(m.pk), "position", None) == "abstains"
    ]
    unnamed = question.recorded_approvals or 0
    # Countries counted without being named may be any of those with no recorded position:
    # with such a count, nobody is listed as missing (the sources do not say who).
    missing = [] if unnamed else [m for m in members if m.pk not in by_country]
    approvals = len(approving) + unnamed
    total = len(members)
    state = State.PENDING
    by_silence = False
    if question.rule == Rule.RECORDED:
        state = State.AS_RECORDED
    elif question.rule == Rule.UNANIMITY:
        if objecting or abstaining:
            state = State.NOT_APPROVED
        elif total and approvals >= total:
            state = State.APPROVED
    elif question.rule == Rule.N_OF_M:
        required = question.required or total
        if approvals >= required:
            state = State.APPROVED
        elif approvals + len(missing) < required:
            state = State.NOT_APPROVED
    elif question.rule == Rule.SILENCE:
        if objecting:
            state = State.NOT_APPROVED
        elif total and approvals >= total:
            state = State.APPROVED
        elif question.deadline is not None and today > question.deadline:
            state = State.APPROVED
            by_silence = True
    return Outcome(
        state=state,
        approvals=approvals,
        total=total,
        approving=approving,
        objecting=objecting,
        abstaining=abstaining,
        missing=missing,
        unnamed=unnamed,
        by_silence=by_silence,
    )
