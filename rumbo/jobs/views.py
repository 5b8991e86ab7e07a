"""A person's files prepared in the background: the list, one job's page (which refreshes
itself while the job runs: no script needed), its download, and "run again"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_POST, require_safe

from . import services
from .selectors import get_job_for, jobs_for

LISTED = 50
REFRESH_SECONDS = 3


@require_safe
@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = list(jobs_for(request.user)[:LISTED])
    return render(
        request,
        "jobs/list.html",
        {
            "jobs": jobs,
            "refresh": REFRESH_SECONDS if any(job.active for job in jobs) else None,
        },
    )


@require_safe
@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_job_for(request.user, pk)
    return render(
        request,
        "jobs/detail.html",
        {"job": job, "refresh": REFRESH_SECONDS if job.active else None},
    )


@require_safe
@login_required
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = get_job_for(request.user, pk)
    if job.status != job.Status.DONE or not job.output:
        raise Http404
    try:
        handle = job.output.storage.open(job.output.name or "", "rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=job.output_name or "rumbo",
        content_type=job.output_type or "application/octet-stream",
    )
    # A file built for one person is not for a shared cache to give another.
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    return response


@require_POST
@login_required
def job_run_again(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_job_for(request.user, pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        services.job_run_again(actor=request.user, job=job, expected_version=version)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("job_detail", pk=job.pk)
