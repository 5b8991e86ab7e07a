from __future__ import annotations

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .history import HISTORY_KINDS, history_for, may_read_history


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
