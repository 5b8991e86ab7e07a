"""Loads the real content that ships with Rumbo from the bilingual YAML in `data/`.

The load is atomic (all files or nothing) and safe on a live database: it adds what is missing
and never overwrites what people changed. For every record it keeps what the data said when it
was last loaded (`SeedRecord`); on a reload, a field follows the data only when the record still
holds what the data last said (nobody changed it), and a record a person removed stays removed.
Every record the load creates or changes gets an audit row naming the file it came from.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import yaml
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q

from rumbo.core import audit
from rumbo.core.i18n import LANGS
from rumbo.core.models import AuditEvent
from rumbo.core.visibility import Visibility
from rumbo.indicators.models import Category, Dimension, ExpectedResult, Indicator
from rumbo.meetings.models import AgendaItem, Meeting, Participation
from rumbo.organisations.models import Body, Organisation
from rumbo.plans.models import (
    Activity,
    ActivityParty,
    GcmObjective,
    Plan,
    PlanElement,
    PlanStatement,
    SdgTarget,
)
from rumbo.plans.models.activity import spread
from rumbo.plans.services import refresh_effective_visibility
from rumbo.seeds.models import SeedRecord

DATA_DIR = Path(__file__).resolve().parent / "data"
VISIBILITY = {"public": 0, "network": 1, "observers": 2, "members": 3}


class SeedError(Exception):
    """A problem in a seed file, named by file and path (e.g. elements[2].children[0])."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    plans: list[str] = field(default_factory=list)
    updated: int = 0  # records brought up to date with the data (fields nobody changed)
    kept: int = 0  # values people changed that differ from the data: kept
    removed: int = 0  # records people removed: not restored

    def summary(self) -> str:
        parts = [f"{n} {kind}" for kind, n in sorted(self.created.items())]
        if self.updated:
            parts.append(f"{self.updated} records updated from the data")
        if self.kept:
            parts.append(f"{self.kept} values kept as people changed them")
        if self.removed:
            parts.append(f"{self.removed} records removed by people not restored")
        return ", ".join(parts) or "already up to date"

    def count(self, kind: str, created: bool) -> None:
        if created:
            self.created[kind] = self.created.get(kind, 0) + 1


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SeedError(path.name, f"not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise SeedError(path.name, "expected a mapping at the top level")
    return data


def _text(values: Any, where: str, *, required: bool = False) -> dict[str, str]:
    if values is None:
        if required:
            raise SeedError(where, "missing text")
        return {lang: "" for lang in LANGS}
    if isinstance(values, str):
        values = {"es": values}
    if not isinstance(values, Mapping):
        raise SeedError(where, "expected {es: ..., en: ...}")
    unknown = set(values) - set(LANGS)
    if unknown:
        raise SeedError(where, f"unknown language(s) {sorted(unknown)}")
    out = {lang: str(values.get(lang) or "").strip() for lang in LANGS}
    if required and not any(out.values()):
        raise SeedError(where, "empty text")
    return out


def _translated(**fields: dict[str, str]) -> dict[str, str]:
    """{'title': {'es': a, 'en': b}} -> {'title_es': a, 'title_en': b}"""
    return {f"{name}_{lang}": value[lang] for name, value in fields.items() for lang in LANGS}


def _choice(value: Any, choices: type[models.TextChoices], where: str) -> str:
    if value not in choices.values:
        raise SeedError(where, f"{value!r} is not one of {', '.join(choices.values)}")
    return str(value)


MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _when(value: Any, where: str, *, end: bool) -> tuple[dt.date | None, str]:
    """A date at the precision the source gives: 2023-07-28 (a day), "2023-07" (a month), 2023
    (a year). A month or a year is kept as its first day (a start) or its last day (an end)."""
    day = Activity.Precision.DAY
    if value in (None, ""):
        return None, day
    if isinstance(value, dt.date):
        return value, day
    text = str(value).strip()
    try:
        if MONTH.match(text):
            first = dt.date(int(text[:4]), int(text[5:]), 1)
            return spread(first, Activity.Precision.MONTH, end=end), Activity.Precision.MONTH
        if text.isdigit() and len(text) == 4:
            first = dt.date(int(text), 1, 1)
            return spread(first, Activity.Precision.YEAR, end=end), Activity.Precision.YEAR
        return dt.date.fromisoformat(text), day
    except ValueError as exc:
        raise SeedError(where, f"{value!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)") from exc


def _as_snapshot(model: type[models.Model], values: Mapping[str, Any]) -> dict[str, Any]:
    """Field values as the audit snapshot writes them (a linked record by its id), so that
    what the data says compares with what a record holds."""
    return {
        name: audit.field_value(
            cast(models.Field, model._meta.get_field(name)),
            value.pk if isinstance(value, models.Model) else value,
        )
        for name, value in values.items()
    }


def _empty(value: Any) -> bool:
    return value in (None, "", [], {})


MISSING = object()


class Loader:
    def __init__(self, data_dir: Path, actor: Any = None) -> None:
        self.data_dir = data_dir
        self.actor = actor
        self.report = LoadReport()
        self.orgs: dict[str, Organisation] = {}
        self.bodies: dict[str, Body] = {}
        self.gcm: dict[int, GcmObjective] = {}
        self.sdg: dict[str, SdgTarget] = {}
        self.known_orgs: set[str] = set()
        self.known_bodies: set[str] = set()
        self.source = ""
        # What the data said at its last load, read once: {(kind, key): record}.
        self.loaded = {(r.kind, r.key): r for r in SeedRecord.objects.all()}

    # lookups -------------------------------------------------------------------------------
    def org(self, code: str, where: str) -> Organisation | None:
        """The organisation of a code (None when a person removed it)."""
        if code not in self.known_orgs:
            raise SeedError(where, f"unknown organisation code {code!r}")
        return self.orgs.get(code)

    def org_list(self, codes: Iterable[Any] | None, where: str) -> list[Organisation]:
        found = [self.org(str(code), where) for code in codes or []]
        return [org for org in found if org is not None]

    def body(self, code: str, where: str) -> Body | None:
        if code not in self.known_bodies:
            raise SeedError(where, f"unknown body code {code!r}")
        return self.bodies.get(code)

    def gcm_list(self, numbers: Iterable[Any], where: str) -> list[GcmObjective]:
        try:
            return [self.gcm[int(n)] for n in numbers or []]
        except (KeyError, ValueError):
            raise SeedError(where, f"unknown Global Compact objective in {numbers!r}") from None

    def sdg_list(self, codes: Iterable[Any], where: str) -> list[SdgTarget]:
        try:
            return [self.sdg[str(c)] for c in codes or []]
        except KeyError:
            raise SeedError(where, f"unknown SDG target in {codes!r}") from None

    def references(
        self, row: Mapping[str, Any], where: str
    ) -> dict[str, tuple[list[int], Callable[[Any], None]]]:
        """The Global Compact objectives and SDG targets a row names, for merge()."""
        return {
            "gcm_objectives": many(
                self.gcm_list(row.get("gcm_objectives") or [], where), "gcm_objectives"
            ),
            "sdg_targets": many(self.sdg_list(row.get("sdg_targets") or [], where), "sdg_targets"),
        }

    # the merge ------------------------------------------------------------------------------
    def merge(
        self,
        model: type[models.Model],
        lookup: Mapping[str, Any],
        values: Mapping[str, Any],
        where: str,
        *,
        key: str,
        related: Mapping[str, tuple[Any, Callable[[Any], None]]] | None = None,
    ) -> tuple[Any, bool]:
        """Create a record, or bring the fields nobody changed up to date with the data.

        `values` are the record's own fields; `related` maps a many-to-many or a set of child
        rows, named as in the audit snapshot, to (the data's value as the snapshot writes it,
        a function that gives the record that value). Returns (record or None, created): None
        when a person removed the record since the data was last loaded (it stays removed)."""
        related = related or {}
        kind = model._meta.label_lower
        record = self.loaded.get((kind, key))
        seed = _as_snapshot(model, values)
        seed.update({name: value for name, (value, _apply) in related.items()})
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            if record is not None or self._removed_by_people(model, lookup):
                self.report.removed += 1
                return None, False
            obj = model(**lookup, **values)
            self._save(obj, where)
            for _value, apply in related.values():
                apply(obj)
            self._audit(obj, AuditEvent.Action.SEED, {}, f"Loaded from {self.source}")
            self._remember(kind, key, seed)
            return obj, True

        before = audit.snapshot(obj)
        base = record.values if record is not None else None
        people = self._changed_by_people(obj) if base is None else set()
        follow: list[str] = []
        for name, new in seed.items():
            current = before.get(name, MISSING)
            if current == new:
                continue
            if base is not None:
                last = base.get(name, MISSING)
                untouched = current == last or (last is MISSING and _empty(current))
            else:  # loaded before the data's values were kept: trust the audit log
                untouched = name not in people
            if untouched:
                follow.append(name)
            else:
                self.report.kept += 1
        if follow:
            for name in follow:
                if name in values:
                    setattr(obj, name, values[name])
            if any(name in values for name in follow):
                if hasattr(obj, "version"):
                    obj.version += 1  # an edit begun before the update is refused
                self._save(obj, where)
            for name in follow:
                if name in related:
                    related[name][1](obj)
            self._audit(obj, AuditEvent.Action.SEED, before, f"Updated from {self.source}")
            self.report.updated += 1
        self._remember(kind, key, seed)
        return obj, False

    def _remember(self, kind: str, key: str, seed: dict[str, Any]) -> None:
        """Keep what the data says of a record, for the next load to compare against."""
        record = self.loaded.get((kind, key))
        if record is None:
            self.loaded[kind, key] = SeedRecord.objects.create(kind=kind, key=key, values=seed)
        elif record.values != seed:
            record.values = seed
            record.save(update_fields=["values", "loaded_at"])

    @staticmethod
    def _save(obj: models.Model, where: str) -> None:
        try:
            obj.full_clean(validate_unique=False)
        except ValidationError as exc:
            raise SeedError(
                where, "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            ) from exc
        obj.save()

    def _audit(self, obj: models.Model, action: str, before: dict[str, Any], reason: str) -> None:
        changes = audit.diff(before, audit.snapshot(obj))
        if changes:
            audit.record(
                actor=self.actor, action=action, instance=obj, changes=changes, reason=reason
            )

    @staticmethod
    def _removed_by_people(model: type[models.Model], lookup: Mapping[str, Any]) -> bool:
        """Whether the audit log holds the removal of this record (by its natural key)."""
        found = {
            f"changes__{name}__old": value.pk if isinstance(value, models.Model) else value
            for name, value in lookup.items()
        }
        return AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            action=AuditEvent.Action.DELETE,
            **found,
        ).exists()

    @staticmethod
    def _changed_by_people(obj: models.Model) -> set[str]:
        """The fields that people (not a load of the data) changed, from the audit log."""
        changed: set[str] = set()
        events = AuditEvent.objects.for_object(obj).exclude(
            Q(reason__startswith="Loaded from") | Q(reason__startswith="Updated from")
        )
        for changes in events.values_list("changes", flat=True):
            changed.update(changes or {})
        return changed

    # files ---------------------------------------------------------------------------------
    def load_all(self) -> LoadReport:
        self.load_organisations(self.data_dir / "organisations.yaml")
        self.load_reference(self.data_dir / "reference.yaml")
        plan_files = sorted((self.data_dir / "plans").glob("*.yaml"))
        docs = [(p, _read(p)) for p in plan_files]
        # Parents before the plans that belong to them.
        docs.sort(key=lambda item: (item[1].get("parent") is not None, item[0].name))
        for path, doc in docs:
            self.load_plan(path.name, doc)
        self.load_meetings(self.data_dir / "meetings.yaml")
        from rumbo.approvals.seeds import load_approvals  # approvals read the plans loaded above

        load_approvals(self)
        from rumbo.obligations.seeds import load_obligations  # obligations name bodies

        load_obligations(self)
        return self.report

    def load_organisations(self, path: Path) -> None:
        doc = _read(path)
        self.source = path.name
        for i, row in enumerate(doc.get("organisations", [])):
            where = f"{path.name}: organisations[{i}]"
            self.known_orgs.add(str(row["code"]))
            values = {
                "kind": _choice(row.get("kind"), Organisation.Kind, where),
                "un_system": bool(row.get("un_system", False)),
                **_translated(
                    name=_text(row.get("name"), f"{where}.name", required=True),
                    acronym=_text(row.get("acronym"), f"{where}.acronym"),
                    source=_text(row.get("source"), f"{where}.source"),
                ),
            }
            obj, created = self.merge(
                Organisation, {"code": row["code"]}, values, where, key=str(row["code"])
            )
            if obj is not None:
                self.orgs[obj.code] = obj
            self.report.count("organisations", created)
        for i, row in enumerate(doc.get("bodies", [])):
            where = f"{path.name}: bodies[{i}]"
            self.known_bodies.add(str(row["code"]))
            members = self.org_list(row.get("members"), f"{where}.members")
            values = {
                "kind": _choice(row.get("kind"), Body.Kind, where),
                "country": self.org(row["country"], where) if row.get("country") else None,
                "year": row.get("year"),
                "active_from": row.get("active_from"),
                "active_to": row.get("active_to"),
                **_translated(
                    name=_text(row.get("name"), f"{where}.name", required=True),
                    mandate=_text(row.get("mandate"), f"{where}.mandate"),
                ),
            }
            obj, created = self.merge(
                Body,
                {"code": row["code"]},
                values,
                where,
                key=str(row["code"]),
                related={"members": many(members, "members")},
            )
            if obj is not None:
                self.bodies[obj.code] = obj
            self.report.count("bodies", created)

    def load_meetings(self, path: Path) -> None:
        """Meetings and events the documents name, with their agenda and participants."""
        if not path.exists():
            return
        doc = _read(path)
        self.source = path.name
        for i, row in enumerate(doc.get("meetings", [])):
            where = f"{path.name}: meetings[{i}]"
            start, start_precision = _when(row.get("start"), f"{where}.start", end=False)
            end, end_precision = _when(row.get("end"), f"{where}.end", end=True)
            values = {
                "body": self.body(str(row["body"]), where) if row.get("body") else None,
                "kind": _choice(row.get("kind", "meeting"), Meeting.Kind, where),
                "status": _choice(row.get("status", "not_reported"), Meeting.Status, where),
                "start_date": start,
                "start_precision": start_precision,
                "end_date": end,
                "end_precision": end_precision,
                "modality": _choice(row["modality"], Meeting.Modality, where)
                if row.get("modality")
                else "",
                "visibility": VISIBILITY[row.get("visibility", "public")],
                **_translated(
                    title=_text(row.get("title"), f"{where}.title", required=True),
                    place=_text(row.get("place"), f"{where}.place"),
                    participants_note=_text(row.get("participants_note"), f"{where}.note"),
                    minutes=_text(row.get("minutes"), f"{where}.minutes"),
                    source=_text(row.get("source"), f"{where}.source", required=True),
                ),
            }
            agenda = [
                (_text(item.get("title"), f"{where}.agenda[{k}]", required=True), item)
                for k, item in enumerate(row.get("agenda") or [])
            ]
            people = self.org_list(row.get("participants"), f"{where}.participants")

            def set_agenda(m: Meeting, agenda: list[Any] = agenda) -> None:
                AgendaItem.objects.filter(meeting=m).delete()
                AgendaItem.objects.bulk_create(
                    AgendaItem(
                        meeting=m,
                        order=k,
                        title_es=t["es"],
                        title_en=t["en"],
                        proposed=bool(item.get("proposed")),
                    )
                    for k, (t, item) in enumerate(agenda)
                )

            def set_people(m: Meeting, people: list[Organisation] = people) -> None:
                Participation.objects.filter(meeting=m).delete()
                Participation.objects.bulk_create(
                    Participation(meeting=m, organisation=org, order=k)
                    for k, org in enumerate(people)
                )

            # As Meeting.audit_extra writes them (counts by sex: not given by the documents).
            seen_agenda = [[t["es"], t["en"], bool(item.get("proposed"))] for t, item in agenda]
            seen_people = [[org.code, None, None, None, None] for org in people]
            _, created = self.merge(
                Meeting,
                {"code": str(row["code"])},
                values,
                where,
                key=str(row["code"]),
                related={
                    "agenda": (seen_agenda, set_agenda),
                    "participants": (seen_people, set_people),
                },
            )
            self.report.count("meetings", created)

    def load_reference(self, path: Path) -> None:
        doc = _read(path)
        self.source = path.name
        for i, row in enumerate(doc.get("gcm_objectives", [])):
            where = f"{path.name}: gcm_objectives[{i}]"
            number = int(row["number"])
            obj, created = self.merge(
                GcmObjective,
                {"number": number},
                _translated(title=_text(row.get("title"), where, required=True)),
                where,
                key=str(number),
            )
            if obj is not None:
                self.gcm[obj.number] = obj
            self.report.count("gcm_objectives", created)
        for i, row in enumerate(doc.get("sdg_targets", [])):
            where = f"{path.name}: sdg_targets[{i}]"
            obj, created = self.merge(
                SdgTarget,
                {"code": str(row["code"])},
                _translated(title=_text(row.get("title"), where, required=True)),
                where,
                key=str(row["code"]),
            )
            if obj is not None:
                self.sdg[obj.code] = obj
            self.report.count("sdg_targets", created)
        for i, row in enumerate(doc.get("dimensions", [])):
            where = f"{path.name}: dimensions[{i}]"
            code = str(row["code"])
            dim, created = self.merge(
                Dimension,
                {"code": code},
                {"order": i, **_translated(name=_text(row.get("name"), where, required=True))},
                where,
                key=code,
            )
            self.report.count("dimensions", created)
            if dim is None:
                continue
            for j, cat in enumerate(row.get("categories", [])):
                w = f"{where}.categories[{j}]"
                _, created = self.merge(
                    Category,
                    {"dimension": dim, "code": str(cat["code"])},
                    {"order": j, **_translated(name=_text(cat.get("name"), w, required=True))},
                    w,
                    key=f"{code}/{cat['code']}",
                )
                self.report.count("categories", created)

    def load_plan(self, name: str, doc: dict[str, Any]) -> Plan | None:
        where = f"plans/{name}"
        self.source = where
        period = doc.get("period") or []
        if len(period) != 2:
            raise SeedError(where, "period must be [first year, last year]")
        parent = None
        if doc.get("parent"):
            parent = Plan.objects.filter(code=doc["parent"]).first()
            if parent is None and ("plans.plan", doc["parent"]) not in self.loaded:
                raise SeedError(where, f"unknown parent plan {doc['parent']!r}")
        values = {
            "kind": _choice(doc.get("kind"), Plan.Kind, where),
            "status": _choice(doc.get("status", "not_reported"), Plan.Status, where),
            "visibility": VISIBILITY[doc.get("visibility", "public")],
            "period_start": int(period[0]),
            "period_end": int(period[1]),
            "owner_body": self.body(doc["owner_body"], where) if doc.get("owner_body") else None,
            "owner_organisation": (
                self.org(doc["owner_organisation"], where)
                if doc.get("owner_organisation")
                else None
            ),
            "parent": parent,
            "levels": [_text(level, f"{where}: levels") for level in doc.get("levels", [])],
            **_translated(
                title=_text(doc.get("title"), f"{where}: title", required=True),
                short_title=_text(doc.get("short_title"), f"{where}: short_title"),
                description=_text(doc.get("description"), f"{where}: description"),
                source=_text(doc.get("source"), f"{where}: source"),
                status_note=_text(doc.get("status_note"), f"{where}: status_note"),
            ),
        }
        code = str(doc["code"])
        plan, created = self.merge(Plan, {"code": code}, values, where, key=code)
        self.report.count("plans", created)
        if plan is None:
            return None
        self.report.plans.append(plan.code)
        self.load_statements(plan, doc.get("statements", []), where)
        self.load_results(plan, doc, where)
        elements = self.load_elements(plan, doc.get("elements", []), None, f"{where}: elements")
        self.load_activities(plan, doc.get("activities", []), elements, where)
        if doc.get("follow_up_level"):
            self.load_followed_elements(plan, doc["follow_up_level"], elements, where)
        refresh_effective_visibility(plan)
        return plan

    def load_statements(self, plan: Plan, rows: list[dict[str, Any]], where: str) -> None:
        for i, row in enumerate(rows):
            w = f"{where}: statements[{i}]"
            values = {
                "kind": _choice(row.get("kind"), PlanStatement.Kind, w),
                "code": str(row.get("code") or ""),
                **_translated(
                    title=_text(row.get("title"), f"{w}.title"),
                    text=_text(row.get("text"), f"{w}.text"),
                ),
            }
            _, created = self.merge(
                PlanStatement, {"plan": plan, "order": i}, values, w, key=f"{plan.code}/{i}"
            )
            self.report.count("statements", created)

    def load_results(self, plan: Plan, doc: dict[str, Any], where: str) -> None:
        n = 0

        def indicator(row: dict[str, Any], result: ExpectedResult | None, w: str) -> None:
            nonlocal n
            n += 1
            code = str(row.get("code") or f"I{n}")
            values = {
                "result": result,
                "order": n,
                "kind": _choice(row.get("kind"), Indicator.Kind, w),
                **_translated(name=_text(row.get("name"), w, required=True)),
            }
            _, created = self.merge(
                Indicator, {"plan": plan, "code": code}, values, w, key=f"{plan.code}/{code}"
            )
            self.report.count("indicators", created)

        for i, row in enumerate(doc.get("results", [])):
            w = f"{where}: results[{i}]"
            code = str(row.get("code") or f"R{i + 1}")
            values = {"order": i, **_translated(text=_text(row.get("text"), w, required=True))}
            result, created = self.merge(
                ExpectedResult, {"plan": plan, "code": code}, values, w, key=f"{plan.code}/{code}"
            )
            self.report.count("results", created)
            if result is None:
                continue
            for j, ind in enumerate(row.get("indicators", [])):
                indicator(ind, result, f"{w}.indicators[{j}]")
        for j, ind in enumerate(doc.get("indicators", [])):
            indicator(ind, None, f"{where}: indicators[{j}]")

    def load_elements(
        self,
        plan: Plan,
        rows: list[dict[str, Any]],
        parent: PlanElement | None,
        where: str,
    ) -> dict[str, PlanElement]:
        found: dict[str, PlanElement] = {}
        for i, row in enumerate(rows):
            w = f"{where}[{i}]"
            if not row.get("code"):
                raise SeedError(w, "an element needs a code")
            code = str(row["code"])
            if code in found:
                raise SeedError(w, f"element code {code!r} used twice")
            values = {
                "parent": parent,
                "depth": parent.depth + 1 if parent else 0,
                "order": i,
                "visibility": VISIBILITY[row.get("visibility", "public")],
                **_translated(
                    title=_text(row.get("title"), f"{w}.title", required=True),
                    description=_text(row.get("description"), f"{w}.description"),
                    notes=_text(row.get("notes"), f"{w}.notes"),
                ),
            }
            el, created = self.merge(
                PlanElement,
                {"plan": plan, "code": code},
                values,
                w,
                key=f"{plan.code}/{code}",
                related=self.references(row, w),
            )
            self.report.count("elements", created)
            if el is None:  # removed by a person, with what was under it
                continue
            found[el.code] = el
            found.update(self.load_elements(plan, row.get("children", []), el, f"{w}.children"))
        return found

    def load_activities(
        self,
        plan: Plan,
        rows: list[dict[str, Any]],
        elements: dict[str, PlanElement],
        where: str,
    ) -> None:
        for i, row in enumerate(rows):
            w = f"{where}: activities[{i}]"
            element = None
            if row.get("element"):
                element = elements.get(str(row["element"]))
                if element is None:
                    if ("plans.planelement", f"{plan.code}/{row['element']}") in self.loaded:
                        continue  # its element was removed by a person
                    raise SeedError(w, f"unknown element code {row['element']!r}")
            start, start_precision = _when(row.get("start_date"), f"{w}.start_date", end=False)
            end, end_precision = _when(row.get("end_date"), f"{w}.end_date", end=True)
            values = {
                "element": element,
                "status": _choice(row.get("status", "not_reported"), Activity.Status, w),
                "start_date": start,
                "start_precision": start_precision,
                "end_date": end,
                "end_precision": end_precision,
                "plan_year": row.get("plan_year"),
                "term": row.get("term", ""),
                "visibility": VISIBILITY[row.get("visibility", "public")],
                **_translated(
                    title=_text(row.get("title"), f"{w}.title", required=True),
                    description=_text(row.get("description"), f"{w}.description"),
                    references=_text(row.get("references"), f"{w}.references"),
                    responsible_note=_text(row.get("responsible_note"), f"{w}.responsible_note"),
                    recurrence=_text(row.get("recurrence"), f"{w}.recurrence"),
                    schedule_note=_text(row.get("schedule_note"), f"{w}.schedule_note"),
                    assumptions_risks=_text(row.get("assumptions_risks"), f"{w}.assumptions"),
                    notes=_text(row.get("notes"), f"{w}.notes"),
                ),
            }
            parties = [
                (org, role)
                for role in ("lead", "accompanying")
                for org in self.org_list(row.get(role), f"{w}.{role}")
            ]
            self.merge_activity(plan, str(row["code"]), values, w, parties, row)

    def load_followed_elements(
        self, plan: Plan, level: Any, elements: dict[str, PlanElement], where: str
    ) -> None:
        """A plan whose elements of one level are followed up as they stand (the Action Plan's
        actions): one activity per element, its text, and nothing the plan does not say
        ("not reported" until somebody reports)."""
        try:
            depth = int(level) - 1
        except (TypeError, ValueError):
            raise SeedError(where, "follow_up_level must be a level number (1 = top)") from None
        for el in elements.values():
            if el.depth != depth:
                continue
            values = {
                "element": el,
                "status": Activity.Status.NOT_REPORTED,
                "visibility": el.visibility,
                "title_es": el.title_es,
                "title_en": el.title_en,
            }
            self.merge_activity(plan, el.code, values, f"{where}: {el.code}", [], {})

    def merge_activity(
        self,
        plan: Plan,
        code: str,
        values: dict[str, Any],
        where: str,
        parties: list[tuple[Organisation, str]],
        row: Mapping[str, Any],
    ) -> None:
        def set_parties(act: Activity) -> None:
            ActivityParty.objects.filter(activity=act).current().delete()
            ActivityParty.objects.bulk_create(
                [
                    ActivityParty(activity=act, organisation=org, role=role, order=k)
                    for k, (org, role) in enumerate(parties)
                ]
            )

        # As the audit snapshot writes them: leads first, each role in its order.
        ordered = sorted(enumerate(parties), key=lambda p: (p[1][1] != "lead", p[0]))
        seen = [[org.code, role, Visibility.PUBLIC, None] for _k, (org, role) in ordered]
        _, created = self.merge(
            Activity,
            {"plan": plan, "code": code},
            values,
            where,
            key=f"{plan.code}/{code}",
            related={**self.references(row, where), "responsible_parties": (seen, set_parties)},
        )
        self.report.count("activities", created)


def many(records: list[Any], name: str) -> tuple[list[int], Callable[[Any], None]]:
    """A many-to-many field's value for Loader.merge."""
    return sorted(r.pk for r in records), lambda obj: getattr(obj, name).set(records)


@transaction.atomic
def load_seeds(data_dir: Path = DATA_DIR, *, actor: Any = None) -> LoadReport:
    """Load every seed file; raise SeedError (and write nothing) on the first problem."""
    return Loader(data_dir, actor).load_all()


__all__ = ["DATA_DIR", "LoadReport", "SeedError", "Visibility", "load_seeds"]
