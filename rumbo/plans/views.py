"""Plan pages. Views only adapt HTTP to selectors (reads) and services (writes)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from rumbo.core.forms import apply_service_errors

from . import selectors, services
from .access import can_create_plan, can_edit_plan, can_read_audit
from .extensions import activity_context, home_sections
from .forms import (
    ActivityForm,
    BudgetFormSet,
    PartyFormSet,
    PlanElementForm,
    PlanForm,
    formset_rows,
)
from .models import Plan


def home(request: HttpRequest) -> HttpResponse:
    """Each person's own work first (sections registered by the apps, see home.py), then
    the plans they may see (the public sees the published ones)."""
    plans = list(selectors.plans_for(request.user).order_by("-period_start", "code"))
    return render(
        request,
        "plans/home.html",
        {"plans": plans, "sections": home_sections(request.user)},
    )


def plan_list(request: HttpRequest) -> HttpResponse:
    plans = selectors.plans_for(request.user).order_by("-period_start", "code")
    return render(
        request,
        "plans/plan_list.html",
        {"plans": plans, "can_create": can_create_plan(request.user)},
    )


def plan_detail(request: HttpRequest, code: str) -> HttpResponse:
    plan = selectors.get_plan_for(request.user, code)
    view = selectors.plan_view(request.user, plan)
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "view": view,
            "can_edit": can_edit_plan(request.user, plan),
            "can_read_audit": can_read_audit(request.user),
        },
    )


def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.get_activity_for(request.user, pk)
    return render(
        request,
        "plans/activity_detail.html",
        {
            "activity": activity,
            "plan": activity.plan,
            "can_edit": can_edit_plan(request.user, activity.plan),
            "can_read_audit": can_read_audit(request.user),
            # Follow-up's concept note and progress (see extensions.py).
            **activity_context(request.user, activity),
        },
    )


def _editable_plan(request: HttpRequest, code: str) -> Plan:
    plan = selectors.get_plan_for(request.user, code)
    if not can_edit_plan(request.user, plan):
        raise PermissionDenied
    return plan


def _saved(request: HttpRequest, message: str) -> None:
    messages.success(request, message)


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    if not can_create_plan(request.user):
        raise PermissionDenied
    form = PlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            plan = services.plan_create(actor=request.user, data=data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            _saved(request, _("Plan created."))
            return redirect("plan_detail", code=plan.code)
    return render(request, "plans/form.html", {"form": form, "title": _("New plan")})


@login_required
def plan_edit(request: HttpRequest, code: str) -> HttpResponse:
    plan = _editable_plan(request, code)
    form = PlanForm(request.POST or None, instance=plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in {"version", "code"}}
        try:
            services.plan_update(
                actor=request.user,
                plan=plan,
                data=data,
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            _saved(request, _("Plan saved."))
            return redirect("plan_detail", code=plan.code)
    return render(request, "plans/form.html", {"form": form, "plan": plan, "title": _("Edit plan")})


@login_required
def element_create(request: HttpRequest, code: str) -> HttpResponse:
    plan = _editable_plan(request, code)
    form = PlanElementForm(request.POST or None, plan=plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.element_create(actor=request.user, plan=plan, data=data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            _saved(request, _("Element created."))
            return redirect("plan_detail", code=plan.code)
    return render(
        request, "plans/form.html", {"form": form, "plan": plan, "title": _("New element")}
    )


@login_required
def element_edit(request: HttpRequest, pk: int) -> HttpResponse:
    element = selectors.get_element_for(request.user, pk)
    plan = _editable_plan(request, element.plan.code)
    form = PlanElementForm(request.POST or None, instance=element, plan=plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.element_update(
                actor=request.user,
                element=element,
                data=data,
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            _saved(request, _("Element saved."))
            return redirect("plan_detail", code=plan.code)
    return render(
        request,
        "plans/form.html",
        {
            "form": form,
            "plan": plan,
            "record": element,
            "kind": "element",
            "title": _("Edit element"),
        },
    )


def _activity_forms(
    request: HttpRequest, plan: Plan, activity: Any = None
) -> tuple[ActivityForm, Any, Any]:
    data = request.POST or None
    form = ActivityForm(data, instance=activity, plan=plan, user=request.user)
    initial_parties = services.party_rows(activity) if activity is not None else None
    initial_budget = services.budget_rows(activity) if activity is not None else None
    parties = PartyFormSet(
        data, prefix="parties", initial=initial_parties, form_kwargs={"user": request.user}
    )
    budget = BudgetFormSet(
        data, prefix="budget", initial=initial_budget, form_kwargs={"user": request.user}
    )
    return form, parties, budget


def _activity_page(request: HttpRequest, plan: Plan, activity: Any = None) -> HttpResponse:
    form, parties, budget = _activity_forms(request, plan, activity)
    valid = request.method == "POST" and all(
        [form.is_valid(), parties.is_valid(), budget.is_valid()]
    )
    if request.method == "POST" and not (parties.is_valid() and budget.is_valid()):
        form.add_error(None, _("Check the responsible parties and budget lines below."))
    if valid:
        extra = {"version", "status_reason", "status_date"}
        data = {k: v for k, v in form.cleaned_data.items() if k not in extra}
        reason = form.cleaned_data.get("status_reason", "")
        status_date = form.cleaned_data.get("status_date")
        try:
            if activity is None:
                activity = services.activity_create(
                    actor=request.user,
                    plan=plan,
                    data=data,
                    parties=formset_rows(parties),
                    budget_lines=formset_rows(budget),
                    status_reason=reason,
                    status_date=status_date,
                )
            else:
                services.activity_update(
                    actor=request.user,
                    activity=activity,
                    data=data,
                    expected_version=form.cleaned_data.get("version"),
                    parties=formset_rows(parties),
                    budget_lines=formset_rows(budget),
                    status_reason=reason,
                    status_date=status_date,
                )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            _saved(request, _("Activity saved."))
            return redirect("activity_detail", pk=activity.pk)
    return render(
        request,
        "plans/activity_form.html",
        {
            "form": form,
            "parties": parties,
            "budget": budget,
            "plan": plan,
            "activity": activity,
            "title": _("Edit activity") if activity else _("New activity"),
        },
    )


@login_required
def activity_create(request: HttpRequest, code: str) -> HttpResponse:
    return _activity_page(request, _editable_plan(request, code))


@login_required
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.get_activity_for(request.user, pk)
    plan = _editable_plan(request, activity.plan.code)
    return _activity_page(request, plan, activity)
