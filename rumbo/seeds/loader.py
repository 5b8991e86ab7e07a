"""Loads the real content that ships with Rumbo from the bilingual YAML in `data/`.

The load is atomic (all files or nothing) and idempotent: records are matched by their code
and updated in place, so running it twice changes nothing and keeps identifiers stable.
Records created by the load get an audit row naming the file they came from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import models, transaction

from rumbo.core import audit
from rumbo.core.i18n import LANGS
from rumbo.core.models import AuditEvent
from rumbo.core.visibility import Visibility
from rumbo.indicators.models import ExpectedResult, Indicator
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
from rumbo.plans.services import refresh_effective_visibility

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


def _date(value: Any, where: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise SeedError(where, f"{value!r} is not a date (YYYY-MM-DD)") from exc


def _upsert(
    model: type[models.Model], lookup: Mapping[str, Any], values: Mapping[str, Any], where: str
) -> tuple[Any, bool]:
    obj = model._default_manager.filter(**lookup).first()
    created = obj is None
    if created:
        obj = model(**lookup)
    for name, value in values.items():
        setattr(obj, name, value)
    try:
        obj.full_clean(validate_unique=False)
    except ValidationError as exc:
        raise SeedError(
            where, "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        ) from exc
    obj.save()
    return obj, created


class Loader:
    def __init__(self, data_dir: Path, actor: Any = None) -> None:
        self.data_dir = data_dir
        self.actor = actor
        self.report = LoadReport()
        self.orgs: dict[str, Organisation] = {}
        self.bodies: dict[str, Body] = {}
        self.gcm: dict[int, GcmObjective] = {}
        self.sdg: dict[str, SdgTarget] = {}

    # lookups -------------------------------------------------------------------------------
    def org(self, code: str, where: str) -> Organisation:
        try:
            return self.orgs[code]
        except KeyError:
            raise SeedError(where, f"unknown organisation code {code!r}") from None

    def body(self, code: str, where: str) -> Body:
        try:
            return self.bodies[code]
        except KeyError:
            raise SeedError(where, f"unknown body code {code!r}") from None

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

    def audit_created(self, obj: models.Model, source: str) -> None:
        audit.record(
            actor=self.actor,
            action=AuditEvent.Action.CREATE,
            instance=obj,
            changes=audit.diff({}, audit.snapshot(obj)),
            reason=f"Loaded from {source}",
        )

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
        return self.report

    def load_organisations(self, path: Path) -> None:
        doc = _read(path)
        for i, row in enumerate(doc.get("organisations", [])):
            where = f"{path.name}: organisations[{i}]"
            values = {
                "kind": _choice(row.get("kind"), Organisation.Kind, where),
                "un_system": bool(row.get("un_system", False)),
                **_translated(
                    name=_text(row.get("name"), f"{where}.name", required=True),
                    acronym=_text(row.get("acronym"), f"{where}.acronym"),
                    source=_text(row.get("source"), f"{where}.source"),
                ),
            }
            obj, created = _upsert(Organisation, {"code": row["code"]}, values, where)
            self.orgs[obj.code] = obj
            self.report.count("organisations", created)
            if created:
                self.audit_created(obj, path.name)
        for i, row in enumerate(doc.get("bodies", [])):
            where = f"{path.name}: bodies[{i}]"
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
            obj, created = _upsert(Body, {"code": row["code"]}, values, where)
            obj.members.set([self.org(c, f"{where}.members") for c in row.get("members", [])])
            self.bodies[obj.code] = obj
            self.report.count("bodies", created)
            if created:
                self.audit_created(obj, path.name)

    def load_reference(self, path: Path) -> None:
        doc = _read(path)
        for i, row in enumerate(doc.get("gcm_objectives", [])):
            where = f"{path.name}: gcm_objectives[{i}]"
            obj, created = _upsert(
                GcmObjective,
                {"number": int(row["number"])},
                _translated(title=_text(row.get("title"), where, required=True)),
                where,
            )
            self.gcm[obj.number] = obj
            self.report.count("gcm_objectives", created)
        for i, row in enumerate(doc.get("sdg_targets", [])):
            where = f"{path.name}: sdg_targets[{i}]"
            obj, created = _upsert(
                SdgTarget,
                {"code": str(row["code"])},
                _translated(title=_text(row.get("title"), where, required=True)),
                where,
            )
            self.sdg[obj.code] = obj
            self.report.count("sdg_targets", created)

    def load_plan(self, name: str, doc: dict[str, Any]) -> Plan:
        where = f"plans/{name}"
        period = doc.get("period") or []
        if len(period) != 2:
            raise SeedError(where, "period must be [first year, last year]")
        parent = None
        if doc.get("parent"):
            parent = Plan.objects.filter(code=doc["parent"]).first()
            if parent is None:
                raise SeedError(where, f"unknown parent plan {doc['parent']!r}")
        values = {
            "kind": _choice(doc.get("kind"), Plan.Kind, where),
            "status": _choice(doc.get("status", "draft"), Plan.Status, where),
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
            ),
        }
        plan, created = _upsert(Plan, {"code": doc["code"]}, values, where)
        self.report.count("plans", created)
        self.report.plans.append(plan.code)
        self.load_statements(plan, doc.get("statements", []), where)
        self.load_results(plan, doc, where)
        elements = self.load_elements(plan, doc.get("elements", []), None, f"{where}: elements")
        self.load_activities(plan, doc.get("activities", []), elements, where)
        refresh_effective_visibility(plan)
        if created:
            self.audit_created(plan, where)
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
            _, created = _upsert(PlanStatement, {"plan": plan, "order": i}, values, w)
            self.report.count("statements", created)

    def load_results(self, plan: Plan, doc: dict[str, Any], where: str) -> None:
        n = 0

        def indicator(row: dict[str, Any], result: ExpectedResult | None, w: str) -> None:
            nonlocal n
            n += 1
            values = {
                "result": result,
                "order": n,
                "kind": _choice(row.get("kind"), Indicator.Kind, w),
                **_translated(name=_text(row.get("name"), w, required=True)),
            }
            _, created = _upsert(
                Indicator, {"plan": plan, "code": str(row.get("code") or f"I{n}")}, values, w
            )
            self.report.count("indicators", created)

        for i, row in enumerate(doc.get("results", [])):
            w = f"{where}: results[{i}]"
            values = {"order": i, **_translated(text=_text(row.get("text"), w, required=True))}
            result, created = _upsert(
                ExpectedResult,
                {"plan": plan, "code": str(row.get("code") or f"R{i + 1}")},
                values,
                w,
            )
            self.report.count("results", created)
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
            el, created = _upsert(PlanElement, {"plan": plan, "code": str(row["code"])}, values, w)
            el.gcm_objectives.set(self.gcm_list(row.get("gcm_objectives"), w))
            el.sdg_targets.set(self.sdg_list(row.get("sdg_targets"), w))
            self.report.count("elements", created)
            if el.code in found:
                raise SeedError(w, f"element code {el.code!r} used twice")
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
                    raise SeedError(w, f"unknown element code {row['element']!r}")
            values = {
                "element": element,
                "status": _choice(row.get("status", "not_started"), Activity.Status, w),
                "start_date": _date(row.get("start_date"), f"{w}.start_date"),
                "end_date": _date(row.get("end_date"), f"{w}.end_date"),
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
            act, created = _upsert(Activity, {"plan": plan, "code": str(row["code"])}, values, w)
            act.gcm_objectives.set(self.gcm_list(row.get("gcm_objectives"), w))
            act.sdg_targets.set(self.sdg_list(row.get("sdg_targets"), w))
            act.parties.all().delete()
            ActivityParty.objects.bulk_create(
                [
                    ActivityParty(activity=act, organisation=self.org(code, w), role=role, order=k)
                    for role in ("lead", "accompanying")
                    for k, code in enumerate(row.get(role, []) or [])
                ]
            )
            self.report.count("activities", created)


@transaction.atomic
def load_seeds(data_dir: Path = DATA_DIR, *, actor: Any = None) -> LoadReport:
    """Load every seed file; raise SeedError (and write nothing) on the first problem."""
    return Loader(data_dir, actor).load_all()


__all__ = ["DATA_DIR", "LoadReport", "SeedError", "Visibility", "load_seeds"]
