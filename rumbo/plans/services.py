"""Every change to plans, elements and activities: atomic, versioned and audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from rumbo.core import audit
from rumbo.core.models import AuditEvent
from rumbo.core.services import ConflictError, audited_create, audited_update
from rumbo.core.visibility import Visibility

from .extensions import may_start
from .models import Activity, ActivityParty, BudgetLine, Plan, PlanElement, StatusChange
from .models.activity import NOTE_COLUMNS, NOTE_DATES, NOTE_FIELDS, spread

STARTED = {Activity.Status.IN_PROGRESS, Activity.Status.FINISHED}


def refresh_effective_visibility(plan: Plan) -> None:
    """Recompute the inherited visibility of a plan's elements and activities:
    a record is never more visible than its plan or its parent element."""
    elements = list(
        PlanElement.objects.filter(plan=plan)
        .order_by("depth", "id")
        .only("id", "parent_id", "visibility", "effective_visibility", "depth")
    )
    level: dict[int, int] = {}
    changed = []
    for el in elements:
        parent_level = level.get(el.parent_id, plan.visibility) if el.parent_id else plan.visibility
        new = max(el.visibility, parent_level, plan.visibility)
        level[el.pk] = new
        if el.effective_visibility != new:
            el.effective_visibility = new
            changed.append(el)
    PlanElement.objects.bulk_update(changed, ["effective_visibility"], batch_size=500)
    activities = list(
        Activity.objects.filter(plan=plan).only(
            "id", "element_id", "visibility", "effective_visibility"
        )
    )
    changed_acts = []
    for act in activities:
        element_level = (
            level.get(act.element_id, plan.visibility) if act.element_id else plan.visibility
        )
        new = max(act.visibility, plan.visibility, element_level)
        if act.effective_visibility != new:
            act.effective_visibility = new
            changed_acts.append(act)
    Activity.objects.bulk_update(changed_acts, ["effective_visibility"], batch_size=500)


# Plans ---------------------------------------------------------------------------------------


def _not_approved_by_hand(data: Mapping[str, Any], old_status: str | None) -> None:
    """A plan becomes approved when its member countries approve its version (an approval
    question): no one sets it so by hand. One already approved keeps its status."""
    if data.get("status") == Plan.Status.APPROVED and old_status != Plan.Status.APPROVED:
        raise ValidationError(
            {
                "status": _(
                    "A plan becomes approved when its member countries approve it: put its "
                    "version to them on the Approvals page."
                )
            }
        )


@transaction.atomic
def plan_create(*, actor: Any, data: Mapping[str, Any]) -> Plan:
    _not_approved_by_hand(data, None)
    plan = audited_create(actor=actor, instance=Plan(), data=data)
    return plan


@transaction.atomic
def plan_update(
    *,
    actor: Any,
    plan: Plan,
    data: Mapping[str, Any],
    expected_version: int | None,
    approved_by_members: bool = False,
) -> Plan:
    """Change a plan. `approved_by_members`: the status follows an approval question the
    member countries settled (the approvals' service); otherwise "approved" is refused."""
    # Read from the database: a bound form may already have changed the instance in memory.
    old_visibility, old_status = Plan.objects.values_list("visibility", "status").get(pk=plan.pk)
    if not approved_by_members:
        _not_approved_by_hand(data, old_status)
    plan = audited_update(actor=actor, instance=plan, data=data, expected_version=expected_version)
    if plan.visibility != old_visibility:
        refresh_effective_visibility(plan)
    return plan


# Elements ------------------------------------------------------------------------------------


def _place_element(element: PlanElement) -> None:
    parent = element.parent
    element.depth = parent.depth + 1 if parent else 0
    parent_level = parent.effective_visibility if parent else element.plan.visibility
    element.effective_visibility = max(element.visibility, parent_level, element.plan.visibility)


@transaction.atomic
def element_create(*, actor: Any, plan: Plan, data: Mapping[str, Any]) -> PlanElement:
    element = PlanElement(plan=plan)
    parent = data.get("parent")
    if parent is not None and parent.plan_id != plan.pk:
        raise ValidationError({"parent": _("The parent must belong to the same plan.")})
    for name in ("parent", "visibility"):
        if name in data:
            setattr(element, name, data[name])
    _place_element(element)
    return audited_create(actor=actor, instance=element, data=data)


@transaction.atomic
def element_update(
    *,
    actor: Any,
    element: PlanElement,
    data: Mapping[str, Any],
    expected_version: int | None,
) -> PlanElement:
    old = PlanElement.objects.values_list("parent_id", "visibility").get(pk=element.pk)
    draft = dict(data)
    parent = draft.get("parent", element.parent)
    probe = PlanElement(
        plan=element.plan, parent=parent, visibility=draft.get("visibility", element.visibility)
    )
    _place_element(probe)
    draft["depth"] = probe.depth
    element = audited_update(
        actor=actor, instance=element, data=draft, expected_version=expected_version
    )
    if (element.parent_id, element.visibility) != tuple(old):
        refresh_effective_visibility(element.plan)
        element.refresh_from_db()
    return element


# Activities ----------------------------------------------------------------------------------

PartyRow = Mapping[str, Any]  # {"organisation": Organisation, "role": "lead" | "accompanying"}
BudgetRow = Mapping[str, Any]  # BudgetLine field values


def _replace_children(
    activity: Activity, parties: Sequence[PartyRow], budget_lines: Sequence[BudgetRow]
) -> None:
    """Make the activity's parties and budget lines these rows. A list that is what the
    activity has now is left as it is (rows kept at their levels); a changed one replaces
    every row, at the levels the rows give (parties at the activity's own level)."""
    seen: set[tuple[int, str]] = set()
    party_objs = []
    for i, row in enumerate(parties):
        key = (row["organisation"].pk, row["role"])
        if key in seen:
            raise ValidationError(
                _("%(org)s is listed twice as %(role)s.")
                % {"org": row["organisation"], "role": ActivityParty.Role(row["role"]).label}
            )
        seen.add(key)
        party = ActivityParty(activity=activity, order=i, **row)
        party.full_clean(exclude=["activity"])
        party_objs.append(party)
    line_objs = []
    for row in budget_lines:
        line = BudgetLine(activity=activity, **row)
        line.full_clean(exclude=["activity"])
        line_objs.append(line)
    if _party_keys(parties) != _party_keys(party_rows(activity)):
        ActivityParty.objects.filter(activity=activity).delete()
        ActivityParty.objects.bulk_create(party_objs)
    if _line_keys(budget_lines) != _line_keys(budget_rows(activity)):
        BudgetLine.objects.filter(activity=activity).delete()
        BudgetLine.objects.bulk_create(line_objs)


def _party_keys(rows: Sequence[PartyRow]) -> list[tuple[Any, ...]]:
    return [(row["organisation"].pk, row["role"]) for row in rows]


def _line_keys(rows: Sequence[BudgetRow]) -> list[tuple[Any, ...]]:
    names = ("amount", "currency", "source", "funder", "committed", "spent", "visibility")
    return [
        tuple(
            getattr(row.get(n), "pk", row.get(n)) if n == "funder" else row.get(n, 0) for n in names
        )
        for row in rows
    ]


@transaction.atomic
def activity_supersede_parts(
    *,
    actor: Any,
    activity: Activity,
    parties: Sequence[PartyRow],
    budget_line: BudgetRow | None,
    level: int,
) -> Activity:
    """Bring in a restricted concept note's parties and budget without showing them below
    its level: from `level` up, the note's parties (and its budget as the first line) replace
    the activity's; below it, viewers keep reading the parties and lines it had."""
    before = activity.audit_extra()
    start_version = Activity.objects.values_list("version", flat=True).get(pk=activity.pk)
    wanted = {(row["organisation"].pk, row["role"]) for row in parties}
    current = list(ActivityParty.objects.filter(activity=activity).current()) if parties else []
    have = {(p.organisation_id, p.role) for p in current}
    for party in current:
        if (party.organisation_id, party.role) not in wanted:
            party.hidden_from = level
            party.save(update_fields=["hidden_from"])
    for i, row in enumerate(parties):
        if (row["organisation"].pk, row["role"]) in have:
            continue
        ActivityParty.objects.update_or_create(
            activity=activity,
            organisation=row["organisation"],
            role=row["role"],
            defaults={"order": i, "visibility": level, "hidden_from": None},
        )
    if budget_line is not None:
        first = BudgetLine.objects.filter(activity=activity).current().order_by("id").first()
        if first is not None:
            first.hidden_from = level
            first.save(update_fields=["hidden_from"])
        line = BudgetLine(activity=activity, **{**budget_line, "visibility": level})
        line.full_clean(exclude=["activity"])
        line.save()
    activity.version = start_version
    _record_children_change(actor=actor, activity=activity, before=before, start_version=None)
    return activity


def _record_children_change(
    *, actor: Any, activity: Activity, before: dict[str, Any], start_version: int | None
) -> None:
    """Audit a change of parties or budget lines, as a new version of the activity (unless
    the activity's own fields already made one: `start_version` is then the version before)."""
    changes = audit.diff(before, activity.audit_extra())
    if not changes:
        return
    if start_version is None or activity.version == start_version:
        moved = Activity.objects.filter(pk=activity.pk, version=activity.version).update(
            version=F("version") + 1
        )
        if not moved:
            raise ConflictError(activity)
        activity.version += 1
    audit.record(actor=actor, action=AuditEvent.Action.UPDATE, instance=activity, changes=changes)


def check_status_change(*, actor: Any, activity: Activity, new_status: str, reason: str) -> None:
    """An activity is carried out only with an approved concept note (2023–2026 Strategic
    Plan, “Responsabilidades”), unless the secretariat records why."""
    if new_status not in STARTED or (activity.pk is not None and may_start(activity)):
        return
    if reason.strip() and getattr(actor, "is_secretariat", False):
        return
    raise ValidationError(
        {
            "status": _(
                "An activity can be marked in progress or finished only once its concept "
                "note is approved, or when the secretariat records why it goes ahead without one."
            )
        }
    )


def check_work_date(day: dt.date | None, field: str) -> None:
    """A status change is recorded once it has happened: its date is not in the future."""
    if day is not None and day > timezone.localdate():
        raise ValidationError(
            {field: _("A change of status is reported when it has happened: not in the future.")}
        )


def record_status_change(
    *,
    actor: Any,
    activity: Activity,
    old_status: str,
    reason: str = "",
    reason_visibility: int = Visibility.PUBLIC,
    happened_on: dt.date | None = None,
) -> None:
    """Add to the status history, dated when the work happened (`happened_on`, today when not
    given) and when it was recorded. The reason keeps the level of the record it came from
    (a members-only progress update's reason is not shown below members)."""
    if old_status == activity.status:
        return
    now = timezone.now()
    StatusChange.objects.create(
        activity=activity,
        old_status=old_status,
        new_status=activity.status,
        happened_on=happened_on or timezone.localdate(now),
        at=now,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        reason=reason,
        visibility=reason_visibility,
    )


def _activity_level(activity: Activity) -> int:
    element_level = activity.element.effective_visibility if activity.element else 0
    return max(activity.visibility, activity.plan.visibility, element_level)


@transaction.atomic
def activity_create(
    *,
    actor: Any,
    plan: Plan,
    data: Mapping[str, Any],
    parties: Sequence[PartyRow] = (),
    budget_lines: Sequence[BudgetRow] = (),
    status_reason: str = "",
    status_date: dt.date | None = None,
) -> Activity:
    activity = Activity(plan=plan)
    new_status = data.get("status", Activity.Status.NOT_STARTED)
    check_status_change(actor=actor, activity=activity, new_status=new_status, reason=status_reason)
    check_work_date(status_date, "status_date")
    for name in ("element", "visibility"):
        if name in data:
            setattr(activity, name, data[name])
    activity.effective_visibility = _activity_level(activity)
    activity = audited_create(
        actor=actor, instance=activity, data={**data, **_precisions(None, data)}
    )
    record_status_change(
        actor=actor,
        activity=activity,
        old_status=Activity.Status.NOT_STARTED,
        reason=status_reason,
        happened_on=status_date,
    )
    if parties or budget_lines:
        _replace_children(activity, parties, budget_lines)
        audit.record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            instance=activity,
            changes=audit.diff({}, activity.audit_extra()),
        )
    return activity


