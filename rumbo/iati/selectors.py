"""What an IATI file of a plan holds: the public's view of the plan, read through the
readers of plans, indicators and organisations as an anonymous visitor. Nothing that only
members, observers or the civil-society network may see can reach the file, whoever asks
for it (the file is public data), and the number of queries does not grow with the number
of activities (one per kind of record, and a few per country reporting values)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from rumbo.indicators.aggregation import Figure, figures
from rumbo.indicators.models import Indicator
from rumbo.indicators.selectors import dimensions_for, indicators_for, values_queryset
from rumbo.organisations.selectors import organisations_for
from rumbo.plans.models import Activity, Plan, StatusChange
from rumbo.plans.selectors import activities_for, plans_for, status_changes_for

PUBLIC = AnonymousUser()


@dataclass
class PlanExport:
    """A plan as the public sees it, with everything its IATI file is written from."""

    plan: Plan
    activities: list[Activity]
    # activity id -> its status changes, oldest first
    status_changes: dict[int, list[StatusChange]]
    indicators: list[Indicator]
    # indicator id -> its figures for the region (targets, values, breakdowns by period)
    figures: dict[int, Figure]
    # indicator id -> [(country code, its figures for that country)]
    country_figures: dict[int, list[tuple[str, Figure]]] = field(default_factory=dict)
    # dimension code -> (its order, {category code: its order}): breakdowns in that order
    categories: dict[str, tuple[int, dict[str, int]]] = field(default_factory=dict)
    generated: dt.datetime = field(default_factory=timezone.now)


def get_public_plan(code: str) -> Plan:
    """A plan the public may see, by its code, or Http404 (also for a plan only some roles
    may see: the file is the public's view)."""
    plan = plans_for(PUBLIC).filter(code=code).first()
    if plan is None:
        raise Http404
    return plan


def plan_export(plan: Plan) -> PlanExport:
    """Everything the IATI file of `plan` (read through get_public_plan) is written from."""
    activities = list(
        activities_for(PUBLIC)
        .filter(plan=plan)
        # The frameworks of the element each serves (reference data, public; the element is
        # never more restricted than its activity).
        .prefetch_related("element__gcm_objectives", "element__sdg_targets")
        .order_by("id")
    )
    changes: dict[int, list[StatusChange]] = defaultdict(list)
    for change in status_changes_for(PUBLIC).filter(activity__plan=plan):
        changes[change.activity_id].append(change)
    indicators = list(indicators_for(PUBLIC).filter(plan=plan).order_by("order", "id"))
    region = {fig.indicator.pk: fig for fig in figures(PUBLIC, indicators)}
    return PlanExport(
        plan=plan,
        activities=activities,
        status_changes=dict(changes),
        indicators=indicators,
        figures=region,
        country_figures=_country_figures(indicators),
        categories={
            dim.code: (dim.order, {c.code: c.order for c in dim.categories.all()})
            for dim in dimensions_for(PUBLIC)
        },
    )


def _country_figures(indicators: list[Indicator]) -> dict[int, list[tuple[str, Figure]]]:
    """Each reported indicator's figures for each country with approved values the public
    may see (a computed indicator counts Rumbo's records for the region only)."""
    reported = [i for i in indicators if not i.is_computed]
    if not reported:
        return {}
    countries = (
        values_queryset(PUBLIC, approved_only=True, indicator_ids=[i.pk for i in reported])
        .filter(country__in=organisations_for(PUBLIC))
        .values_list("country_id", "country__code")
        .distinct()
        .order_by("country__code")
    )
    out: dict[int, list[tuple[str, Figure]]] = defaultdict(list)
    for country_id, code in countries:
        for fig in figures(PUBLIC, reported, country_id=country_id):
            out[fig.indicator.pk].append((code, fig))
    return dict(out)
