"""The IATI 2.03 activity file of a plan (docs/iati.md: what each element is made from).

One `iati-activity` for the plan itself (hierarchy 1: its own results and indicators, its
period) and one for each activity the public may see (hierarchy 2), linked both ways. Texts
are written as narratives in each language that has one, never translated here; a fact
Rumbo does not hold is left out, and where the schema requires an element Rumbo has no
value for, what is written instead says so in its narrative."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from lxml import etree

from rumbo.indicators.models import Indicator
from rumbo.organisations.models import Organisation
from rumbo.plans.models import Activity, Plan, StatusChange
from rumbo.plans.models.activity import date_label

from . import codes
from .results import results
from .selectors import PlanExport
from .writing import LANGUAGES, XML_LANG, Element, Texts, narratives, number, sub, texts, translated

# Rumbo's own value beside an IATI code that cannot say it (a status nobody reported).
RUMBO_NS = "urn:x-rumbo:iati"
RUMBO_STATUS = f"{{{RUMBO_NS}}}status"
_NOT_IN_IDENTIFIER = re.compile(r"[^A-Za-z0-9._-]+")


def plan_xml(export: PlanExport) -> bytes:
    """The file, as UTF-8 bytes with its XML declaration."""
    return etree.tostring(build(export), xml_declaration=True, encoding="UTF-8", pretty_print=True)


def build(export: PlanExport) -> Element:
    root = etree.Element(
        "iati-activities",
        {
            "version": codes.IATI_VERSION,
            "generated-datetime": export.generated.astimezone(dt.UTC).isoformat(timespec="seconds"),
        },
        nsmap={"rumbo": RUMBO_NS},
    )
    by_activity: dict[int, list[Indicator]] = {}
    plan_level: list[Indicator] = []
    for ind in export.indicators:
        if ind.activity_id is not None:
            by_activity.setdefault(ind.activity_id, []).append(ind)
        else:
            plan_level.append(ind)
    _plan_activity(root, export, plan_level)
    for act in export.activities:
        _activity(root, export, act, by_activity.get(act.pk, []))
    return root


# Identifiers and organisations ---------------------------------------------------------------


def plan_identifier(plan: Plan) -> str:
    return f"{settings.RUMBO_IATI_ORG_REF}-{_identifier_part(plan.code)}"


def activity_identifier(activity: Activity) -> str:
    return f"{plan_identifier(activity.plan)}-{_identifier_part(activity.code)}"


def _identifier_part(code: str) -> str:
    """A code as a stable part of an identifier (IATI refuses "/", "&", "|", "?" and spaces)."""
    return _NOT_IN_IDENTIFIER.sub("-", code.strip()).strip("-") or "-"


def _reporting_org(parent: Element) -> None:
    org = sub(
        parent,
        "reporting-org",
        ref=settings.RUMBO_IATI_ORG_REF,
        type=settings.RUMBO_IATI_ORG_TYPE,
    )
    narratives(org, _publisher_names())


def _publisher_names() -> Texts:
    names = settings.RUMBO_IATI_ORG_NAME
    return {lang: names[lang] for lang in LANGUAGES if names.get(lang)}


def _participant(parent: Element, org: Organisation | None, role: str) -> None:
    """An organisation in a role; None: the publisher itself."""
    if org is None:
        el = sub(
            parent,
            "participating-org",
            ref=settings.RUMBO_IATI_ORG_REF,
            type=settings.RUMBO_IATI_ORG_TYPE,
            role=role,
        )
        narratives(el, _publisher_names())
        return
    # Rumbo holds no registered IATI identifier of any organisation: no `ref`.
    el = sub(parent, "participating-org", role=role, type=codes.organisation_type(org))
    narratives(el, texts(org, "name"))


def _accountable(plan: Plan) -> Organisation | None:
    """Who answers for the plan: the organisation that owns it (a partner's work plan), else
    the publisher (the Conference's own plans, owned by its bodies)."""
    return plan.owner_organisation


# The plan, and each activity -----------------------------------------------------------------


def _plan_activity(root: Element, export: PlanExport, indicators: list[Indicator]) -> None:
    plan = export.plan
    el = sub(root, "iati-activity", hierarchy="1", **{XML_LANG: settings.LANGUAGE_CODE})
    sub(el, "iati-identifier").text = plan_identifier(plan)
    _reporting_org(el)
    narratives(sub(el, "title"), texts(plan, "title"))
    description = texts(plan, "description") or texts(plan, "title")
    narratives(sub(el, "description", type="1"), description)
    _participant(el, _accountable(plan), codes.ACCOUNTABLE)
    sub(
        el,
        "activity-status",
        code=codes.PLAN_STATUS[plan.status],
        **{RUMBO_STATUS: plan.status},
    )
    start, end = _plan_span(plan)
    span = {lang: plan.period_label for lang in LANGUAGES}
    _date(el, codes.PLANNED_START, start, span)
    _date(el, codes.PLANNED_END, end, span)
    for act in export.activities:
        sub(el, "related-activity", ref=activity_identifier(act), type=codes.CHILD)
    results(el, export, indicators)


def _activity(
    root: Element, export: PlanExport, act: Activity, indicators: list[Indicator]
) -> None:
    plan = export.plan
    el = sub(root, "iati-activity", hierarchy="2", **{XML_LANG: settings.LANGUAGE_CODE})
    sub(el, "iati-identifier").text = activity_identifier(act)
    _reporting_org(el)
    title = texts(act, "title")
    narratives(sub(el, "title"), title)
    narratives(sub(el, "description", type="1"), texts(act, "description") or title)
    _participants(el, act, plan)
    sub(el, "activity-status", code=codes.ACTIVITY_STATUS[act.status], **{RUMBO_STATUS: act.status})
    _activity_dates(el, act, export.status_changes.get(act.pk, []), plan)
    # Its own frameworks and those of the element it serves.
    element = act.element
    targets = _union(act.sdg_targets.all(), element.sdg_targets.all() if element else [])
    for target in sorted(targets, key=lambda t: t.code):
        tag = sub(el, "tag", vocabulary=codes.SDG_TARGETS, code=target.code)
        narratives(tag, texts(target, "title"))
    objectives = _union(act.gcm_objectives.all(), element.gcm_objectives.all() if element else [])
    for objective in sorted(objectives, key=lambda o: o.number):
        tag = sub(
            el,
            "tag",
            vocabulary=codes.OWN_VOCABULARY,
            **{"vocabulary-uri": codes.GCM_URI},
            code=f"GCM-{objective.number}",
        )
        narratives(tag, texts(objective, "title"))
    _budgets(el, act, plan)
    sub(el, "related-activity", ref=plan_identifier(plan), type=codes.PARENT)
    results(el, export, indicators)


def _union(*groups: Iterable[Any]) -> list[Any]:
    return list({item.pk: item for group in groups for item in group}.values())


def _participants(el: Element, act: Activity, plan: Plan) -> None:
    """Its responsible parties in their roles, then the funders of its budget lines; with
    none the public may see, whoever answers for its plan."""
    written = 0
    for party in act.parties.all():  # leads first; only organisations the public may see
        for role in codes.PARTY_ROLES[party.role]:
            _participant(el, party.organisation, role)
            written += 1
    funders: dict[int, Organisation] = {}
    for line in act.budget_lines.all():
        if line.funder is not None:  # None: no funder, or one the public may not see
            funders.setdefault(line.funder.pk, line.funder)
    for funder in funders.values():
        _participant(el, funder, codes.FUNDING)
        written += 1
    if not written:
        _participant(el, _accountable(plan), codes.ACCOUNTABLE)


def _activity_dates(el: Element, act: Activity, changes: list[StatusChange], plan: Plan) -> None:
    """Planned dates as the activity gives them (a month or a year says so in its narrative);
    actual ones from its status history, dated when the work happened. The schema wants at
    least one date: an activity with none is placed in its plan's period, and says so."""
    started = next((c for c in changes if c.new_status == Activity.Status.IN_PROGRESS), None)
    ended = None
    if act.status in (
        Activity.Status.FINISHED,
        Activity.Status.NOT_ACHIEVED,
        Activity.Status.CANCELLED,
    ):
        ended = next((c for c in reversed(changes) if c.new_status == act.status), None)
    if act.start_date:
        _date(el, codes.PLANNED_START, act.start_date, _given(act.start_date, act.start_precision))
    if started:
        _date(el, codes.ACTUAL_START, started.happened_on)
    if act.end_date:
        _date(el, codes.PLANNED_END, act.end_date, _given(act.end_date, act.end_precision))
    if ended:
        _date(el, codes.ACTUAL_END, ended.happened_on)
    if not (act.start_date or act.end_date or started or ended):
        start, end = _plan_span(plan)
        note = translated(
            lambda: (
                _("The plan's period, %(period)s: the activity has no dates of its own.")
                % {"period": plan.period_label}
            )
        )
        # The schedule as the document wrote it ("Por definir Agosto 2023"), where it did.
        for lang, written in texts(act, "schedule_note").items():
            note[lang] = f"{note[lang]} {written}"
        _date(el, codes.PLANNED_START, start, note)
        _date(el, codes.PLANNED_END, end, note)


def _given(day: dt.date, precision: str) -> Texts:
    """A date given as a month or a year, as each language writes it ("julio de 2023")."""
    if precision == Activity.Precision.DAY:
        return {}
    return translated(lambda: date_label(day, precision))


def _date(el: Element, kind: str, day: dt.date, note: Texts | None = None) -> None:
    date = sub(el, "activity-date", type=kind, **{"iso-date": day.isoformat()})
    narratives(date, note or {})


def _plan_span(plan: Plan) -> tuple[dt.date, dt.date]:
    return dt.date(plan.period_start, 1, 1), dt.date(plan.period_end, 12, 31)


def _budgets(el: Element, act: Activity, plan: Plan) -> None:
    """One indicative budget per currency: the sum of the lines the public may see, over
    the activity's dates (the plan's period where it has none)."""
    totals: dict[str, Decimal] = {}
    for line in act.budget_lines.all():
        totals[line.currency] = totals.get(line.currency, Decimal(0)) + line.amount
    if not totals:
        return
    start, end = _plan_span(plan)
    if act.start_date and act.end_date and act.start_date <= act.end_date:
        start, end = act.start_date, act.end_date
    for currency, amount in sorted(totals.items()):
        budget = sub(el, "budget", type=codes.BUDGET_ORIGINAL, status=codes.BUDGET_INDICATIVE)
        sub(budget, "period-start", **{"iso-date": start.isoformat()})
        sub(budget, "period-end", **{"iso-date": end.isoformat()})
        value = sub(budget, "value", currency=currency, **{"value-date": start.isoformat()})
        value.text = number(amount)
