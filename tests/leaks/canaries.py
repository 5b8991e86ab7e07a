"""Canary records for the leak crawler, planted one level at a time.

Each canary carries the marker `CANARY<level>x<kind>` in its texts and names. Level 0 is
public (a control: the crawler must find those), 1 network, 2 observers, 3 members, and 4
marks what only its authors and the secretariat may read (draft concept notes, a person's
own uploaded workbooks). A viewer whose clearance is below a marker's level must never
receive it, in any page, API answer, export or error.

Stage 0 plants public records, including public "anchors" that later stages point at
restricted records: a public plan whose parent and owners become restricted, a public
activity given a restricted working group, linked topic, responsible party, funder, budget
line, approved note and progress update, a public body given a restricted member. A stage
never adds anything a lower level may see, so what a viewer sees must not change from the
stage at their level to the last one (counts and totals included)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from rumbo.core.services import audited_create
from rumbo.organisations.models import Body, Organisation, User
from rumbo.plans import services as plan_services
from rumbo.plans.models import Activity, Plan
from rumbo.tracking import services as tracking_services
from rumbo.tracking.models import ConceptNote, Evidence, ImportSession, ProgressUpdate

AUTHORS = 4  # a marker level above members: authors and the secretariat only
NOTE_STATES = ("draft", "submitted", "returned", "approved")


def tag(level: int, kind: str) -> str:
    return f"CANARY{level}x{kind}"


def record_level(level: int) -> int:
    """The visibility stored on a canary of this marker level."""
    return min(level, 3)


@dataclass
class Planted:
    """What the crawler can ask for: record ids and codes by kind, each with its level."""

    records: dict[str, list[tuple[Any, int]]] = field(default_factory=dict)
    anchors: dict[str, Any] = field(default_factory=dict)

    def add(self, kind: str, value: Any, level: int) -> None:
        self.records.setdefault(kind, []).append((value, level))

    def values(self, kind: str) -> list[tuple[Any, int]]:
        return self.records.get(kind, [])


def _texts(level: int, kind: str, *names: str) -> dict[str, str]:
    return {f"{n}_{lang}": f"{tag(level, kind)} {n} {lang}" for n in names for lang in ("es", "en")}


def _complete_note(level: int, lead: Organisation) -> dict[str, Any]:
    return {
        **_texts(
            level,
            "note",
            "objective",
            "justification",
            "expected_results",
            "indicators",
            "participants",
            "target_audience",
            "assumptions_risks",
            "funding_source",
            "place",
        ),
        "modality": "virtual",
        "start_date": dt.date(2031, 1, 1 + level),
        "end_date": dt.date(2031, 2, 1 + level),
        "budget_amount": Decimal(f"{level}7{level}7{level}.{level}1"),
        "lead_organisations": [lead],
        "visibility": record_level(level),
    }


def plant_stage(level: int, planted: Planted, system: User) -> None:
    """Plant the canaries of one marker level (0 to 4); stage 0 also plants the anchors."""
    if level == 0:
        _plant_anchors(planted, system)
    if level == AUTHORS:
        _plant_authors_only(planted, system)
        return
    vis = record_level(level)
    anchors = planted.anchors
    org = audited_create(
        actor=system,
        instance=Organisation(),
        data={
            "code": f"C{level}-ORG",
            "kind": Organisation.Kind.OBSERVER_ORG,
            **_texts(level, "org", "name", "acronym"),
            "visibility": vis,
        },
    )
    planted.add("organisation", org.code, level)
    body = audited_create(
        actor=system,
        instance=Body(),
        data={
            "code": f"C{level}-WG",
            "kind": Body.Kind.WORKING_GROUP,
            **_texts(level, "body", "name", "mandate"),
            "visibility": vis,
        },
    )
    body.members.add(org)
    planted.add("body", body.code, level)
    plan = plan_services.plan_create(
        actor=system,
        data={
            "code": f"c{level}-plan",
            "kind": Plan.Kind.WORKING_GROUP,
            **_texts(level, "plan", "title", "short_title", "description"),
            "period_start": 2030,
            "period_end": 2032,
            "owner_body": body,
            "owner_organisation": org,
            "visibility": vis,
            "levels": [{"es": "Línea", "en": "Line"}],
        },
    )
    planted.add("plan", plan.code, level)
    element = plan_services.element_create(
        actor=system,
        plan=anchors["plan"],
        data={
            "code": f"C{level}-EL",
            **_texts(level, "element", "title", "description", "notes"),
            "visibility": vis,
        },
    )
    planted.add("element", element.pk, level)
    hidden_activity = plan_services.activity_create(
        actor=system,
        plan=anchors["plan"],
        data={
            "code": f"C{level}-ACT",
            **_texts(level, "activity", "title", "description", "indicators", "assumptions_risks"),
            "visibility": vis,
        },
        budget_lines=[{"amount": Decimal("10"), "currency": "USD", "source": tag(level, "fund")}],
    )
    planted.add("activity", hidden_activity.pk, level)
    # A progress update with evidence and a status change (and its reason) on an activity of
    # its own level; the status of a public activity is public by design.
    tracking_services.progress_update_create(
        actor=system,
        activity=hidden_activity,
        data={
            "date": dt.date(2024, 5, 5),
            **_texts(level, "update", "text"),
            "new_status": Activity.Status.IN_PROGRESS,
            "visibility": vis,
        },
        files=[SimpleUploadedFile(f"{tag(level, 'evidence')}.pdf", b"%PDF-1.4 canary")],
        status_reason=tag(level, "reason"),
    )
    if level == 0:
        return
    # The public anchors now point at this level's records.
    anchor_plan = anchors[f"plan{level}"]
    plan_services.plan_update(
        actor=system,
        plan=anchor_plan,
        data={"parent": plan, "owner_body": body, "owner_organisation": org},
        expected_version=anchor_plan.version,
    )
    anchors["body"].members.add(org)
    act = Activity.objects.get(pk=anchors[f"activity{level}"].pk)
    strategic_topic = plan_services.element_create(
        actor=system,
        plan=anchors["strategic"],
        data={"code": f"C{level}-T", **_texts(level, "topic", "title"), "visibility": vis},
    )
    planted.add("element", strategic_topic.pk, level)
    plan_services.activity_update(
        actor=system,
        activity=act,
        data={"working_group": body, "linked_elements": [strategic_topic]},
        expected_version=act.version,
        parties=[{"organisation": org, "role": "lead"}],
        budget_lines=[
            {"amount": Decimal("5"), "currency": "USD", "source": "", "funder": org},
            {
                "amount": Decimal(f"{level}3{level}3"),
                "currency": "USD",
                "source": tag(level, "line"),
                "visibility": vis,
            },
        ],
    )
    tracking_services.progress_update_create(
        actor=system,
        activity=act,
        data={"date": dt.date(2024, 6, 6), **_texts(level, "update", "text"), "visibility": vis},
        files=[SimpleUploadedFile(f"{tag(level, 'evidence')}.txt", b"canary")],
    )
    # Concept notes of this level in every state, each on a public activity.
    for state in NOTE_STATES:
        target = anchors[f"note{level}{state}"]
        marker = AUTHORS if state in {"draft", "returned"} else level  # who may read it
        note = tracking_services.concept_note_save(
            actor=system, activity=target, data=_complete_note(marker, org)
        )
        if state != "draft":
            note = tracking_services.concept_note_submit(actor=system, note=note)
        if state == "returned":
            tracking_services.concept_note_return(
                actor=system, note=note, comments=tag(AUTHORS, "review")
            )
        if state == "approved":
            tracking_services.concept_note_approve(actor=system, note=note)


def _plant_anchors(planted: Planted, system: User) -> None:
    anchors = planted.anchors
    public = plan_services.plan_create(
        actor=system,
        data={
            "code": "c0-public",
            "kind": Plan.Kind.WORKING_GROUP,
            **_texts(0, "plan", "title"),
            "period_start": 2030,
            "period_end": 2032,
            "visibility": 0,
            "levels": [{"es": "Línea", "en": "Line"}],
        },
    )
    anchors["plan"] = public
    planted.add("plan", public.code, 0)
    anchors["strategic"] = plan_services.plan_create(
        actor=system,
        data={
            "code": "c0-strategic",
            "kind": Plan.Kind.STRATEGIC,
            **_texts(0, "strategic", "title"),
            "period_start": 2030,
            "period_end": 2032,
            "visibility": 0,
        },
    )
    planted.add("plan", "c0-strategic", 0)
    anchor_element = plan_services.element_create(
        actor=system, plan=public, data={"code": "C0-ANCHOR", **_texts(0, "element", "title")}
    )
    planted.add("element", anchor_element.pk, 0)
    anchors["body"] = audited_create(
        actor=system,
        instance=Body(),
        data={"code": "C0-GRCM", "kind": Body.Kind.GRCM, **_texts(0, "body", "name")},
    )
    planted.add("body", "C0-GRCM", 0)
    for level in (1, 2, 3):
        anchors[f"plan{level}"] = plan_services.plan_create(
            actor=system,
            data={
                "code": f"c0-anchor{level}",
                "kind": Plan.Kind.WORKING_GROUP,
                **_texts(0, "anchor", "title"),
                "period_start": 2030,
                "period_end": 2032,
                "visibility": 0,
            },
        )
        planted.add("plan", f"c0-anchor{level}", 0)
        anchors[f"activity{level}"] = plan_services.activity_create(
            actor=system,
            plan=public,
            data={"code": f"C0-A{level}", "element": anchor_element, **_texts(0, "act", "title")},
            budget_lines=[{"amount": Decimal("5"), "currency": "USD", "source": ""}],
        )
        planted.add("activity", anchors[f"activity{level}"].pk, 0)
        for state in NOTE_STATES:
            act = plan_services.activity_create(
                actor=system,
                plan=public,
                data={"code": f"C0-N{level}{state}", **_texts(0, "act", "title")},
            )
            anchors[f"note{level}{state}"] = act
            planted.add("activity", act.pk, 0)


def _plant_authors_only(planted: Planted, system: User) -> None:
    """What only its author (and the secretariat) may read: a person's uploaded workbook."""
    session = ImportSession.objects.create(
        token="canary-import-token",
        user=system,
        filename=f"{tag(AUTHORS, 'import')}.xlsx",
        preview={"rows": [], "problems": [], "warnings": []},
    )
    planted.add("import", session.token, AUTHORS)


def evidence_ids() -> list[tuple[int, int]]:
    """(evidence id, marker level) of every planted evidence file."""
    found = []
    for ev in Evidence.objects.select_related("update__activity"):
        level = max(ev.update.visibility, ev.update.activity.effective_visibility)
        found.append((ev.pk, level))
    return found


def note_ids() -> list[tuple[int, int]]:
    found = []
    for note in ConceptNote.objects.select_related("activity"):
        level = max(note.visibility, note.activity.effective_visibility)
        if note.status in {"draft", "returned"}:
            level = AUTHORS
        found.append((note.pk, level))
    return found


def update_ids() -> list[tuple[int, int]]:
    return [
        (u.pk, max(u.visibility, u.activity.effective_visibility))
        for u in ProgressUpdate.objects.select_related("activity")
    ]
