"""Approval questions for the leak crawler (called from `canaries.plant_stage`).

At each level 0–3: a plan of that level with a question of that level on it, and (from level
1) a question of that level on a public plan planted at stage 0 (more restricted than its
plan). Each question
has a marked title, a country's position with a marked note and a marked written request
file. Level 0 is the public control. Kinds: "approval" (pk), "approval_file" (pk)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from rumbo.approvals import services
from rumbo.approvals.models import ApprovalQuestion
from rumbo.organisations.models import Organisation
from rumbo.plans import services as plan_services
from rumbo.plans.models import Plan

AUTHORS = 4


def _tag(level: int, kind: str) -> str:
    return f"CANARY{level}x{kind}"


def _plan(system: Any, level: int, code: str) -> Plan:
    return plan_services.plan_create(
        actor=system,
        data={
            "code": code,
            "kind": Plan.Kind.WORKING_GROUP,
            "title_es": f"Plan {code}",
            "title_en": f"Plan {code}",
            "period_start": 2030,
            "period_end": 2032,
            "visibility": level,
        },
    )


def _question(system: Any, planted: Any, plan: Plan, level: int) -> None:
    marker = _tag(level, "approval")
    question = services.question_open(
        actor=system,
        data={
            "plan": plan,
            "rule": ApprovalQuestion.Rule.UNANIMITY,
            "title_es": f"{marker} title es",
            "title_en": f"{marker} title en",
            "visibility": level,
        },
    )
    country = Organisation.objects.filter(kind=Organisation.Kind.MEMBER_STATE, code="MEX").get()
    name = _tag(level, "approval_file")
    position = services.position_record(
        actor=system,
        question=question,
        country=country,
        data={
            "position": "objects",
            "decided_on": dt.date(2026, 1, 1 + level),
            "note": f"{marker} note",
        },
        text_version=question.text_version,
        expected_version=services.NEW,
        written_request=SimpleUploadedFile(f"{name}.txt", f"{name} content".encode()),
    )
    planted.add("approval", question.pk, level)
    for item in position.files.all():
        planted.add("approval_file", item.pk, level)


def plant_approvals(level: int, planted: Any, system: Any) -> None:
    if level == AUTHORS:
        return
    if level == 0:
        # The public plans that later stages put restricted questions on (a stage adds
        # nothing a lower level may see).
        for later in (1, 2, 3):
            public = _plan(system, 0, f"c{later}-open-approved")
            planted.add("plan", public.code, 0)
            planted.anchors[f"approval_plan_{later}"] = public
    own = _plan(system, level, f"c{level}-approved")
    planted.add("plan", own.code, level)
    _question(system, planted, own, level)
    if level > 0:
        _question(system, planted, planted.anchors[f"approval_plan_{level}"], level)
