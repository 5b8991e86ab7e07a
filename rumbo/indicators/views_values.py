"""Reporting values, the focal point's list of what is due, the secretariat's review and
locked periods. Views only adapt HTTP to selectors and services."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rumbo.organisations.models import Organisation
from rumbo.organisations.selectors import get_organisation_for, organisations_for
from rumbo.plans.selectors import get_plan_for, plans_for

from . import periods, services
from .access import can_report, can_review_values, reporting_country_id
from .display import REGION, Status, measurement_text, value_url
from .forms import LockForm, ReturnValueForm, UnlockForm, ValueForm
from .models import Indicator, Measurement
from .selectors import (
    dimensions_for,
    due_period,
    get_indicator_for,
    get_measurement_for,
    indicators_for,
    is_locked,
    measurements_for,
    reporting_periods,
)


def _place(request: HttpRequest, code: str) -> Organisation | None:
    if code == REGION:
        return None
    return get_organisation_for(request.user, code)


@login_required
def value_edit(request: HttpRequest, pk: int, period: str, country: str) -> HttpResponse:
    """The form for one period and one country (or the region) of an indicator."""
    user = request.user
    ind = get_indicator_for(user, pk)
    place = _place(request, country)
    if not can_report(user, ind, place.pk if place else None):
        raise PermissionDenied
    codes = {p.code: p for p in reporting_periods(ind)}
    if period not in codes:
        raise Http404
    the_period = codes[period]
    found = measurements_for(user).filter(indicator=ind, period=period)
    found = found.filter(country=place) if place else found.filter(country__isnull=True)
    m = found.first()
    dims = dimensions_for(user).filter(pk__in=[d.pk for d in ind.dimensions.all()])
    locked = is_locked(ind.plan, period)
    form = ValueForm(
        request.POST or None,
        request.FILES or None,
        indicator=ind,
        dimensions=dims,
        measurement=m,
        # Files change with the value, under its rules: in a locked period, the secretariat's.
        can_change_files=not locked or can_review_values(user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.measurement_save(
                actor=user,
                indicator=ind,
                period=period,
                country=place,
                given=form.value_input(),
                expected_version=form.cleaned_data.get("version"),
                reason=form.cleaned_data.get("reason", ""),
                files=form.cleaned_data.get("files") or [],
                remove_files=form.cleaned_data.get("remove_files") or [],
            )
            if "submit" in request.POST and saved.status in (Status.DRAFT, Status.RETURNED):
                services.measurement_submit(
                    actor=user, measurement=saved, expected_version=saved.version
                )
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            if "submit" in request.POST:
                messages.success(request, _("Value saved and submitted for review."))
            else:
                messages.success(request, _("Value saved."))
            return redirect(request.path)
    needs_reason = locked or (m is not None and m.status == Status.APPROVED)
    return render(
        request,
        "indicators/value_form.html",
        {
            "form": form,
            "indicator": ind,
            "plan": ind.plan,
            "period": the_period,
            "place": place,
            "measurement": m,
            "locked": locked,
            "started": the_period.start <= timezone.localdate(),
            "show_reason": (needs_reason and can_review_values(user))
            or bool(form["reason"].errors),
            "can_submit": m is None
            or m.status in (Status.DRAFT, Status.RETURNED)
            or not can_review_values(user),
        },
    )


# The focal point's list, and the secretariat's review ------------------------------------------
@dataclass
class DueRow:
    indicator: Indicator
    period: periods.Period
    measurement: Measurement | None
    url: str


@login_required
def report_values(request: HttpRequest) -> HttpResponse:
    """What a country (or, for the secretariat, the region) reports this period."""
    user = request.user
    country_id = reporting_country_id(user)
    if country_id is None and not can_review_values(user):
        raise PermissionDenied
    country = organisations_for(user).filter(pk=country_id).first() if country_id else None
    today = timezone.localdate()
    reporter = Indicator.Reporter.COUNTRIES if country_id else Indicator.Reporter.SECRETARIAT
    candidates = (
        indicators_for(user)
        .filter(reported_by=reporter, plan__period_end__gte=today.year - 1)
        .order_by("plan__code", "order", "id")
    )
    current = {}
    for i in candidates:
        due = due_period(i, today)
        if due is not None:
            current[i.pk] = due
    inds = [i for i in candidates if i.pk in current]
    found = measurements_for(user).filter(indicator__in=inds)
    found = (
        found.filter(country_id=country_id) if country_id else found.filter(country__isnull=True)
    )
    by_place = {(m.indicator_id, m.period): m for m in found}
    rows = [
        DueRow(
            i,
            current[i.pk],
            by_place.get((i.pk, current[i.pk].code)),
            value_url(i, current[i.pk].code, country),
        )
        for i in inds
        if can_report(user, i, country_id)
    ]
    return render(
        request, "indicators/report.html", {"rows": rows, "country": country, "today": today}
    )


@login_required
def review(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can_review_values(user):
        raise PermissionDenied
    waiting = list(
        measurements_for(user)
        .filter(status=Status.SUBMITTED)
        .select_related("indicator__plan", "reported_by")
        .order_by("indicator__plan__code", "indicator__order", "period", "country__code")
    )
    items = [(m, measurement_text(m)) for m in waiting]
    plans = list(
        plans_for(user)
        .filter(indicators__isnull=False)
        .distinct()
        .prefetch_related("locks")
        .order_by("-period_start", "code")
    )
    return render(
        request,
        "indicators/review.html",
        {
            "items": items,
            "plans": plans,
            "return_form": ReturnValueForm(),
            "lock_form": LockForm(),
        },
    )


@login_required
@require_POST
def value_decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    m = get_measurement_for(request.user, pk)
    if action not in {"approve", "return"}:
        raise Http404
    if not can_review_values(request.user):
        raise PermissionDenied
    form = ReturnValueForm(request.POST)
    version = form.cleaned_data.get("version") if form.is_valid() else None
    try:
        if action == "approve":
            services.measurement_approve(
                actor=request.user, measurement=m, expected_version=version
            )
            messages.success(request, _("Value approved: it now counts in the figures."))
        else:
            services.measurement_return(
                actor=request.user,
                measurement=m,
                comments=form.cleaned_data.get("comments", "") if form.is_valid() else "",
                expected_version=version,
            )
            messages.success(request, _("Value returned to the country with your comments."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("indicator_review")


@login_required
@require_POST
def period_lock(request: HttpRequest, code: str) -> HttpResponse:
    plan = get_plan_for(request.user, code)
    if not can_review_values(request.user):
        raise PermissionDenied
    form = LockForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Give the period to lock."))
        lock = services.period_lock(
            actor=request.user,
            plan=plan,
            period=form.cleaned_data["period"],
            note=form.cleaned_data.get("note", ""),
        )
        messages.success(request, _("%(period)s is locked.") % {"period": lock.period})
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("indicator_review")


@login_required
@require_POST
def period_unlock(request: HttpRequest, code: str) -> HttpResponse:
    plan = get_plan_for(request.user, code)
    if not can_review_values(request.user):
        raise PermissionDenied
    form = UnlockForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Give the period to open again."))
        services.period_unlock(
            actor=request.user,
            plan=plan,
            period=form.cleaned_data["period"],
            reason=form.cleaned_data.get("reason", ""),
        )
        messages.success(
            request, _("%(period)s is open again.") % {"period": form.cleaned_data["period"]}
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("indicator_review")