@transaction.atomic
def activity_update(
    *,
    actor: Any,
    activity: Activity,
    data: Mapping[str, Any],
    expected_version: int | None,
    parties: Sequence[PartyRow] | None = None,
    budget_lines: Sequence[BudgetRow] | None = None,
    status_reason: str = "",
    reason_visibility: int = Visibility.PUBLIC,
    note_level: int | None = None,
    status_date: dt.date | None = None,
) -> Activity:
    """Change an activity (and, when given, its parties and budget lines). `note_level` is
    set by a concept note's approval: the note's content keeps that level in the activity
    (see Activity.redact_for); an editor who changes such a field makes it the activity's own."""
    # The row as stored (not the instance a form may have filled in): one read for the
    # status, the note's levels and the dates' precisions.
    stored = Activity.objects.values("status", "note_visibility", "note_fields", *NOTE_COLUMNS).get(
        pk=activity.pk
    )
    old_status = stored["status"]
    new_status = data.get("status", old_status)
    draft = dict(data)
    earlier_work = False
    if new_status != old_status:
        check_status_change(
            actor=actor, activity=activity, new_status=new_status, reason=status_reason
        )
        check_work_date(status_date, "status_date")
        # Work reported after later work was: it joins the history at its date, and the
        # status now stays what the later work left.
        earlier_work = status_date is not None and (
            StatusChange.objects.filter(activity=activity, happened_on__gt=status_date).exists()
        )
        if earlier_work:
            del draft["status"]
    before_children = activity.audit_extra()
    probe = Activity(
        plan=activity.plan,
        element=draft.get("element", activity.element),
        visibility=draft.get("visibility", activity.visibility),
    )
    draft["effective_visibility"] = _activity_level(probe)
    draft.update(_note_levels(activity, stored, draft, note_level))
    draft.update(_precisions(stored, draft))
    start_version = activity.version
    activity = audited_update(
        actor=actor,
        instance=activity,
        data=draft,
        expected_version=expected_version,
        reason=status_reason,
    )
    if earlier_work:
        _record_earlier_status(
            actor=actor,
            activity=activity,
            new_status=new_status,
            happened_on=cast(dt.date, status_date),
            reason=status_reason,
            reason_visibility=reason_visibility,
        )
    else:
        record_status_change(
            actor=actor,
            activity=activity,
            old_status=old_status,
            reason=status_reason,
            reason_visibility=reason_visibility,
            happened_on=status_date,
        )
    if parties is None and budget_lines is None:
        return activity
    _replace_children(
        activity,
        parties if parties is not None else party_rows(activity),
        budget_lines if budget_lines is not None else budget_rows(activity),
    )
    _record_children_change(
        actor=actor, activity=activity, before=before_children, start_version=start_version
    )
    return activity


