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

from rumbo.core.services import audited_create, audited_update
from rumbo.indicators import services as indicator_services
from rumbo.indicators.models import Dimension, Indicator, Measurement
from rumbo.meetings import services as meeting_services
from rumbo.meetings import services_agreements as agreement_services
from rumbo.meetings.models import Meeting, Participation
from rumbo.organisations.models import Body, Organisation, User
from rumbo.plans import services as plan_services
from rumbo.plans.models import Activity, Plan
from rumbo.tracking import services as tracking_services
from rumbo.tracking.models import ConceptNote, Evidence, ImportSession, ProgressUpdate

from .canaries_approvals import plant_approvals
from .canaries_jobs import plant_jobs
from .canaries_obligations import plant_obligations
from .canaries_pledges import plant_pledges
from .canaries_practices import plant_practices

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
    plant_indicators(level, planted, system)
    plant_meetings(level, planted, system)
    plant_practices(level, planted, system)
    plant_approvals(level, planted, system)
    plant_obligations(level, planted, system)
    plant_pledges(level, planted, system)
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
    plant_jobs(planted, AUTHORS, system, tag)


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


# Indicators and their values -------------------------------------------------------------------
# A public plan whose periods have begun (values are reported only for those), its public
# indicator "C0-IND" reported by each country, and at each level: an indicator of that level
# with an approved value, and a public indicator attached to an element of that level. Drafts
# and returned values are their country's and the secretariat's: Guatemala's (the focal
# point's) at level 3, Panama's at level 4 (the focal point must not see another country's).
# Kinds: "indicator" (pk), "measurement" (pk), "value_place" ({pk, period, country}),
# "value_file" (pk of a value's evidence file, at its value's level).
MEASURED_YEARS = (2024, 2026)


def _indicator(system: User, plan: Plan, level: int, code: str, **extra: Any) -> Indicator:
    ind = indicator_services.indicator_create(
        actor=system,
        plan=plan,
        data={
            "code": code,
            "kind": Indicator.Kind.RESULT,
            **_texts(level, "indicator", "name", "means_of_verification"),
            "unit": Indicator.Unit.COUNT,
            "frequency": "year",
            "reported_by": Indicator.Reporter.COUNTRIES,
            "baseline_value": Decimal(f"{level}1{level}"),
            "dimensions": [Dimension.objects.get(code="sex")],
            **extra,
        },
    )
    indicator_services.targets_set(
        actor=system, indicator=ind, targets={("2025", None): Decimal(f"{level}9{level}")}
    )
    return ind


def _value(
    system: User,
    ind: Indicator,
    period: str,
    country: str,
    marker: int,
    status: str,
    planted: Planted | None = None,
) -> Measurement:
    """A value; with `planted`, an evidence file too (its name and content marked), planted
    as a "value_file" of the value's level."""
    org = Organisation.objects.get(code=country)
    files: list[SimpleUploadedFile] = []
    if planted is not None:
        name = tag(marker, "value_file")
        files = [SimpleUploadedFile(f"{name}.txt", f"{name} content".encode())]
    m = indicator_services.measurement_save(
        actor=system,
        indicator=ind,
        period=period,
        country=org,
        given=indicator_services.ValueInput(
            value=Decimal(f"{marker}0{marker}"),
            evidence=f"{tag(marker, 'measurement')} evidence",
            comment=f"{tag(marker, 'measurement')} comment",
        ),
        files=files,
    )
    if planted is not None:
        for item in m.files.all():
            planted.add("value_file", item.pk, marker)
    if status in {"submitted", "returned"}:
        m = indicator_services.measurement_submit(actor=system, measurement=m)
    if status == "returned":
        m = indicator_services.measurement_return(
            actor=system, measurement=m, comments=f"{tag(marker, 'review')} comments"
        )
    if status == "approved":
        m = indicator_services.measurement_approve(actor=system, measurement=m)
    return m


def _places(planted: Planted, ind: Indicator, level: int) -> None:
    for country in ("GTM", "PAN", "region"):
        planted.add("value_place", {"pk": ind.pk, "period": "2025", "country": country}, level)


def plant_indicators(level: int, planted: Planted, system: User) -> None:
    anchors = planted.anchors
    if level == 0:
        plan = plan_services.plan_create(
            actor=system,
            data={
                "code": "c0-measured",
                "kind": Plan.Kind.WORKING_GROUP,
                **_texts(0, "measured", "title"),
                "period_start": MEASURED_YEARS[0],
                "period_end": MEASURED_YEARS[1],
                "visibility": 0,
            },
        )
        planted.add("plan", plan.code, 0)
        anchors["measured"] = plan
        public = _indicator(system, plan, 0, "C0-IND")
        anchors["indicator"] = public
        planted.add("indicator", public.pk, 0)
        _places(planted, public, 0)
        m = _value(system, public, "2024", "GTM", 0, "approved", planted)
        planted.add("measurement", m.pk, 0)
        return
    plan, public = anchors["measured"], anchors["indicator"]
    if level == AUTHORS:
        # Panama's work in progress: the secretariat's and Panama's only.
        for period, status in (("2025", "draft"), ("2024", "returned")):
            m = _value(system, public, period, "PAN", AUTHORS, status, planted)
            planted.add("measurement", m.pk, AUTHORS)
        return
    vis = record_level(level)
    own = _indicator(system, plan, level, f"C{level}-IND", visibility=vis)
    planted.add("indicator", own.pk, level)
    _places(planted, own, level)
    m = _value(system, own, "2024", "GTM", level, "approved", planted)
    planted.add("measurement", m.pk, level)
    element = plan_services.element_create(
        actor=system,
        plan=plan,
        data={"code": f"C{level}-MEL", **_texts(level, "element", "title"), "visibility": vis},
    )
    planted.add("element", element.pk, level)
    linked = _indicator(system, plan, level, f"C{level}-LINKED", element=element)
    planted.add("indicator", linked.pk, level)
    m = _value(system, linked, "2024", "GTM", level, "approved")
    planted.add("measurement", m.pk, level)
    if level == 3:
        # Guatemala's draft and submitted values on the public indicator: members (the
        # focal point is Guatemala's) and the secretariat.
        # Its evidence file (a members-only value): never a lower role's, nor its name.
        m = _value(system, public, "2025", "GTM", 3, "submitted", planted)
        planted.add("measurement", m.pk, 3)


