"""Reading jobs. A job is its requester's only, the secretariat included: its file was built
with what that person may see and from what they searched for, so it is nobody else's to open,
and nobody else needs it (anyone may ask for the same file and get the one built for them)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Job


def jobs_for(user: Any) -> QuerySet[Job]:
    """A person's own jobs, newest first (nobody else's; none for the public)."""
    if not getattr(user, "is_authenticated", False):
        return Job.objects.none()
    return Job.objects.filter(requested_by=user)


def get_job_for(user: Any, pk: Any) -> Job:
    """One of the person's jobs; anyone else's answers 404, as a missing one does."""
    return get_object_or_404(jobs_for(user), pk=pk)


def job_locked(job: Job) -> Job:
    """The job's row, locked until the transaction ends."""
    return Job.objects.select_for_update().get(pk=job.pk)