def _record_earlier_status(
    *,
    actor: Any,
    activity: Activity,
    new_status: str,
    happened_on: dt.date,
    reason: str,
    reason_visibility: int,
) -> None:
    """A status change dated before changes already in the history: it goes in at its date
    (what the semester figures count); the activity's status now is left as it is. The
    change row itself says who recorded it, when, and why."""
    changes = StatusChange.objects.filter(activity=activity)
    then = (
        changes.filter(happened_on__lte=happened_on)
        .order_by("-happened_on", "-at", "-id")
        .values_list("new_status", flat=True)
        .first()
    ) or (
        changes.filter(happened_on__gt=happened_on)
        .order_by("happened_on", "at", "id")
        .values_list("old_status", flat=True)
        .first()
    )
    if then is None or then == new_status:
        return
    StatusChange.objects.create(
        activity=activity,
        old_status=then,
        new_status=new_status,
        happened_on=happened_on,
        at=timezone.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        reason=reason,
        visibility=reason_visibility,
    )


def _precisions(stored: Mapping[str, Any] | None, data: Mapping[str, Any]) -> dict[str, Any]:
    """Dates at the precision they are given. With a precision (the edit form), a month or a
    year stands for its first day (a start) or last day (an end); without one (the matrix,
    the API), a date typed anew is a day, and a date left as it was (in the `stored` row)
    keeps its precision (an unchanged "July 2023" stays July 2023)."""
    stored = stored or {"start_date": None, "end_date": None}
    out: dict[str, Any] = {}
    for which in ("start", "end"):
        date_key, precision_key = f"{which}_date", f"{which}_precision"
        if precision_key in data:
            if data.get(date_key):
                out[date_key] = spread(data[date_key], data[precision_key], end=which == "end")
        elif date_key in data and data[date_key] != stored[date_key]:
            out[precision_key] = Activity.Precision.DAY
    return out


