"""Pages of the calendar of obligations: the calendar (by month, filtered), an obligation's
page (its rule, its source's words, its occurrences), the form that marks an occurrence done,
and a body's obligations with its freshness."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from rumbo.core.forms import apply_service_errors
from rumbo.organisations.models import Body, Organisation
from rumbo.organisations.selectors import get_body_for, get_member_state_for
from rumbo.tracking.views_files import attachment_response

from . import services
from .access import Fulfiller, can_fulfil
from .forms import CalendarFilterForm, FulfilmentForm
from .occurrences import Occurrence
from .selectors import (
    Freshness,
    by_month,
    country_freshness,
    filter_occurrences,
    freshness_of,
    get_fulfilment_file_for,
    get_obligation_for,
    get_occurrence_for,
    obligations_for,
    occurrences_for,
)


def _fulfil_url(o: Occurrence) -> str:
    query: dict[str, Any] = {"period": o.period.code}
    if o.body_id is not None:
        query["body"] = o.body_id
    return f"{reverse('obligation_fulfil', kwargs={'pk': o.obligation.pk})}?{urlencode(query)}"


def _rows(may: Any, found: list[Occurrence]) -> list[dict[str, Any]]:
    """Table rows; `may` is one `Fulfiller(user).may` for the whole page."""
    return [
        {
            "o": o,
            "can_fulfil": not o.computed_done and may(o),
            "fulfil_url": _fulfil_url(o),
        }
        for o in found
    ]


def _country_freshness(user: Any, found: list[Occurrence]) -> tuple[Organisation, Freshness] | None:
    org = getattr(user, "organisation", None) if getattr(user, "is_authenticated", False) else None
    if org is None or org.kind != Organisation.Kind.MEMBER_STATE:
        return None
    return org, country_freshness(user, found, org, timezone.localdate())


@require_safe
def obligation_calendar(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    found = occurrences_for(request.user, today=today)
    groups = {o.debtor.body.code: o.debtor.body for o in found if o.debtor.body is not None}
    body_choices = sorted(((code, str(b)) for code, b in groups.items()), key=lambda c: c[1])
    years = sorted({o.due.year for o in found}, reverse=True)
    form = CalendarFilterForm(request.GET or None, bodies=body_choices, years=years)
    chosen = filter_occurrences(found, form.filters())
    may = Fulfiller(request.user).may
    group_freshness = [
        (b, freshness_of(found, {("body", b.pk)}, today))
        for b in sorted(groups.values(), key=lambda b: b.code)
        if b.kind == Body.Kind.WORKING_GROUP
    ]
    return render(
        request,
        "obligations/calendar.html",
        {
            "form": form,
            "months": [(m, _rows(may, occs)) for m, occs in reversed(by_month(chosen))],
            "count": len(chosen),
            "group_freshness": group_freshness,
            "country_freshness": _country_freshness(request.user, found),
            "obligations": list(obligations_for(request.user)),
        },
    )


@require_safe
def obligation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    obligation = get_obligation_for(request.user, pk)
    found = occurrences_for(request.user, [obligation])
    return render(
        request,
        "obligations/obligation_detail.html",
        {
            "obligation": obligation,
            "rows": _rows(Fulfiller(request.user).may, list(reversed(found))),
        },
    )


@login_required
def fulfil(request: HttpRequest, pk: int) -> HttpResponse:
    obligation = get_obligation_for(request.user, pk)
    body = request.GET.get("body")
    occ = get_occurrence_for(
        request.user,
        obligation,
        request.GET.get("period", ""),
        int(body) if body and body.isdigit() else None,
    )
    if occ.computed_done or not can_fulfil(request.user, occ):
        raise PermissionDenied
    current = occ.fulfilment
    if request.method == "POST":
        form = FulfilmentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.fulfilment_record(
                    actor=request.user,
                    occurrence=occ,
                    data=form.cleaned_data,
                    files=form.cleaned_data.get("files") or [],
                    expected_version=form.cleaned_data.get("version"),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Marked done."))
                return redirect("obligation_detail", pk=obligation.pk)
    else:
        initial: dict[str, Any] = {"done_on": timezone.localdate()}
        if current is not None:
            initial = {
                "version": current.version,
                "done_on": current.done_on,
                "link": current.link,
                "note": current.note,
            }
        form = FulfilmentForm(initial=initial)
    return render(
        request,
        "obligations/fulfil.html",
        {"obligation": obligation, "occ": occ, "form": form, "current": current},
    )


@require_safe
def body_obligations(request: HttpRequest, code: str) -> HttpResponse:
    body = get_body_for(request.user, code)
    today = timezone.localdate()
    found = occurrences_for(request.user, today=today)
    keys = {("body", body.pk)}
    if body.kind == Body.Kind.PPT and body.country_id is not None:
        keys = {("country", body.country_id)}
    owed = [
        o
        for o in found
        if o.debtor.key in keys and (body.kind != Body.Kind.PPT or o.period.start.year == body.year)
    ]
    fresh = freshness_of(owed, keys, today)
    return render(
        request,
        "obligations/body_obligations.html",
        {
            "body": body,
            "rows": _rows(Fulfiller(request.user).may, list(reversed(owed))),
            "fresh": fresh,
        },
    )


@require_safe
def country_obligations(request: HttpRequest, code: str) -> HttpResponse:
    """What a member country owes (as the Presidency Pro-Tempore of a year, and as an
    organisation), with its freshness: its share of what came due in the last year that is
    done, and its indicator values missing."""
    country = get_member_state_for(request.user, code)
    today = timezone.localdate()
    found = occurrences_for(request.user, today=today)
    keys = {("country", country.pk), ("organisation", country.pk)}
    owed = [o for o in found if o.debtor.key in keys]
    return render(
        request,
        "obligations/country_obligations.html",
        {
            "country": country,
            "rows": _rows(Fulfiller(request.user).may, list(reversed(owed))),
            "fresh": country_freshness(request.user, found, country, today),
        },
    )


@require_safe
def fulfilment_file_download(request: HttpRequest, pk: int) -> FileResponse:
    item = get_fulfilment_file_for(request.user, pk)
    return attachment_response(item.file, item.name)
