"""Import of an edited matrix: a preview of every change (added / changed / unchanged /
conflict, field by field), validation that names row and column, and an all-or-nothing apply
through the same services as the pages.

Responsible parties are imported (named by acronym or name, leads first, the accompanying
ones in brackets, as the export writes them). Budget cells are not: a budget is made of
lines (amount, currency, source, funder, committed, spent) and the workbook shows only their
total, so an edited total is listed as not imported, row by row, never silently dropped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rumbo.core import audit
from rumbo.core.i18n import LANGS
from rumbo.core.models import AuditEvent
from rumbo.organisations.models import Organisation
from rumbo.organisations.selectors import organisations_for
from rumbo.plans import services as plan_services
from rumbo.plans.access import can_edit_plan
from rumbo.plans.models import Activity, ActivityParty, Plan
from rumbo.plans.selectors import (
    activities_queryset,
    activity_code_taken,
    budget_lines_for,
    elements_for,
    plans_for,
)
from rumbo.tracking.matrix import fold, parties_by_activity, responsible_text
from rumbo.tracking.models import ImportSession
from rumbo.tracking.selectors import approved_note_activity_ids, import_session_locked

from . import values as v
from .columns import COLUMNS, PLAN_TABLE_COLUMNS, normalise
from .reader import Sheet, WorkbookError, column_letter, find_matrix_sheet, iter_rows, open_workbook

CHUNK = 5000
LABEL = {c.key: c.label for c in COLUMNS}
TEXT_FIELDS = {"activity": "title", "indicators": "indicators", "assumptions": "assumptions_risks"}


@dataclass
class Problem:
    row: int | None
    column: str
    message: str


def _shown(key: str, value: str) -> str:
    """A value as the preview shows it, in the language of the page: a status by its label."""
    if key == "status" and value in Activity.Status.values:
        return str(Activity.Status(value).label)
    return value


@dataclass
class FieldChange:
    key: str
    label: str  # as when the preview was made; pages show field_label, in their language
    old: str  # a status is kept as its code (shown_old/shown_new give its label)
    new: str

    @property
    def field_label(self) -> str:
        return str(LABEL[self.key]) if self.key in LABEL else self.label

    @property
    def shown_old(self) -> str:
        return _shown(self.key, self.old)

    @property
    def shown_new(self) -> str:
        return _shown(self.key, self.new)


@dataclass
class RowPlan:
    row: int
    kind: str  # added | changed | conflict
    activity_id: int | None
    plan: str
    code: str
    title: str
    changes: list[FieldChange] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    version: int | None = None
    needs_reason: bool = False

    @property
    def status_change(self) -> FieldChange | None:
        return next((c for c in self.changes if c.key == "status"), None)


@dataclass
class Preview:
    layout: str = ""
    sheet: str = ""
    language: str = "es"
    ignored_sheets: list[str] = field(default_factory=list)
    rows: list[RowPlan] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # Cells edited in columns that are not imported (the budget), each with why.
    not_imported: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, kind: str) -> int:
        return sum(1 for r in self.rows if r.kind == kind)

    @property
    def count_added(self) -> int:
        return self.count("added")

    @property
    def count_changed(self) -> int:
        return self.count("changed")

    @property
    def count_conflict(self) -> int:
        return self.count("conflict")

    @property
    def changes(self) -> list[RowPlan]:
        """The rows that will be applied: added and changed (not the conflicts)."""
        return [r for r in self.rows if r.kind != "conflict"]

    @property
    def conflicts(self) -> list[RowPlan]:
        """Rows changed in Rumbo since the workbook was exported: never applied."""
        return [r for r in self.rows if r.kind == "conflict"]

    @property
    def reasons_needed(self) -> list[RowPlan]:
        """Rows whose status change needs a reason (no approved concept note)."""
        return [r for r in self.changes if r.needs_reason]

    @property
    def needs_reason(self) -> bool:
        return bool(self.reasons_needed)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Preview:
        rows = [
            RowPlan(**{**r, "changes": [FieldChange(**c) for c in r["changes"]]})
            for r in data.get("rows", [])
        ]
        return cls(
            **{
                **data,
                "rows": rows,
                "problems": [Problem(**p) for p in data.get("problems", [])],
                "warnings": [Problem(**p) for p in data.get("warnings", [])],
                "not_imported": [Problem(**p) for p in data.get("not_imported", [])],
            }
        )


def _label(sheet: Sheet, key: str) -> str:
    index = sheet.columns.get(key)
    name = str(LABEL.get(key, key)) if sheet.layout == "rumbo" else PLAN_TABLE_COLUMNS[key][0]
    return f"{column_letter(index)} ({name})" if index is not None else name


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class Importer:
    def __init__(self, user: Any, path: Path, *, plan_code: str = "") -> None:
        self.user = user
        self.path = path
        self.plan_code = plan_code
        self.preview = Preview()
        self.plans: dict[str, Plan] = {p.code: p for p in plans_for(user)}
        self.editable: dict[int, bool] = {}
        self.approved_notes: set[int] = set()
        self.statuses: dict[tuple[type, Any], str | None] = {}
        # What the workbook's Budget, Currency and Responsible cells said at export time,
        # worked out from the same records (visible to this person) as the export.
        self.budget: dict[int, tuple[Decimal, str]] = {}
        self.parties: dict[int, list[tuple[int, str]]] = {}
        self._organisations: dict[int, Organisation] | None = None
        self._names: dict[str, dict[int, str]] = {}
        self._org_index: dict[str, Organisation | None] | None = None

    # -- helpers ------------------------------------------------------------------------------
    def problem(self, row: int | None, key: str, message: str) -> None:
        self.preview.problems.append(Problem(row, _label(self.sheet, key), message))

    def warn(self, row: int | None, key: str, message: str) -> None:
        self.preview.warnings.append(Problem(row, _label(self.sheet, key), message))

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

    def status(self, value: Any) -> str | None:
        """v.status, understood once per distinct cell value: the same few words fill the
        whole column, and each reading builds the table of labels in both languages."""
        key = (type(value), value)
        if key not in self.statuses:
            self.statuses[key] = v.status(value)  # an unknown word raises, uncached
        return self.statuses[key]

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
            out["status"] = self.parse(r, values, "status", self.status)
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
                self.parties.update(parties_by_activity(self.user, chunk))
            if "budget" in columns or "currency" in columns:
                self._budget(chunk)
        return found

    def _budget(self, ids: list[int]) -> None:
        """Each activity's budget total and first currency, as the export writes them."""
        lines = (
            budget_lines_for(self.user)
            .prefetch_related(None)
            .filter(activity_id__in=ids)
            .order_by("activity_id", "id")
            .values_list("activity_id", "amount", "currency")
        )
        for activity_id, amount, currency in lines:
            total, first = self.budget.get(activity_id, (Decimal(0), currency))
            self.budget[activity_id] = (total + amount, first)

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
            changes.append(FieldChange(key, str(LABEL[key]), _display(old), _display(new)))
            update[name] = new.isoformat() if isinstance(new, dt.date) else new
        if self.sheet.layout != "plan-table":
            return changes, update
        # The plan's own table gives the responsible parties as words: kept as written.
        if "responsible" in data and data["responsible"] != (act.responsible_note_es or ""):
            changes.append(
                FieldChange(
                    "responsible",
                    str(LABEL["responsible"]),
                    act.responsible_note_es,
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
    def organisations(self) -> dict[int, Organisation]:
        if self._organisations is None:
            self._organisations = organisations_for(self.user).in_bulk()
        return self._organisations

    def names(self, lang: str) -> dict[int, str]:
        """Each organisation as the workbook names it (its acronym, else its name)."""
        if lang not in self._names:
            with translation.override(lang):
                self._names[lang] = {pk: str(o) for pk, o in self.organisations().items()}
        return self._names[lang]

    def current_responsible(self, act: Activity, lang: str) -> str:
        names = self.names(lang)
        own = [(names[org], role) for org, role in self.parties.get(act.pk, []) if org in names]
        return responsible_text(
            act,
            [n for n, role in own if role == ActivityParty.Role.LEAD],
            [n for n, role in own if role == ActivityParty.Role.ACCOMPANYING],
            lang,
        )

    def organisation_named(self, text: str) -> Organisation | None:
        """The visible organisation with this acronym, name or code (either language, any
        case or accents); None when there is none, or more than one."""
        if self._org_index is None:
            index: dict[str, Organisation | None] = {}
            for org in self.organisations().values():
                keys = {org.code}
                for lang in LANGS:
                    keys |= {getattr(org, f"acronym_{lang}", ""), getattr(org, f"name_{lang}", "")}
                for key in {fold(" ".join((k or "").split())) for k in keys} - {""}:
                    # Two organisations known by the same words: name neither.
                    index[key] = None if key in index and index[key] != org else org
            self._org_index = index
        return self._org_index.get(fold(" ".join(text.split())))

    def _organisation_list(self, text: str) -> tuple[list[Organisation], str]:
        """Comma-separated organisations (a name may hold a comma itself); the first words
        that name none are returned too."""
        tokens = [t.strip() for t in text.split(",")]
        found: list[Organisation] = []
        i = 0
        while i < len(tokens):
            for j in range(len(tokens), i, -1):
                org = self.organisation_named(", ".join(tokens[i:j]))
                if org is not None:
                    found.append(org)
                    i = j
                    break
            else:
                return found, tokens[i]
        return found, ""

    def parse_parties(self, text: str) -> tuple[list[tuple[Organisation, str]], str]:
        """“OIM, CEPAL (ACNUR)”: leads, then the accompanying organisations in brackets.
        Returns the parties and the first words that name no organisation ("" if none)."""
        leads_text, _sep, rest = text.partition("(")
        accompanying_text, _sep, tail = rest.partition(")")
        if tail.strip():
            return [], tail.strip()
        leads, unknown = self._organisation_list(leads_text) if leads_text.strip() else ([], "")
        if unknown:
            return [], unknown
        accompanying: list[Organisation] = []
        if accompanying_text.strip():
            accompanying, unknown = self._organisation_list(accompanying_text)
            if unknown:
                return [], unknown
        parties = [(o, ActivityParty.Role.LEAD.value) for o in leads]
        parties += [(o, ActivityParty.Role.ACCOMPANYING.value) for o in accompanying]
        return parties, "" if parties else text

    def responsible_change(
        self,
        r: int,
        act: Activity | None,
        data: dict[str, Any],
        lang: str,
        changes: list[FieldChange],
        update: dict[str, Any],
    ) -> None:
        """The Responsible party cell, imported: organisations Rumbo knows become the
        activity's responsible parties (through the same service as its page); words that
        name none stay the plan's own words when the activity has no organisation yet."""
        if "responsible" not in data:
            return
        cell = data["responsible"]
        current = self.current_responsible(act, lang) if act is not None else ""
        if cell == current.strip():
            return
        label = str(LABEL["responsible"])
        has_parties = act is not None and bool(self.parties.get(act.pk))
        if not cell:
            if has_parties:
                self.problem(
                    r,
                    "responsible",
                    _(
                        "The responsible party is empty. To remove every responsible "
                        "organisation, do it on the activity's page."
                    ),
                )
            return
        parties, unknown = self.parse_parties(cell)
        duplicated = len({(o.pk, role) for o, role in parties}) != len(parties)
        if parties and not duplicated:
            wanted = [(o.pk, role) for o, role in parties]
            if act is not None and wanted == self.parties.get(act.pk, []):
                return  # the same organisations, written differently
            if act is not None and len(plan_services.party_rows(act)) != len(
                self.parties.get(act.pk, [])
            ):
                # Replacing the list would drop parties this person cannot see (one query,
                # for an edited cell only).
                self.problem(
                    r,
                    "responsible",
                    _("Change the responsible parties of this activity on its page."),
                )
                return
            update["_parties"] = [[pk, role] for pk, role in wanted]
            changes.append(FieldChange("responsible", label, current, cell))
        elif not has_parties and not duplicated:
            # No organisation recorded: the cell held (and holds) the plan's own words.
            update[f"responsible_note_{lang}"] = cell
            changes.append(FieldChange("responsible", label, current, cell))
        elif duplicated:
            self.problem(r, "responsible", _("An organisation is named twice."))
        else:
            self.problem(
                r,
                "responsible",
                _(
                    "“%(words)s” is not an organisation Rumbo knows. Name organisations by "
                    "acronym or name, separated by commas, the accompanying ones in brackets: "
                    "“OIM, CEPAL (ACNUR)”."
                )
                % {"words": unknown},
            )

    def budget_cells(self, r: int, act: Activity, data: dict[str, Any]) -> None:
        """An edited Budget or Currency cell is listed as not imported, with why."""
        total, currency = self.budget.get(act.pk, (None, ""))
        why = _(
            "Not imported: a budget is made of lines (amount, currency, source, funder, "
            "committed, spent), changed on the activity's page; this column shows their total."
        )
        if "budget" in data:
            try:
                cell = v.decimal(data["budget"])
            except v.CellError:
                cell = None
                edited = True
            else:
                edited = cell != total and not (cell is None and total is None)
            if edited:
                self.not_imported(
                    r,
                    "budget",
                    _("%(new)s instead of %(old)s.")
                    % {"new": v.text(data["budget"]) or "—", "old": _display(total) or "—"}
                    + " "
                    + why,
                )
        if "currency" in data and v.text(data["currency"]) != (currency or ""):
            self.not_imported(
                r,
                "currency",
                _("%(new)s instead of %(old)s.")
                % {"new": v.text(data["currency"]) or "—", "old": currency or "—"}
                + " "
                + why,
            )

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
            FieldChange(k, str(LABEL[k]), "", _display(data[k]))
            for k in ("activity", "year", "deadline", "status")
            if data.get(k)
        ]
        if self.sheet.layout == "rumbo":
            self.responsible_change(r, None, data, lang, changes, update)
            for key in ("budget", "currency"):
                if v.text(data.get(key)):
                    self.not_imported(
                        r,
                        key,
                        _(
                            "Not imported: add the budget lines on the activity's page once "
                            "it is created."
                        ),
                    )
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
        cache = getattr(self, "_element_cache", {})
        if plan.pk not in cache:
            by_code: dict[str, int] = {}
            by_title: dict[str, int] = {}
            for el in elements_for(self.user).filter(plan=plan):
                by_code[el.code] = el.pk
                for lang in LANGS:
                    by_title.setdefault(normalise(getattr(el, f"title_{lang}")), el.pk)
            cache[plan.pk] = {"code": by_code, "title": by_title}
            self._element_cache = cache
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
            act = by_title.get(normalise(title))
            if act is not None:
                self.changed_row(
                    r,
                    act,
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
    if session is not None:
        session = import_session_locked(session)
        if session.applied_at is not None:
            raise ImportAlreadyApplied
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
            activity = activities_queryset(user).get(pk=row.activity_id)
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
    if session is not None:
        session.applied_at = timezone.now()
        session.save(update_fields=["applied_at"])
    return done
