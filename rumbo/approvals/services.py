"""Opening approval questions and recording the countries' positions: each change atomic,
audited, and checked against the version it was read at (a stale form is refused, never
applied over someone else's position).

A plan's status follows from its approvals: when the open question on a plan's current
version is approved under its rule, the plan becomes approved through the plans' own audited
service. Files are written as the follow-up's evidence is (`tracking.services.evidence_store`):
before the transaction, under random names, deleted if the change is refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rumbo.core import audit
from rumbo.core.models import AuditEvent
from rumbo.core.services import ConflictError, audited_create, audited_update
from rumbo.organisations.models import Organisation
from rumbo.plans.models import Plan
from rumbo.plans.services import plan_update
from rumbo.tracking.services import evidence_check_sizes, evidence_discard, evidence_store

from .access import can_open_questions, can_record_position, records_on_behalf
from .models import ApprovalFile, ApprovalPosition, ApprovalQuestion
from .outcome import Outcome, decide

NEW = 0  # the version a form sends for a position not recorded yet


def _store(files: Mapping[str, UploadedFile | None]) -> dict[str, ApprovalFile]:
    present = {kind: f for kind, f in files.items() if f is not None}
    for kind, upload in present.items():
        evidence_check_sizes([upload], field=kind)
    stored: dict[str, ApprovalFile] = {}
    try:
        for kind, upload in present.items():
            stored[kind] = evidence_store([upload], model=ApprovalFile)[0]
    except BaseException:
        evidence_discard(list(stored.values()))
        raise
    return stored


def _attach(
    actor: Any,
    question: ApprovalQuestion,
    stored: Mapping[str, ApprovalFile],
    kinds: Mapping[str, str],
    position: ApprovalPosition | None = None,
) -> None:
    uploader = actor if getattr(actor, "is_authenticated", False) else None
    for name, item in stored.items():
        item.question = question
        item.position = position
        item.kind = kinds[name]
        item.uploaded_by = uploader
        item.save()
    if stored:
        audit.record(
            actor=actor,
            action=AuditEvent.Action.ATTACH,
            instance=position or question,
            changes={"files": {"old": [], "new": [item.name for item in stored.values()]}},
        )


def _has_title(values: Mapping[str, Any]) -> bool:
    return any(values.get(name) for name in ("title", "title_es", "title_en"))


def question_open(
    *,
    actor: Any,
    data: Mapping[str, Any],
    text_file: UploadedFile | None = None,
) -> ApprovalQuestion:
    """Put a text to the member countries: a plan's current version (`data["plan"]`), or a
    document (a title and its file). Opening a question on a plan's new version closes the
    question on the version before (it keeps its positions)."""
    if not can_open_questions(actor):
        raise PermissionDenied
    stored = _store({"text_file": text_file})
    try:
        return _question_open(actor=actor, data=data, stored=stored)
    except BaseException:
        evidence_discard(list(stored.values()))
        raise


@transaction.atomic
def _question_open(
    *, actor: Any, data: Mapping[str, Any], stored: Mapping[str, ApprovalFile]
) -> ApprovalQuestion:
    values = dict(data)
    plan: Plan | None = values.get("plan")
    if plan is not None:
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        values["text_version"] = plan.document_version
        if not _has_title(values):
            # The plan's own title, in both languages.
            values.pop("title", None)
            values["title_es"], values["title_en"] = plan.title_es, plan.title_en
        level = values.get("visibility")
        if level is not None and int(level) < int(plan.visibility):
            raise ValidationError(
                {
                    "visibility": _("A question cannot be more visible than its plan (%(level)s).")
                    % {"level": plan.get_visibility_display()}
                }
            )
        earlier = list(
            ApprovalQuestion.objects.select_for_update().filter(plan=plan, closed_on__isnull=True)
        )
        for question in earlier:
            if question.text_version == plan.document_version:
                raise ValidationError(
                    {
                        "plan": _("Version %(version)s of this plan is already put to approval.")
                        % {"version": plan.document_version}
                    }
                )
        for question in earlier:
            audited_update(
                actor=actor,
                instance=question,
                data={"closed_on": timezone.localdate()},
                expected_version=question.version,
                reason=_("A new version of the text was put to approval."),
            )
    else:
        if not _has_title(values):
            raise ValidationError({"title": _("Give the document's title.")})
        if "text_file" not in stored:
            raise ValidationError({"text_file": _("Attach the document put to approval.")})
        values.setdefault("text_version", "1")
    values.setdefault("opened_on", timezone.localdate())
    question = audited_create(actor=actor, instance=ApprovalQuestion(), data=values)
    _attach(actor, question, stored, {"text_file": ApprovalFile.Kind.TEXT})
    return question


def position_record(
    *,
    actor: Any,
    question: ApprovalQuestion,
    country: Organisation,
    data: Mapping[str, Any],
    text_version: str,
    expected_version: int,
    document: UploadedFile | None = None,
    written_request: UploadedFile | None = None,
) -> ApprovalPosition:
    """Record (or change) `country`'s position on `question`, read at `text_version` and,
    for the position, at `expected_version` (NEW when none was recorded). Only the country's
    own focal points record it, or the secretariat on its written request (attached)."""
    if not can_record_position(actor, country):
        raise PermissionDenied
    on_behalf = records_on_behalf(actor, country)
    if on_behalf and written_request is None:
        raise ValidationError(
            {
                "written_request": _(
                    "Attach the country's written request: the secretariat records a position "
                    "only on a country's written behalf."
                )
            }
        )
    stored = _store({"document": document, "written_request": written_request})
    try:
        return _position_record(
            actor=actor,
            question=question,
            country=country,
            data=data,
            text_version=text_version,
            expected_version=expected_version,
            on_behalf=on_behalf,
            stored=stored,
        )
    except BaseException:
        evidence_discard(list(stored.values()))
        raise


@transaction.atomic
def _position_record(
    *,
    actor: Any,
    question: ApprovalQuestion,
    country: Organisation,
    data: Mapping[str, Any],
    text_version: str,
    expected_version: int,
    on_behalf: bool,
    stored: Mapping[str, ApprovalFile],
) -> ApprovalPosition:
    current = ApprovalQuestion.objects.select_for_update().get(pk=question.pk)
    if current.text_version != text_version:
        raise ConflictError(current)
    if not current.is_open:
        raise ValidationError(
            _("This question is closed: a newer version of the text was put to approval.")
        )
    if current.rule == ApprovalQuestion.Rule.RECORDED:
        raise ValidationError(_("This question only keeps what the sources record."))
    decided_on: dt.date | None = data.get("decided_on")
    if decided_on is not None and decided_on > timezone.localdate():
        raise ValidationError(
            {"decided_on": _("A position is recorded once it is taken: not in the future.")}
        )
    values = {
        "position": data.get("position"),
        "decided_on": decided_on,
        "note": data.get("note", ""),
        "on_behalf": on_behalf,
        "recorded_by": actor if getattr(actor, "is_authenticated", False) else None,
    }
    existing = (
        ApprovalPosition.objects.select_for_update()
        .filter(question=current, country=country)
        .first()
    )
    if existing is None:
        if expected_version != NEW:
            raise ConflictError(current)
        position = audited_create(
            actor=actor,
            instance=ApprovalPosition(question=current, country=country),
            data=values,
        )
    else:
        position = audited_update(
            actor=actor, instance=existing, data=values, expected_version=expected_version
        )
    _attach(
        actor,
        current,
        stored,
        {"document": ApprovalFile.Kind.POSITION, "written_request": ApprovalFile.Kind.REQUEST},
        position,
    )
    plan_follow_approval(actor=actor, question=current)
    return position


def settled_outcome(question: ApprovalQuestion, today: dt.date | None = None) -> Outcome:
    """The outcome as the service sees it: every member country, every position."""
    members = list(
        Organisation.objects.filter(kind=Organisation.Kind.MEMBER_STATE).order_by("name")
    )
    positions = list(ApprovalPosition.objects.filter(question=question))
    return decide(question, positions, members, today or timezone.localdate())


@transaction.atomic
def plan_follow_approval(
    *, actor: Any, question: ApprovalQuestion, today: dt.date | None = None
) -> Plan | None:
    """Make the plan approved when its open question, on its current version, is approved
    (through the plans' audited service). Returns the plan when its status changed."""
    if question.plan_id is None or not question.is_open:
        return None
    plan = Plan.objects.select_for_update().get(pk=question.plan_id)
    if plan.document_version != question.text_version or plan.status == Plan.Status.APPROVED:
        return None
    if not settled_outcome(question, today).is_approved:
        return None
    return plan_update(
        actor=actor,
        plan=plan,
        data={"status": Plan.Status.APPROVED},
        expected_version=plan.version,
        approved_by_members=True,
    )


def question_settle(*, actor: Any, question: ApprovalQuestion) -> Plan | None:
    """Apply an outcome reached without a new position (a silence procedure whose deadline
    has passed) to the plan's status. The secretariat's to do."""
    if not can_open_questions(actor):
        raise PermissionDenied
    return plan_follow_approval(actor=actor, question=question)
