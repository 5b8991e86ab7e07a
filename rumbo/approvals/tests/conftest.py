from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rumbo.approvals import services
from rumbo.approvals.models import ApprovalQuestion
from rumbo.core.visibility import Visibility
from rumbo.plans.models import Plan
from rumbo.testing.factories import PlanFactory

TODAY = dt.date(2026, 11, 29)


def upload(name: str = "carta.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 written request", content_type="application/pdf")


@pytest.fixture
def plan(bodies: Any) -> Any:
    return PlanFactory(
        code="plan-a",
        title_es="Plan A",
        title_en="Plan A (en)",
        visibility=Visibility.PUBLIC,
        document_version="1",
        status=Plan.Status.DRAFT,
    )


@pytest.fixture
def open_question(cast: Any, plan: Any) -> Any:
    def make(rule: str = ApprovalQuestion.Rule.UNANIMITY, **extra: Any) -> ApprovalQuestion:
        return services.question_open(
            actor=cast.secretariat,
            data={"plan": plan, "rule": rule, "visibility": Visibility.PUBLIC, **extra},
        )

    return make


def record(actor: Any, question: Any, country: Any, position: str = "approves", **kw: Any) -> Any:
    return services.position_record(
        actor=actor,
        question=question,
        country=country,
        data={"position": position, "decided_on": kw.pop("decided_on", dt.date(2026, 11, 1))},
        text_version=kw.pop("text_version", question.text_version),
        expected_version=kw.pop("expected_version", services.NEW),
        **kw,
    )
