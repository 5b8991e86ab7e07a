"""Asking for a report: the form, then the job's page, which follows its progress and offers
the file when it is ready."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from rumbo.jobs.services import job_request

from .forms import ReportForm
from .jobs import REPORT


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def report_request(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.user, request.POST or None, initial=request.GET.dict() or None)
    if request.method == "POST" and form.is_valid():
        job = job_request(
            actor=request.user,
            kind=REPORT,
            params=form.job_params(),
            language=form.cleaned_data["language"],
        )
        return redirect("job_detail", pk=job.pk)
    return render(request, "reports/request.html", {"form": form})
