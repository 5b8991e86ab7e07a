"""The rules: unanimity, N of M, silence procedure before and after its deadline."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rumbo.approvals.models import ApprovalPosition, ApprovalQuestion
from rumbo.approvals.outcome import State, decide
from rumbo.organisations.models import Organisation

R = ApprovalQuestion.Rule
DEADLINE = dt.date(2026, 6, 30)


def members() -> list[Organisation]:
    return list(Organisation.objects.filter(kind=Organisation.Kind.MEMBER_STATE).order_by("code"))


def positions(**given: str) -> list[ApprovalPosition]:
    by_code = {m.code: m for m in members()}
    return [ApprovalPosition(country=by_code[code], position=p) for code, p in given.items()]


def outcome(
    rule: str, given: dict[str, str], today: dt.date = DEADLINE, required: int | None = None
) -> Any:
    question = ApprovalQuestion(rule=rule, required=required, deadline=DEADLINE)
    return decide(question, positions(**given), members(), today)


@pytest.mark.django_db
def test_unanimity_needs_every_member_country(orgs: Any) -> None:
    everyone = {m.code: "approves" for m in members()}
    assert len(everyone) == 11  # the real member countries ship with every database
    but_one = {code: p for code, p in everyone.items() if code != "PAN"}
    assert outcome(R.UNANIMITY, but_one).state == State.PENDING
    done = outcome(R.UNANIMITY, everyone)
    assert (done.state, done.approvals, done.total) == (State.APPROVED, 11, 11)
    blocked = outcome(R.UNANIMITY, {**everyone, "MEX": "objects"})
    assert blocked.state == State.NOT_APPROVED
    assert [c.code for c in blocked.objecting] == ["MEX"]


@pytest.mark.django_db
def test_n_of_m_counts_approvals_and_says_who_is_missing(orgs: Any) -> None:
    one = outcome(R.N_OF_M, {"GTM": "approves"}, required=2)
    assert (one.state, one.approvals, one.total) == (State.PENDING, 1, 11)
    assert len(one.missing) == 10 and "GTM" not in {c.code for c in one.missing}
    assert (
        outcome(R.N_OF_M, {"GTM": "approves", "PAN": "approves"}, required=2).state
        == State.APPROVED
    )
    # Two objections: ten approvals can no longer be reached, nine still can.
    codes = [m.code for m in members()]
    lost = outcome(R.N_OF_M, dict.fromkeys(codes[:2], "objects"), required=10)
    assert lost.state == State.NOT_APPROVED
    still = outcome(R.N_OF_M, dict.fromkeys(codes[:2], "objects"), required=9)
    assert still.state == State.PENDING


@pytest.mark.django_db
def test_silence_counts_as_approval_only_once_the_deadline_has_passed(orgs: Any) -> None:
    on_the_day = outcome(R.SILENCE, {"GTM": "approves"}, today=DEADLINE)
    assert on_the_day.state == State.PENDING
    after = outcome(R.SILENCE, {"GTM": "approves"}, today=DEADLINE + dt.timedelta(days=1))
    assert (after.state, after.by_silence) == (State.APPROVED, True)


@pytest.mark.django_db
def test_an_objection_breaks_the_silence_before_and_after_the_deadline(orgs: Any) -> None:
    for today in (DEADLINE - dt.timedelta(days=3), DEADLINE + dt.timedelta(days=3)):
        assert outcome(R.SILENCE, {"MEX": "objects"}, today=today).state == State.NOT_APPROVED
