"""The Action Plan's approval as its Operational Plan records it: a count, no countries."""

from __future__ import annotations

from typing import Any

import pytest

from rumbo.approvals.models import ApprovalPosition, ApprovalQuestion
from rumbo.approvals.outcome import State
from rumbo.approvals.seeds import load_approval_seeds
from rumbo.approvals.services import settled_outcome
from rumbo.plans.models import Plan
from rumbo.seeds.tests.test_sources import SOURCE_DIR
from rumbo.testing.http import client_for, url

pytestmark = pytest.mark.django_db
QUOTE = "El Plan de Acción ya ha sido aprobado por 9 Países Miembros."


def test_the_action_plan_ships_approved_by_nine_unnamed_member_countries() -> None:
    load_approval_seeds()
    question = ApprovalQuestion.objects.get(code="crm-lmap-2023-2027-approval")
    assert question.plan is not None and question.plan.code == "crm-lmap-2023-2027"
    assert (question.rule, question.recorded_approvals) == (ApprovalQuestion.Rule.RECORDED, 9)
    assert question.recorded_as_es == QUOTE
    assert "Plan Operativo" in (question.source_es or "")
    # Nothing the source does not say: no country's position, no date, no body, no decision.
    assert not ApprovalPosition.objects.filter(question=question).exists()
    assert (question.opened_on, question.body) == (None, None)
    outcome = settled_outcome(question)
    assert (outcome.state, outcome.approvals, outcome.total) == (State.AS_RECORDED, 9, 11)
    assert outcome.missing == []  # the two others are not named either
    assert question.plan.status == Plan.Status.NOT_REPORTED
    # The source is quoted exactly.
    source = SOURCE_DIR / "000_a28afff8a569de55.txt"
    if source.exists():  # the documents sit beside the project where they are at hand
        assert QUOTE in source.read_text(encoding="utf-8")


def test_the_seeded_question_on_its_pages(cast: Any) -> None:
    load_approval_seeds()
    question = ApprovalQuestion.objects.get(code="crm-lmap-2023-2027-approval")
    es = client_for(None).get(url("approval_detail", "es", pk=question.pk)).content.decode()
    assert "aprobado por 9 de 11" in es and "no nombrados en las fuentes" in es and QUOTE in es
    en = client_for(None).get(url("plan_detail", "en", code="crm-lmap-2023-2027")).content.decode()
    assert "approved by 9 of 11" in en


def test_a_reload_keeps_what_people_changed(cast: Any) -> None:
    load_approval_seeds()
    question = ApprovalQuestion.objects.get(code="crm-lmap-2023-2027-approval")
    from rumbo.core.services import audited_update

    audited_update(
        actor=cast.secretariat,
        instance=question,
        data={"title_en": "Edited title"},
        expected_version=question.version,
    )
    load_approval_seeds()
    question.refresh_from_db()
    assert question.title_en == "Edited title"
    assert ApprovalQuestion.objects.filter(code="crm-lmap-2023-2027-approval").count() == 1
