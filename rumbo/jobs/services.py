"""Asking for a job and running one again: audited, each in one transaction; the task is
enqueued once the transaction is committed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rumbo.core import audit
from rumbo.core.models import AuditEvent
from rumbo.core.services import ConflictError

from .models import Job
from .registry import kind_of
from .selectors import job_locked, jobs_for


def _enqueue(job: Job) -> None:
    """After the commit, hand the job's current run to the task queue (in the embedded
    default's in-process backend, that runs it at once)."""
    from .tasks import run_job

    pk, attempt = job.pk, job.attempt

    def enqueue() -> None:
        result = run_job.enqueue(pk, attempt)
        # The in-process backend has run the job already: its row is not touched here
        # beyond the task's id.
        Job.objects.filter(pk=pk, attempt=attempt).update(task_result_id=str(result.id)[:64])

    transaction.on_commit(enqueue)


@transaction.atomic
def job_request(*, actor: Any, kind: str, params: dict[str, Any], language: str) -> Job:
    """Ask for a file of `kind` built from `params`, as `actor` sees things, in `language`.
    Returns the job, queued; its page follows it."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied
    kind_of(kind)  # an unknown kind is a programming error: refused before anything is written
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Unknown language."), code="language")
    job = Job(
        kind=kind,
        params=params,
        requested_by=actor,
        language=language,
        heartbeat_at=timezone.now(),
    )
    job.full_clean()
    job.save()
    # What was asked for (the rest of the row is the run's bookkeeping).
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=job,
        changes=audit.diff({}, {"kind": kind, "params": params, "language": language}),
    )
    _enqueue(job)
    return job


@transaction.atomic
def job_run_again(*, actor: Any, job: Job, expected_version: int | None = None) -> Job:
    """Queue a failed or interrupted job again, as a new run. A run of it still alive
    somewhere finds itself replaced and stops without writing. Audited as a status change."""
    if not jobs_for(actor).filter(pk=job.pk).exists():
        raise PermissionDenied
    current = job_locked(job)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(current)
    if not current.can_run_again:
        raise ValidationError(
            _("This file is being prepared or is ready: there is nothing to run again."),
            code="not_stopped",
        )
    old_status = "interrupted" if current.interrupted else current.status
    now = timezone.now()
    Job.objects.filter(pk=current.pk).update(
        status=Job.Status.QUEUED,
        attempt=current.attempt + 1,
        version=current.version + 1,
        progress_done=0,
        progress_total=None,
        message="",
        started_at=None,
        finished_at=None,
        heartbeat_at=now,
        task_result_id="",
    )
    current.refresh_from_db()
    audit.record(
        actor=actor,
        action=AuditEvent.Action.STATUS,
        instance=current,
        changes={"status": {"old": old_status, "new": Job.Status.QUEUED}},
        reason=_("run again"),
    )
    _enqueue(current)
    return current
