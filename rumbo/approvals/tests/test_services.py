"""Opening questions and recording positions: who may, on which version, with which files;
the plan's status following its approvals; conflicts refused, never overwritten."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rumbo.approvals import services
from rumbo.approvals.models import ApprovalFile, ApprovalPosition, ApprovalQuestion
from rumbo.core.models import AuditEvent
from rumbo.core.services import ConflictError
from rumbo.plans.models import Plan
from rumbo.plans.services import plan_update

from .conftest import record, upload

R = ApprovalQuestion.Rule


@pytest.mark.django_db
def test_only_the_secretariat_opens_a_question(cast: Any, plan: Plan) -> None:
    for role in ("focal", "ppt", "observer", "civil"):
        with pytest.raises(PermissionDenied):
            services.question_open(
                actor=getattr(cast, role), data={"plan": plan, "rule": R.UNANIMITY}
            )


@pytest.mark.django_db
def test_a_focal_point_records_only_their_own_country(
    cast: Any, orgs: Any, open_question: Any
) -> None:
    question = open_question()
    mine = record(cast.focal, question, orgs.gtm)
    assert (mine.country, mine.on_behalf, mine.recorded_by) == (orgs.gtm, False, cast.focal)
    with pytest.raises(PermissionDenied):
        record(cast.focal, question, orgs.mex)
    for role in ("observer", "civil", "wg"):
        with pytest.raises(PermissionDenied):
            record(getattr(cast, role), question, orgs.mex)


@pytest.mark.django_db
def test_the_secretariat_records_on_behalf_only_with_the_written_request(
    cast: Any, orgs: Any, open_question: Any
) -> None:
    question = open_question()
    with pytest.raises(ValidationError) as refused:
        record(cast.secretariat, question, orgs.mex)
    assert "written_request" in refused.value.message_dict
    assert not ApprovalPosition.objects.exists()
    position = record(cast.secretariat, question, orgs.mex, written_request=upload())
    assert position.on_behalf
    [request_file] = ApprovalFile.objects.filter(position=position)
    assert (request_file.kind, request_file.name) == (ApprovalFile.Kind.REQUEST, "carta.pdf")
    events = AuditEvent.objects.for_object(position)
    assert {e.action for e in events} == {AuditEvent.Action.CREATE, AuditEvent.Action.ATTACH}


@pytest.mark.django_db
def test_a_stale_form_is_refused_and_the_position_kept(
    cast: Any, orgs: Any, open_question: Any
) -> None:
    question = open_question()
    first = record(cast.focal, question, orgs.gtm, "objects")
    # Another official of the same country, on a form opened before the first position.
    with pytest.raises(ConflictError):
        record(cast.focal, question, orgs.gtm, "approves", expected_version=services.NEW)
    changed = record(cast.focal, question, orgs.gtm, "approves", expected_version=first.version)
    with pytest.raises(ConflictError):
        record(cast.focal, question, orgs.gtm, "abstains", expected_version=first.version)
    assert ApprovalPosition.objects.get().position == changed.position == "approves"


@pytest.mark.django_db
def test_a_position_on_another_version_of_the_text_is_a_conflict(
    cast: Any, orgs: Any, open_question: Any
) -> None:
    question = open_question()
    with pytest.raises(ConflictError):
        record(cast.focal, question, orgs.gtm, text_version="0")
    assert not ApprovalPosition.objects.exists()


@pytest.mark.django_db
def test_a_new_version_opens_a_new_question_and_closes_the_old_one(
    cast: Any, orgs: Any, plan: Plan, open_question: Any
) -> None:
    old = open_question()
    record(cast.focal, old, orgs.gtm)
    with pytest.raises(ValidationError):
        open_question()  # the same version again
    plan_update(
        actor=cast.secretariat, plan=plan, data={"document_version": "2"}, expected_version=None
    )
    new = open_question()
    old.refresh_from_db()
    assert (old.is_open, old.text_version, new.is_open, new.text_version) == (False, "1", True, "2")
    assert old.positions.count() == 1 and new.positions.count() == 0
    with pytest.raises(ValidationError):
        record(cast.focal, old, orgs.gtm, expected_version=1)  # the old text is closed


@pytest.mark.django_db
def test_the_plan_becomes_approved_when_its_question_is(
    cast: Any, orgs: Any, plan: Plan, open_question: Any
) -> None:
    question = open_question(R.N_OF_M, required=3)
    record(cast.focal, question, orgs.gtm)
    record(cast.ppt, question, orgs.pan)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT
    record(cast.secretariat, question, orgs.mex, written_request=upload())
    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPROVED
    # Through the plans' own audited service: the change is in the plan's history.
    assert AuditEvent.objects.for_object(plan).filter(changes__has_key="status").exists()


@pytest.mark.django_db
def test_a_silence_procedure_approves_the_plan_once_settled_after_the_deadline(
    cast: Any, orgs: Any, plan: Plan, open_question: Any
) -> None:
    today = dt.date.today()
    running = open_question(R.SILENCE, deadline=today)
    assert services.question_settle(actor=cast.secretariat, question=running) is None
    running.deadline = today - dt.timedelta(days=1)  # the deadline has passed
    running.save()
    with pytest.raises(PermissionDenied):
        services.question_settle(actor=cast.focal, question=running)
    services.question_settle(actor=cast.secretariat, question=running)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPROVED


@pytest.mark.django_db
def test_a_plan_with_an_objection_stays_as_it_was(
    cast: Any, orgs: Any, plan: Plan, open_question: Any
) -> None:
    question = open_question(R.SILENCE, deadline=dt.date.today() - dt.timedelta(days=1))
    record(cast.focal, question, orgs.gtm, "objects")
    services.question_settle(actor=cast.secretariat, question=question)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT


@pytest.mark.django_db
def test_a_position_cannot_be_dated_in_the_future(cast: Any, orgs: Any, open_question: Any) -> None:
    question = open_question()
    with pytest.raises(ValidationError) as refused:
        record(cast.focal, question, orgs.gtm, decided_on=dt.date.today() + dt.timedelta(days=2))
    assert "decided_on" in refused.value.message_dict


@pytest.mark.django_db
def test_a_question_is_never_more_visible_than_its_plan(cast: Any, canary: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        services.question_open(
            actor=cast.secretariat,
            data={"plan": canary.closed_plan, "rule": R.UNANIMITY, "visibility": 0},
        )
    assert "visibility" in refused.value.message_dict


@pytest.mark.django_db
def test_a_document_question_needs_its_title_and_file(cast: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        services.question_open(
            actor=cast.secretariat, data={"title": "Declaración", "rule": R.UNANIMITY}
        )
    assert "text_file" in refused.value.message_dict
    question = services.question_open(
        actor=cast.secretariat,
        data={"title": "Declaración", "rule": R.UNANIMITY},
        text_file=upload("declaracion.pdf"),
    )
    assert question.files.get().kind == ApprovalFile.Kind.TEXT
