"""Pages of pledges: the list with pledged vs delivered per currency (and its downloads),
each pledge's page with its rounds, the pledge form and a round's update form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from rumbo.core.forms import apply_service_errors, split_files
from rumbo.core.tables import table_csv_response, table_xlsx_response
from rumbo.tracking.views_files import attachment_response

from . import services
from .access import can_edit, may_record
from .forms import PledgeFilterForm, PledgeForm, RoundForm
from .rounds import STATE_LABELS, Round, is_round
from .selectors import (
    filter_pledges,
    get_pledge_for,
    get_update_file_for,
    is_reportable,
    pledge_rounds,
    pledges_for,
    totals_by_currency,
    update_of,
)
from .tables import pledges_table, status_label, totals_charts, totals_table

PAGE_SIZE = 25
DOWNLOADS = {"csv": table_csv_response, "xlsx": table_xlsx_response}


def pledge_list(request: HttpRequest, fmt: str = "") -> HttpResponse:
    form = PledgeFilterForm(request.GET or None, user=request.user)
    qs = filter_pledges(pledges_for(request.user), form.filters())
    if fmt:
        return DOWNLOADS[fmt](pledges_table(qs, _("Pledges")), _("pledges"))
    totals = totals_by_currency(qs)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    pledges = list(page.object_list)
    return render(
        request,
        "pledges/pledge_list.html",
        {
            "form": form,
            "page": page,
            "rows": [(p, status_label(getattr(p, "latest_status", None))) for p in pledges],
            "query": query.urlencode(),
            "totals_table": totals_table(totals),
            "charts": totals_charts(totals),
            "may_record": may_record(request.user),
        },
    )


def pledge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = get_pledge_for(request.user, pk)
    rounds = pledge_rounds(pledge)
    latest = next((r.update for r in rounds if r.update is not None), None)
    editable = can_edit(request.user, pledge)
    return render(
        request,
        "pledges/pledge_detail.html",
        {
            "pledge": pledge,
            "rounds": [
                (r, STATE_LABELS[r.state], is_reportable(pledge, r.round) and editable)
                for r in rounds
            ],
            "latest": latest,
            "status": status_label(latest.status if latest else None),
            "can_edit": editable,
        },
    )


@login_required
def pledge_create(request: HttpRequest) -> HttpResponse:
    if not may_record(request.user):
        raise PermissionDenied
    form = PledgeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organisation = data.pop("organisation", None)
        data.pop("version", None)
        try:
            pledge = services.pledge_create(
                actor=request.user, data=data, organisation=organisation
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Pledge recorded."))
            return redirect("pledge_detail", pk=pledge.pk)
    return render(request, "pledges/pledge_form.html", {"form": form, "pledge": None})


@login_required
def pledge_edit(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = get_pledge_for(request.user, pk)
    if not can_edit(request.user, pledge):
        raise PermissionDenied
    form = PledgeForm(request.POST or None, instance=pledge, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.pledge_update(
                actor=request.user, pledge=pledge, data=data, expected_version=version
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Pledge saved."))
            return redirect("pledge_detail", pk=pledge.pk)
    return render(request, "pledges/pledge_form.html", {"form": form, "pledge": pledge})


@login_required
def pledge_round(request: HttpRequest, pk: int, year: int, month: int) -> HttpResponse:
    """A round's update: created by the first save, edited by the next ones."""
    pledge = get_pledge_for(request.user, pk)
    if not is_round(year, month):
        raise Http404
    rnd = Round(year, month)
    if not can_edit(request.user, pledge):
        raise PermissionDenied
    if not is_reportable(pledge, rnd):
        raise Http404
    update = update_of(pledge, rnd)
    form = RoundForm(request.POST or None, request.FILES or None, instance=update, pledge=pledge)
    if request.method == "POST" and form.is_valid():
        data, files, remove, version = split_files(form.cleaned_data)
        try:
            services.round_report(
                actor=request.user,
                pledge=pledge,
                year=year,
                month=month,
                data=data,
                expected_version=version,
                files=files,
                remove_files=remove,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Round update saved."))
            return redirect("pledge_detail", pk=pledge.pk)
    return render(
        request,
        "pledges/round_form.html",
        {"form": form, "pledge": pledge, "round": rnd, "update": update},
    )


@require_safe
def pledge_file_download(request: HttpRequest, pk: int) -> FileResponse:
    """A round update's file, as an attachment, to whoever may read the pledge (404 for
    anyone else, as for a file that does not exist)."""
    item = get_update_file_for(request.user, pk)
    return attachment_response(item.file, item.name)
