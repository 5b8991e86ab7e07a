"""Indicator pages: defining indicators and their targets, reporting values, reviewing them.
Views only adapt HTTP to selectors (reads), aggregation (figures) and services (writes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from rumbo.core.forms import apply_service_errors
from rumbo.organisations.models import Organisation
from rumbo.organisations.selectors import organisations_for
from rumbo.plans.access import can_read_audit
from rumbo.plans.models import Plan
from rumbo.plans.selectors import get_plan_for

from . import periods, services
from .access import can_define_indicators, can_report, can_review_values, reporting_country_id
from .aggregation import Figure, figures
from .dashboards import text
from .display import Status, design_dimensions, measurement_text, shown, shown_cell, value_url
from .forms import IndicatorForm, TargetsForm
from .models import Indicator, Measurement
from .selectors import (
    designs_of,
    get_indicator_for,
    indicators_for,
    measurements_for,
)


# The list of a plan's indicators ---------------------------------------------------------------
@dataclass
class ListRow:
    indicator: Indicator
    figure: Figure
    targets: list[tuple[str, str]]  # (period label, target)
    baseline: str = ""
    latest_label: str = ""
    latest: str = ""


def _targets(ind: Indicator) -> list[tuple[str, str]]:
    years = (ind.plan.period_start, ind.plan.period_end)
    regional = [t for t in ind.targets.all() if t.country_id is None]
    regional.sort(key=lambda t: periods.sort_key(t.period))
    return [
        (periods.parse(t.period, plan_years=years).label(), shown(ind, t.value)) for t in regional
    ]


def indicator_list(request: HttpRequest, code: str) -> HttpResponse:
    plan = get_plan_for(request.user, code)
    inds = list(indicators_for(request.user).filter(plan=plan).order_by("order", "id"))
    rows = []
    for fig in figures(request.user, inds, with_breakdown=False):
        ind = fig.indicator
        row = ListRow(ind, fig, _targets(ind), shown(ind, ind.baseline_value))
        for p in reversed(fig.periods):
            cell = fig.region.get(p.code)
            if cell is not None and not cell.empty:
                row.latest_label, row.latest = p.label(), shown_cell(ind, cell)
                break
        rows.append(row)
    return render(
        request,
        "indicators/indicator_list.html",
        {
            "plan": plan,
            "rows": rows,
            "can_define": can_define_indicators(request.user, plan),
            "can_report_any": reporting_country_id(request.user) is not None,
        },
    )


# One indicator ---------------------------------------------------------------------------------
@dataclass
class ValueCell:
    measurement: Measurement | None = None
    text: str = ""
    parts: list[tuple[str, str]] = field(default_factory=list)
    earlier_design: int | None = None
    earlier_dimensions: str = ""
    report_url: str = ""
    # Reporting for a country not one's own (the secretariat): a compact link, else the
    # table would be a wall of "Report" for every country and period.
    on_behalf: bool = False
    place: str = ""


@dataclass
class PeriodRow:
    period: periods.Period
    figure: str
    target: str
    cells: list[ValueCell]


def _columns(user: Any, ind: Indicator, values: list[Measurement]) -> list[Organisation | None]:
    """The places a value may come from: the region and, for an indicator each country
    reports, every member country the viewer may see."""
    cols: list[Organisation | None] = []
    if ind.reported_by != Indicator.Reporter.COUNTRIES or any(m.country_id is None for m in values):
        cols.append(None)
    if ind.reported_by == Indicator.Reporter.COUNTRIES or any(m.country_id for m in values):
        cols.extend(
            organisations_for(user).filter(kind=Organisation.Kind.MEMBER_STATE).order_by("code")
        )
    return cols


def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    ind = get_indicator_for(user, pk)
    (fig,) = figures(user, [ind], with_breakdown=False)
    values = list(measurements_for(user).filter(indicator=ind))
    designs = designs_of(ind)
    columns = [] if ind.is_computed else _columns(user, ind, values)
    by_place = {(m.period, m.country_id): m for m in values}
    today = timezone.localdate()
    regional_targets = {t.period: t for t in ind.targets.all() if t.country_id is None}
    own = reporting_country_id(user)
    rows = []
    for p in fig.periods:
        cells = []
        for country in columns:
            cid = country.pk if country else None
            m = by_place.get((p.code, cid))
            cell = ValueCell(m)
            if m is not None:
                m.indicator = ind
                cell.text = measurement_text(m)
                cell.parts = [
                    (part.category.name, shown(ind, part.value)) for part in m.parts.all()
                ]
                if m.design != ind.design:
                    cell.earlier_design = m.design
                    cell.earlier_dimensions = design_dimensions(designs.get(m.design))
            if p.start <= today and can_report(user, ind, cid):
                cell.report_url = value_url(ind, p.code, country)
                cell.on_behalf = cid is not None and cid != own
                cell.place = text(country, "name") if country else _("Region")
            cells.append(cell)
        target = regional_targets.get(p.code)
        rows.append(
            PeriodRow(
                p,
                shown_cell(ind, fig.region.get(p.code)),
                shown(ind, target.value) if target else "",
                cells,
            )
        )
    history = sorted(designs.values(), key=lambda d: d.number)
    for d in history:
        d.dimensions_text = design_dimensions(d)  # type: ignore[attr-defined]
    return render(
        request,
        "indicators/indicator_detail.html",
        {
            "indicator": ind,
            "plan": ind.plan,
            "figure": fig,
            "total": shown_cell(ind, fig.total),
            "baseline": shown(ind, ind.baseline_value),
            "targets": _targets(ind),
            "columns": columns,
            "rows": rows,
            "designs": history,
            "can_define": can_define_indicators(user, ind.plan),
            "can_review": can_review_values(user),
            "can_read_audit": can_read_audit(user),
            "has_submitted": any(m.status == Status.SUBMITTED for m in values),
        },
    )


# Defining indicators -----------------------------------------------------------------------------
def _definable_plan(request: HttpRequest, code: str) -> Plan:
    plan = get_plan_for(request.user, code)
    if not can_define_indicators(request.user, plan):
        raise PermissionDenied
    return plan


def _definable_indicator(request: HttpRequest, pk: int) -> Indicator:
    ind = get_indicator_for(request.user, pk)
    if not can_define_indicators(request.user, ind.plan):
        raise PermissionDenied
    return ind


@login_required
def indicator_create(request: HttpRequest, code: str) -> HttpResponse:
    plan = _definable_plan(request, code)
    form = IndicatorForm(request.POST or None, plan=plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            ind = services.indicator_create(actor=request.user, plan=plan, data=form.service_data())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Indicator created."))
            return redirect("indicator_detail", pk=ind.pk)
    return render(
        request,
        "indicators/indicator_form.html",
        {"form": form, "plan": plan, "title": _("New indicator")},
    )


@login_required
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    ind = _definable_indicator(request, pk)
    form = IndicatorForm(request.POST or None, instance=ind, plan=ind.plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_update(
                actor=request.user,
                indicator=ind,
                data=form.service_data(),
                expected_version=form.cleaned_data.get("version"),
                reason=form.cleaned_data.get("reason", ""),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Indicator saved."))
            return redirect("indicator_detail", pk=ind.pk)
    return render(
        request,
        "indicators/indicator_form.html",
        {"form": form, "plan": ind.plan, "indicator": ind, "title": _("Edit indicator")},
    )


@login_required
def indicator_targets(request: HttpRequest, pk: int) -> HttpResponse:
    ind = _definable_indicator(request, pk)
    form = TargetsForm(request.POST or None, indicator=ind)
    if request.method == "POST" and form.is_valid():
        try:
            services.targets_set(
                actor=request.user,
                indicator=ind,
                targets=form.targets(),
                expected_version=form.cleaned_data.get("version"),
                reason=form.cleaned_data.get("reason", ""),
            )
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(request, _("Targets saved."))
            return redirect("indicator_detail", pk=ind.pk)
    return render(
        request,
        "indicators/targets_form.html",
        {"form": form, "indicator": ind, "plan": ind.plan},
    )


# Reporting a value -----------------------------------------------------------------------------
