from __future__ import annotations

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from rumbo.plans.selectors import plans_for

from .history import HISTORY_KINDS, history_for, may_read_history


def home(request: HttpRequest) -> HttpResponse:
    plans = list(plans_for(request.user).order_by("-period_start", "code"))
    return render(request, "core/home.html", {"plans": plans})


@login_required
def record_history(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if kind not in HISTORY_KINDS:
        raise Http404
    model = apps.get_model(*HISTORY_KINDS[kind])
    record = model.objects.visible_to(request.user).filter(pk=pk).first()
    if record is None:
        raise Http404
    if not may_read_history(request.user, kind):
        raise PermissionDenied
    return render(
        request,
        "core/history.html",
        {"record": record, "kind": kind, "events": history_for(request.user, record)},
    )