def _note_levels(
    activity: Activity,
    current: Mapping[str, Any],
    data: Mapping[str, Any],
    note_level: int | None,
) -> dict[str, Any]:
    """The new `note_visibility`/`note_fields` of an activity about to receive `data`.

    Content a restricted note brings in is shown only at the note's level; below it, viewers
    keep seeing what the activity said before (kept in `note_fields`). An editor who changes
    such a field makes the new value the activity's own, at the activity's level.
    `current` is the row as stored."""
    fields: dict[str, Any] = dict(current["note_fields"])
    level = current["note_visibility"]
    touched = {
        name
        for name in NOTE_FIELDS
        for column in NOTE_COLUMNS
        if (column == name or column.startswith(f"{name}_"))
        and column in data
        and data[column] != current[column]
    }
    if note_level is not None and note_level > _activity_level(activity):
        for name in touched:
            fields.setdefault(name, _original(current, name))
        level = max(level, note_level)
    else:
        for name in touched:
            fields.pop(name, None)
    if not fields:
        level = Visibility.PUBLIC
    return {"note_fields": fields, "note_visibility": level}


def _original(current: Mapping[str, Any], name: str) -> Any:
    """What a field said before a restricted note's content replaced it (as JSON)."""
    if name in NOTE_DATES:
        value = current[name]
        return value.isoformat() if value is not None else None
    return {lang: current[f"{name}_{lang}"] for lang in ("es", "en")}


def party_rows(activity: Activity) -> list[dict[str, Any]]:
    """An activity's responsible parties as the rows activity_update takes."""
    return [
        {"organisation": p.organisation, "role": p.role}
        for p in ActivityParty.objects.filter(activity=activity)
        .current()
        .select_related("organisation")
    ]


def budget_rows(activity: Activity) -> list[dict[str, Any]]:
    """An activity's budget lines as the rows activity_update takes."""
    fields = ["amount", "currency", "source", "funder", "committed", "spent", "visibility"]
    # Read from the database, not from a viewer's prefetched (filtered) lines.
    lines = BudgetLine.objects.filter(activity=activity).current().select_related("funder")
    return [{f: getattr(b, f) for f in fields} for b in lines]
