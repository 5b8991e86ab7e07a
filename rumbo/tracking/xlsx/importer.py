"""Import of an edited matrix: a preview of every change (added / changed / unchanged /
conflict, field by field), validation that names row and column, and an all-or-nothing apply
through the same services as the pages. What a preview holds is in preview.py; the
Responsible party and Budget cells are read in parts.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rumbo.core import audit
from rumbo.core.i18n import LANGS
from rumbo.core.models import AuditEvent
from rumbo.organisations.selectors import organisations_for
from rumbo.plans import services as plan_services
from rumbo.plans.access import can_edit_plan
from rumbo.plans.models import Activity, Plan
from rumbo.plans.selectors import activities_queryset, activity_code_taken, elements_for, plans_for
from rumbo.tracking.models import ImportSession
from rumbo.tracking.selectors import approved_note_activity_ids, import_session_locked

from . import values as v
from .columns import LABEL, PLAN_TABLE_COLUMNS, normalise
from .parts import Budgets, ResponsibleParties
from .preview import FieldChange, Preview, Problem, RowPlan
from .reader import Sheet, WorkbookError, column_letter, find_matrix_sheet, iter_rows, open_workbook

CHUNK = 5000
TEXT_FIELDS = {"activity": "title", "indicators": "indicators", "assumptions": "assumptions_risks"}


def _label(sheet: Sheet, key: str) -> str:
    index = sheet.columns.get(key)
    name = str(LABEL.get(key, key)) if sheet.layout == "rumbo" else PLAN_TABLE_COLUMNS[key][0]
    return f"{column_letter(index)} ({name})" if index is not None else name


class Importer:
    def __init__(self, user: Any, path: Path, *, plan_code: str = "") -> None:
        self.user = user
        self.path = path
        self.plan_code = plan_code
        self.preview = Preview()
        self.plans: dict[str, Plan] = {p.code: p for p in plans_for(user)}
        self.editable: dict[int, bool] = {}
        self.approved_notes: set[int] = set()
        self.responsible = ResponsibleParties(user)
        self.budgets = Budgets(user)
        self._element_cache: dict[int, dict[str, dict[str, int]]] = {}

    # -- helpers ------------------------------------------------------------------------------
    def problem(self, row: int | None, key: str, message: str) -> None:
        self.preview.problems.append(Problem(row, _label(self.sheet, key), message))

    def not_imported(self, row: int | None, key: str, message: str) -> None:
        self.preview.not_imported.append(Problem(row, _label(self.sheet, key), message))

    def cell(self, values: list[Any], key: str) -> Any:
        index = self.sheet.columns.get(key)
        return values[index] if index is not None and index < len(values) else None

    def parse(self, r: int, values: list[Any], key: str, parser: Any) -> Any:
        try:
            return parser(self.cell(values, key))
        except v.CellError as exc:
            self.problem(r, key, str(exc))
            return None

    def can_edit(self, plan: Plan) -> bool:
        if plan.pk not in self.editable:
            self.editable[plan.pk] = can_edit_plan(self.user, plan)
        return self.editable[plan.pk]

    # -- reading ------------------------------------------------------------------------------
    def run(self) -> Preview:
        try:
            book = open_workbook(self.path)
            try:
                self.sheet = find_matrix_sheet(book)
                p = self.preview
                p.layout, p.sheet, p.language = (
                    self.sheet.layout,
                    self.sheet.name,
                    self.sheet.language,
                )
                p.ignored_sheets = self.sheet.ignored_sheets
                rows = list(iter_rows(self.path, book, self.sheet))
            finally:
                book.close()
        except WorkbookError as exc:
            self.preview.problems.append(Problem(None, "", str(exc)))
            return self.preview
        if self.sheet.layout == "rumbo":
            self.compare_rumbo(rows)
        else:
            self.compare_plan_table(rows)
        return self.preview

    def parsed(self, r: int, values: list[Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in TEXT_FIELDS:
            if key in self.sheet.columns:
                out[key] = v.text(self.cell(values, key))
        if "year" in self.sheet.columns:
            out["year"] = self.parse(r, values, "year", v.plan_year)
        if "deadline" in self.sheet.columns:
            out["deadline"] = self.parse(r, values, "deadline", v.date)
        if "status" in self.sheet.columns:
            out["status"] = self.parse(r, values, "status", v.status)
            if out["status"] is None and not any(p.row == r for p in self.preview.problems):
                self.problem(r, "status", _("The status is empty."))
        if "responsible" in self.sheet.columns:
            out["responsible"] = v.text(self.cell(values, "responsible"))
        for key in ("budget", "currency"):
            if key in self.sheet.columns:
                out[key] = self.cell(values, key)
        return out

    def _load(self, ids: list[int]) -> dict[int, Activity]:
        found: dict[int, Activity] = {}
        # Prefetched, not joined: thousands of rows share a few plans, each built once per
        # chunk instead of once per row (a copy per row made up half the preview's memory).
        qs = activities_queryset(self.user).prefetch_related("plan")
        columns = self.sheet.columns
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            found.update(qs.in_bulk(chunk))
            if "responsible" in columns:
                self.responsible.load(chunk)
            if "budget" in columns or "currency" in columns:
                self.budgets.load(chunk)
        return found

    def _notes(self, ids: list[int]) -> None:
        for start in range(0, len(ids), CHUNK):
            self.approved_notes.update(approved_note_activity_ids(ids[start : start + CHUNK]))

    # -- Rumbo's own layout -------------------------------------------------------------------
    def compare_rumbo(self, rows: list[tuple[int, list[Any]]]) -> None:
        lang = self.sheet.language
        keyed: list[tuple[int, list[Any], int | None, int | None]] = []
        for r, values in rows:
            pk = self.parse(r, values, "id", v.integer)
            version = self.parse(r, values, "version", v.integer)
            keyed.append((r, values, pk, version))
        ids = [pk for _r, _v, pk, _ver in keyed if pk]
        current = self._load(ids)
        self._notes(list(current))
        seen: dict[int, int] = {}
        new_codes: set[tuple[str, str]] = set()
        for r, values, pk, version in keyed:
            data = self.parsed(r, values)
            if pk is None:
                self.added_row(r, values, data, new_codes)
                continue
            if pk in seen:
                self.problem(
                    r, "id", _("Row %(other)s has the same Rumbo id.") % {"other": seen[pk]}
                )
                continue
            seen[pk] = r
            if version is None:
                # Without the version that was exported, a change made in Rumbo meanwhile
                # could not be told from this one: never overwrite it blindly.
                self.problem(
                    r,
                    "version",
                    _("The row version is empty: export the matrix again and copy your changes."),
                )
                continue
            act = current.get(pk)
            if act is None:
                self.problem(
                    r, "id", _("No activity with id %(id)s that you may see.") % {"id": pk}
                )
                continue
            self.changed_row(r, act, data, version, lang)

    def field_changes(
        self, act: Activity, data: dict[str, Any], lang: str
    ) -> tuple[list[FieldChange], dict[str, Any]]:
        changes: list[FieldChange] = []
        update: dict[str, Any] = {}
        for key, name in TEXT_FIELDS.items():
            if key not in data:
                continue
            old = getattr(act, f"{name}_{lang}") or ""
            if data[key] != old.strip():
                if key == "activity" and not data[key]:
                    continue  # an emptied title is an error reported elsewhere
                changes.append(FieldChange(key, str(LABEL[key]), old, data[key]))
                update[f"{name}_{lang}"] = data[key]
        simple = {"year": "plan_year", "deadline": "end_date", "status": "status"}
        for key, name in simple.items():
            if key not in data or (key == "status" and data[key] is None):
                continue  # an empty status is reported as a problem, not as a change
            new, old = data[key], getattr(act, name)
            if new == old:
                continue
            # A status is kept as its code: the page shows its label in its own language.
            changes.append(FieldChange(key, str(LABEL[key]), v.display(old), v.display(new)))
            update[name] = new.isoformat() if isinstance(new, dt.date) else new
        if self.sheet.layout != "plan-table":
            return changes, update
        # The plan's own table gives the responsible parties as words: kept as written.
        if "responsible" in data and data["responsible"] != (act.responsible_note_es or ""):
            changes.append(
                FieldChange(
                    "responsible",
                    str(LABEL["responsible"]),
                    act.responsible_note_es or "",
                    data["responsible"],
                )
            )
            update["responsible_note_es"] = data["responsible"]
        return changes, update

    def changed_row(
        self, r: int, act: Activity, data: dict[str, Any], version: int | None, lang: str
    ) -> None:
        if "activity" in data and not data["activity"]:
            self.problem(r, "activity", _("The activity's title is empty."))
        changes, update = self.field_changes(act, data, lang)
        if self.sheet.layout == "rumbo":
            self.responsible_change(r, act, data, lang, changes, update)
            self.budget_cells(r, act, data)
        if not changes:
            self.preview.unchanged += 1
            return
        row = RowPlan(
            r, "changed", act.pk, act.plan.code, act.code, act.title, changes, update, act.version
        )
        if version is not None and version != act.version:
            row.kind = "conflict"
            self.preview.rows.append(row)
            return
        self.check_row(r, act.plan, row, act.pk)
        self.preview.rows.append(row)

    # -- responsible parties and budget ---------------------------------------------------------
    def responsible_change(
        self,
        r: int,
        act: Activity | None,
        data: dict[str, Any],
        lang: str,
        changes: list[FieldChange],
        update: dict[str, Any],
    ) -> None:
        """The Responsible party cell, imported (see parts.py)."""
        if "responsible" not in data:
            return
        edit = self.responsible.edit(act, data["responsible"], lang)
        if edit is None:
            return
        if edit.problem:
            self.problem(r, "responsible", edit.problem)
            return
        update.update(edit.update)
        label = str(LABEL["responsible"])
        changes.append(FieldChange("responsible", label, edit.old, data["responsible"]))

    def budget_cells(self, r: int, act: Activity | None, data: dict[str, Any]) -> None:
        """An edited Budget or Currency cell is listed as not imported, with why."""
        for key, why in self.budgets.not_imported(act, data):
            self.not_imported(r, key, why)

    def check_row(self, r: int, plan: Plan, row: RowPlan, pk: int | None) -> None:
        if not self.can_edit(plan):
            self.problem(
                r, "plan", _("You may not change the activities of %(plan)s.") % {"plan": plan.code}
            )
        year = row.data.get("plan_year")
        if year is not None and not 1 <= year <= plan.plan_years:
            self.problem(r, "year", _("The plan runs for %(n)s years.") % {"n": plan.plan_years})
        status = row.data.get("status")
        if status in plan_services.STARTED and (pk is None or pk not in self.approved_notes):
            if getattr(self.user, "is_secretariat", False):
                row.needs_reason = True
            else:
                self.problem(
                    r,
                    "status",
                    _("Only an activity with an approved concept note can be %(status)s.")
                    % {"status": Activity.Status(status).label.lower()},
                )

    def added_row(
        self, r: int, values: list[Any], data: dict[str, Any], new_codes: set[tuple[str, str]]
    ) -> None:
        plan_code = v.text(self.cell(values, "plan")) or self.plan_code
        code = v.text(self.cell(values, "code"))
        plan = self.plans.get(plan_code)
        if plan is None:
            self.problem(
                r, "plan", _("No plan with code “%(code)s” that you may see.") % {"code": plan_code}
            )
            return
        if not data.get("activity"):
            self.problem(r, "activity", _("A new activity needs a title."))
            return
        if not code:
            self.problem(r, "code", _("A new activity needs a code."))
            return
        if (plan.code, code) in new_codes or activity_code_taken(plan, code):
            self.problem(
                r,
                "code",
                _("The code %(code)s is already used in %(plan)s.")
                % {"code": code, "plan": plan.code},
            )
            return
        new_codes.add((plan.code, code))
        self.add(r, plan, code, data, self.element_for(plan, values))

    def add(self, r: int, plan: Plan, code: str, data: dict[str, Any], element: int | None) -> None:
        lang = self.sheet.language
        update = {"code": code, "element": element}
        for key, name in TEXT_FIELDS.items():
            if data.get(key):
                update[f"{name}_{lang}"] = data[key]
        if data.get("year") is not None:
            update["plan_year"] = data["year"]
        if data.get("deadline"):
            update["end_date"] = data["deadline"].isoformat()
        update["status"] = data.get("status") or Activity.Status.NOT_STARTED
        changes = [
            FieldChange(k, str(LABEL[k]), "", v.display(data[k]))
            for k in ("activity", "year", "deadline", "status")
            if data.get(k)
        ]
        if self.sheet.layout == "rumbo":
            self.responsible_change(r, None, data, lang, changes, update)
            self.budget_cells(r, None, data)
        elif data.get("responsible"):
            update["responsible_note_es"] = data["responsible"]
        row = RowPlan(r, "added", None, plan.code, code, data["activity"], changes, update)
        self.check_row(r, plan, row, None)
        self.preview.rows.append(row)

    def element_for(self, plan: Plan, values: list[Any]) -> int | None:
        """The element named in the topic or pillar cell: by its code (“P1.T4 Remesas”) or,
        failing that, by its title."""
        elements = self._elements(plan)
        for key in ("topic", "pillar"):
            cell = v.text(self.cell(values, key))
            if not cell:
                continue
            token = cell.split()[0]
            if token in elements["code"]:
                return elements["code"][token]
            found = elements["title"].get(normalise(cell))
            if found:
                return found
        return None

    def _elements(self, plan: Plan) -> dict[str, dict[str, int]]:
        cache = self._element_cache
        if plan.pk not in cache:
            by_code: dict[str, int] = {}
            by_title: dict[str, int] = {}
            for el in elements_for(self.user).filter(plan=plan):
                by_code[el.code] = el.pk
                for lang in LANGS:
                    by_title.setdefault(normalise(getattr(el, f"title_{lang}")), el.pk)
            cache[plan.pk] = {"code": by_code, "title": by_title}
        return cache[plan.pk]

    # -- the plan's own 8-column table --------------------------------------------------------
    def compare_plan_table(self, rows: list[tuple[int, list[Any]]]) -> None:
        plan = self.plans.get(self.plan_code)
        if plan is None:
            self.preview.problems.append(
                Problem(None, "", _("Choose the plan this table belongs to."))
            )
            return
        acts = list(activities_queryset(self.user).filter(plan=plan).select_related("plan"))
        by_title: dict[str, Activity] = {}
        for act in acts:
            for lang in LANGS:
                by_title.setdefault(normalise(getattr(act, f"title_{lang}")), act)
        self._notes([a.pk for a in acts])
        used_codes = {a.code for a in acts}
        n = 0
        for r, values in rows:
            data = self.parsed(r, values)
            title = data.get("activity", "")
            if not title:
                self.problem(r, "activity", _("The activity's description is empty."))
                continue
            found = by_title.get(normalise(title))
            if found is not None:
                self.changed_row(
                    r,
                    found,
                    {k: d for k, d in data.items() if k != "activity"},
                    None,
                    self.sheet.language,
                )
                continue
            n += 1
            while f"M{n}" in used_codes:
                n += 1
            used_codes.add(f"M{n}")
            self.add(r, plan, f"M{n}", data, self.element_for(plan, values))


def preview_import(user: Any, path: Path, *, plan_code: str = "") -> Preview:
    return Importer(user, path, plan_code=plan_code).run()


def _decode(data: dict[str, Any], user: Any) -> tuple[dict[str, Any], list[dict[str, Any]] | None]:
    """A previewed row's changes as the services take them: field values, and the
    responsible parties when the row changes them (else None)."""
    out = dict(data)
    wanted = out.pop("_parties", None)
    if out.get("end_date"):
        out["end_date"] = dt.date.fromisoformat(out["end_date"])
    if "element" in out:
        out["element"] = (
            elements_for(user).filter(pk=out["element"]).first() if out["element"] else None
        )
    if wanted is None:
        return out, None
    organisations = organisations_for(user).in_bulk([pk for pk, _role in wanted])
    if len(organisations) != len({pk for pk, _role in wanted}):
        raise ValidationError(_("An organisation named in the workbook is no longer listed."))
    return out, [{"organisation": organisations[pk], "role": role} for pk, role in wanted]


class ImportAlreadyApplied(Exception):
    """The import session was applied already (by an earlier or a concurrent request)."""


def claim_session(session: ImportSession | None) -> ImportSession | None:
    """Inside the transaction applying an import: its session's row, locked until the
    transaction ends, so that of two requests at the same moment the second waits for the
    first, then raises ImportAlreadyApplied. Marked applied by `session_applied`."""
    if session is None:
        return None
    locked = import_session_locked(session)
    if locked.applied_at is not None:
        raise ImportAlreadyApplied
    return locked


def session_applied(session: ImportSession | None) -> None:
    if session is not None:
        session.applied_at = timezone.now()
        session.save(update_fields=["applied_at"])


@transaction.atomic
def apply_import(
    user: Any,
    preview: Preview,
    *,
    reasons: Mapping[int, str] | None = None,
    reason: str = "",
    session: ImportSession | None = None,
) -> dict[str, int]:
    """Apply every added and changed row, or none: a row changed in Rumbo since the preview
    raises ConflictError and rolls everything back. Conflicting rows are never applied.

    A reason goes only with the status changes that need one (no approved concept note):
    `reasons` by workbook row, else `reason`. Its row's other changes are recorded before
    it, without it: the audit log does not say a title was changed "because there was no
    concept note".

    With the `session` the preview belongs to, the import is applied once: its row is locked
    and checked inside this transaction, so that of two requests at the same moment the
    second waits for the first, then raises ImportAlreadyApplied. (On SQLite, where there is
    no row lock, the transaction holds the database's write lock from its start.)"""
    if not preview.ok:
        raise ValueError("a preview with problems cannot be applied")
    session = claim_session(session)
    plans = {p.code: p for p in plans_for(user)}
    done = {"added": 0, "changed": 0}
    # Every change an import makes is recorded as the import's.
    with audit.named(AuditEvent.Action.IMPORT):
        for row in preview.changes:
            data, parties = _decode(row.data, user)
            why = ((reasons or {}).get(row.row) or reason).strip() if row.needs_reason else ""
            if row.kind == "added":
                plan_services.activity_create(
                    actor=user,
                    plan=plans[row.plan],
                    data=data,
                    parties=parties or (),
                    status_reason=why,
                )
                done["added"] += 1
                continue
            activity = activities_queryset(user).get(pk=cast(int, row.activity_id))  # a change
            version = row.version
            others = {k: value for k, value in data.items() if k != "status"}
            if why and (others or parties is not None):
                activity = plan_services.activity_update(
                    actor=user,
                    activity=activity,
                    data=others,
                    expected_version=version,
                    parties=parties,
                )
                data, parties, version = {"status": data["status"]}, None, activity.version
            plan_services.activity_update(
                actor=user,
                activity=activity,
                data=data,
                expected_version=version,
                parties=parties,
                status_reason=why,
            )
            done["changed"] += 1
    session_applied(session)
    return done
