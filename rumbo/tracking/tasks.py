"""Background tasks of follow-up.

`clean_uploads` runs the cleaning of abandoned uploads and enqueues its own next run, so that
a queue with a worker (the database queue of django-tasks-db and `rumbo db_worker`, as in
production) runs it every `CLEANING_INTERVAL` with no cron. django-tasks has no periodic tasks:
this chain is how it is scheduled. `rumbo clean_uploads --schedule` starts the chain (run it
once after deploying; running it again does nothing while a run is pending). Where the backend
cannot defer a task (the in-process backend of the embedded default), nothing is enqueued:
run `rumbo clean_uploads` from cron there.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django_tasks import TaskResultStatus, task

from . import uploads

CLEANING_INTERVAL = dt.timedelta(hours=1)


@task()
def clean_uploads() -> dict[str, int]:
    """Delete abandoned uploads, then enqueue the next run (also when this one failed)."""
    try:
        cleaned = uploads.clean_abandoned_uploads()
    finally:
        schedule_cleaning(after=CLEANING_INTERVAL, replacing_running=True)
    return {"imports": cleaned.imports, "orphans": cleaned.orphans}


def _pending_runs(*, include_running: bool) -> Any:
    """The queued runs of `clean_uploads` (None if the backend cannot tell)."""
    backend = clean_uploads.get_backend()
    if type(backend).__module__.split(".")[0] != "django_tasks_db":
        return None
    from django_tasks_db.models import DBTaskResult

    statuses = [TaskResultStatus.READY]
    if include_running:
        statuses.append(TaskResultStatus.RUNNING)
    return DBTaskResult.objects.filter(
        task_path=clean_uploads.module_path, status__in=statuses, backend_name=backend.alias
    )


def schedule_cleaning(
    *, after: dt.timedelta = dt.timedelta(0), replacing_running: bool = False
) -> bool:
    """Enqueue a run of `clean_uploads` in `after`, unless one is already waiting (or, when
    starting the chain, running). False when nothing was enqueued."""
    if not clean_uploads.get_backend().supports_defer:
        return False
    pending = _pending_runs(include_running=not replacing_running)
    if pending is not None and pending.exists():
        return False
    clean_uploads.using(run_after=timezone.now() + after).enqueue()
    return True
