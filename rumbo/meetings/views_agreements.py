"""Agreement pages: record one at a meeting, read it with its country follow-up grid, report
a country's cell, and the grid of a meeting or a body (page, CSV, Excel)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from rumbo.core.forms import apply_service_errors
from rumbo.core.tables import table_csv_response, table_xlsx_response
from rumbo.organisations.selectors import get_body_for

from . import services_agreements as services
from .access_agreements import can_record_agreements, can_report_follow_up
from .follow_up_tables import grid_cells_html, grid_table, legend, status_mark
from .forms_agreements import AgreementForm, FollowUpForm
from .models import Meeting
from .models_agreements import Agreement, FollowUp
from .selectors import get_meeting_for
from .selectors_agreements import (
    agreement_rows,
    country_follow_up,
    follow_up_grid,
    get_agreement_for,
    get_member_country_for,
    grid_agreements_for,
    member_countries_for,
)

PAGE_SIZE = 50


class CountedPaginator(Paginator):
    """A paginator told how many items there are (already counted), sparing a COUNT."""

    def __init__(self, object_list: Any, per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # `count` is a cached property


GRID_PAGE_SIZE = 25  # rows of up to 35 countries each: the page stays light
DOWNLOADS = {"csv": table_csv_response, "xlsx": table_xlsx_response}


def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_agreement_for(request.user, pk)
    rows = [
        (row, status_mark(row.status), can_report_follow_up(request.user, row.country))
        for row in agreement_rows(request.user, agreement)
    ]
    return render(
        request,
        "meetings/agreement_detail.html",
        {
            "agreement": agreement,
            "meeting": agreement.meeting,
            "rows": rows,
            "can_edit": can_record_agreements(request.user, agreement.meeting),
        },
    )


def _save(request: HttpRequest, meeting: Meeting, agreement: Agreement | None) -> HttpResponse:
    form = AgreementForm(request.POST or None, instance=agreement, user=request.user)
    if request.method == "POST" and form.is_valid():
        elements = list(form.cleaned_data.get("elements") or [])
        try:
            if agreement is None:
                saved = services.agreement_create(
                    actor=request.user,
                    meeting=meeting,
                    data=form.agreement_data(),
                    elements=elements,
                )
            else:
                saved = services.agreement_update(
                    actor=request.user,
                    agreement=agreement,
                    data=form.agreement_data(),
                    expected_version=form.cleaned_data.get("version"),
                    elements=elements,
                )
        except PermissionDenied:
            form.add_error(None, _("You may not record agreements of this meeting."))
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Agreement saved."))
            return redirect("agreement_detail", pk=saved.pk)
    title = _("Edit agreement") if agreement else _("New agreement")
    return render(
        request,
        "meetings/agreement_form.html",
        {"form": form, "meeting": meeting, "agreement": agreement, "title": title},
    )


@login_required
def agreement_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for(request.user, pk)
    if not can_record_agreements(request.user, meeting):
        raise PermissionDenied
    return _save(request, meeting, None)


@login_required
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_agreement_for(request.user, pk)
    if not can_record_agreements(request.user, agreement.meeting):
        raise PermissionDenied
    return _save(request, agreement.meeting, agreement)


@login_required
def follow_up_edit(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """A country's cell of an agreement's grid, for its own reporters or the secretariat."""
    agreement = get_agreement_for(request.user, pk)
    country = member_countries_for(request.user).filter(code=code).first()
    if country is None:
        raise Http404
    if not can_report_follow_up(request.user, country):
        raise PermissionDenied
    cell = next((c for c in agreement.follow_ups.all() if c.country_id == country.pk), None)
    form = FollowUpForm(request.POST or None, initial=FollowUpForm.initial_for(cell))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.follow_up_report(
                actor=request.user,
                agreement=agreement,
                country=country,
                status=data["status"],
                evidence=data.get("evidence") or "",
                reported_on=data.get("reported_on"),
                expected_version=data["version"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Follow-up saved."))
            return redirect("agreement_detail", pk=agreement.pk)
    return render(
        request,
        "meetings/agreement_follow_up_form.html",
        {"form": form, "agreement": agreement, "country": country, "cell": cell},
    )


def _grid(
    request: HttpRequest, fmt: str, *, title: str, meeting: Meeting | None, body: Any
) -> HttpResponse:
    agreements = grid_agreements_for(request.user, meeting=meeting, body=body)
    if fmt:
        table = grid_table(follow_up_grid(request.user, agreements), title)
        return DOWNLOADS[fmt](table, title)
    page = Paginator(agreements, GRID_PAGE_SIZE).get_page(request.GET.get("page"))
    grid = follow_up_grid(request.user, list(page.object_list))
    rows = grid_cells_html(grid)
    return render(
        request,
        "meetings/agreement_grid.html",
        {
            "grid": grid,
            "page": page,
            "rows": rows,
            "title": title,
            "meeting": meeting,
            "body": body,
            "legend": legend(),
        },
    )


@require_safe
def meeting_follow_up(request: HttpRequest, pk: int, fmt: str = "") -> HttpResponse:
    meeting = get_meeting_for(request.user, pk)
    title = _("Follow-up of agreements: %(meeting)s") % {"meeting": meeting}
    return _grid(request, fmt, title=title, meeting=meeting, body=None)


@require_safe
def body_follow_up(request: HttpRequest, code: str, fmt: str = "") -> HttpResponse:
    body = get_body_for(request.user, code)
    title = _("Follow-up of agreements: %(body)s") % {"body": body}
    return _grid(request, fmt, title=title, meeting=None, body=body)


@require_safe
def country_follow_up_page(request: HttpRequest, code: str) -> HttpResponse:
    """A member country's follow-up of every agreement the viewer sees: counts by status,
    then the agreements (of one status when chosen), newest meeting first."""
    country = get_member_country_for(request.user, code)
    status = request.GET.get("status", "")
    found = country_follow_up(request.user, country, status)
    page = CountedPaginator(found.agreements, PAGE_SIZE, found.listed).get_page(
        request.GET.get("page")
    )
    rows = [(a, next(iter(getattr(a, "cells", [])), None)) for a in page.object_list]
    marks = [(status_mark(value), n) for value, n in found.counts.items()]
    return render(
        request,
        "meetings/country_follow_up.html",
        {
            "country": country,
            "found": found,
            "marks": marks,
            "status": status if status in FollowUp.Status.values else "",
            "page": page,
            "rows": [(a, cell, status_mark(cell.status if cell else "")) for a, cell in rows],
            "can_report": can_report_follow_up(request.user, country),
        },
    )