# Meetings -------------------------------------------------------------------------------------
# Stage 0: a public meeting of the public anchor body, with a document. At each level: a
# meeting of that level of the public anchor body (closed doors, as a working group may meet),
# with an agenda item, place, participants note, minutes and a document, all marked; a working
# group of that level and a meeting of it marked public (as visible as its body, no more); and
# a participant of that level (an organisation) added to the public meeting.
# Kinds: "meeting" (pk), "meeting_document" (pk, at its meeting's level).


def _meeting(system: User, level: int, body: Body, visibility: int) -> tuple[Meeting, int]:
    """A marked meeting with one marked document: (meeting, the document's pk)."""
    marker = tag(level, "agenda")
    meeting = meeting_services.meeting_create(
        actor=system,
        data={
            "body": body,
            "kind": Meeting.Kind.MEETING,
            **_texts(level, "meeting", "title", "place", "participants_note", "minutes"),
            "status": Meeting.Status.HELD,
            "start_date": dt.date(2031, 3, 1 + level),
            "visibility": visibility,
        },
        agenda=[meeting_services.AgendaEntry(f"{marker} es", f"{marker} en")],
    )
    name = tag(level, "meeting_document")
    meeting = meeting_services.meeting_documents_change(
        actor=system,
        meeting=meeting,
        expected_version=meeting.version,
        files=[SimpleUploadedFile(f"{name}.txt", f"{name} content".encode())],
    )
    return meeting, meeting.documents.get().pk


def _agreement(system: User, level: int, meeting: Meeting, planted: Planted) -> None:
    """A marked agreement of the meeting (at its level: members only for a closed meeting),
    with a marked follow-up cell of Guatemala. Kinds: "agreement" (pk), "follow_up_country"
    (code: public, planted once), "follow_up_place" ({pk, code})."""
    agreement = agreement_services.agreement_create(
        actor=system,
        meeting=meeting,
        data={"code": tag(level, "agreement"), **_texts(level, "agreement", "text")},
    )
    agreement_services.follow_up_report(
        actor=system,
        agreement=agreement,
        country=Organisation.objects.get(code="GTM"),
        status="in_progress",
        evidence=f"{tag(level, 'follow_up')} evidence",
        reported_on=dt.date(2031, 3, 1 + level),
        expected_version=0,
    )
    planted.add("agreement", agreement.pk, level)
    for country in ("GTM", "PAN"):
        planted.add("follow_up_place", {"pk": agreement.pk, "code": country}, level)
        if level == 0:  # the countries are public: their pages list every level's cells
            planted.add("follow_up_country", country, level)


def plant_meetings(level: int, planted: Planted, system: User) -> None:
    anchors = planted.anchors
    if level == AUTHORS:
        return
    vis = record_level(level)
    closed, doc = _meeting(system, level, anchors["body"], vis)
    planted.add("meeting", closed.pk, level)
    planted.add("meeting_document", doc, level)
    _agreement(system, level, closed, planted)
    if level == 0:
        anchors["meeting"] = closed
        return
    group = audited_create(
        actor=system,
        instance=Body(),
        data={
            "code": f"C{level}-MWG",
            "kind": Body.Kind.WORKING_GROUP,
            **_texts(level, "body", "name"),
        },
    )
    planted.add("body", group.code, level)
    of_group, doc = _meeting(system, level, group, 0)
    # The group is then restricted: its public meeting goes with it, at once.
    audited_update(
        actor=system, instance=group, data={"visibility": vis}, expected_version=group.version
    )
    planted.add("meeting", of_group.pk, level)
    planted.add("meeting_document", doc, level)
    participant = audited_create(
        actor=system,
        instance=Organisation(),
        data={
            "code": f"C{level}-MORG",
            "kind": Organisation.Kind.OBSERVER_ORG,
            **_texts(level, "org", "name", "acronym"),
            "visibility": vis,
        },
    )
    planted.add("organisation", participant.code, level)
    # Added as a row (no new version of the public meeting: nothing a lower viewer sees moves).
    Participation.objects.create(
        meeting=anchors["meeting"], organisation=participant, order=level, women=level
    )
