"""Running one job: claim it, run its kind's runner, store the file under a random name, mark
it done, tell its requester. Called by the task (`tasks.run_job`) in the worker process.

What a kill midway leaves: the job's row says "running" with its last progress and no file
(the runner's half-written file lies in the run's scratch folder, never in the file storage),
until it is taken for dead (`models.STALE_AFTER`) and run again. Every write of a run names
its run number: a run that has been replaced writes nothing more."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.core.mail import send_mail
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Job
from .registry import JobFailed, Output, kind_of

log = logging.getLogger(__name__)

PROGRESS_EVERY = 0.5  # seconds: a progress report writes the row at most this often
SCRATCH_PREFIX = "rumbo-job-"


class Replaced(Exception):
    """This run's job was run again (or removed) while it worked: it stops."""


@dataclass
class Ran:
    status: str
    job: int
    attempt: int

    def as_dict(self) -> dict[str, object]:
        return {"status": self.status, "job": self.job, "attempt": self.attempt}


class ProgressReport:
    """The `progress(done, total)` a runner calls: writes the row (and its sign of life) at
    most every `PROGRESS_EVERY` seconds, and always when done reaches total."""

    def __init__(self, job: Job, every: float = PROGRESS_EVERY) -> None:
        self.job = job
        self.every = every
        self.last = float("-inf")

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < self.every and done < total:
            return
        self.last = now
        moved = _this_run(self.job).update(
            progress_done=max(0, done),
            progress_total=max(0, total),
            heartbeat_at=timezone.now(),
        )
        if not moved:
            raise Replaced
        self.job.progress_done, self.job.progress_total = done, total


def _this_run(job: Job, status: str = Job.Status.RUNNING) -> QuerySet[Job]:
    """The job's row while this run holds it (an update matching nothing: it was replaced)."""
    return Job.objects.filter(pk=job.pk, attempt=job.attempt, status=status)


def _claim(job_id: int, attempt: int) -> Job | None:
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, attempt=attempt, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=now, heartbeat_at=now
    )
    return Job.objects.select_related("requested_by").get(pk=job_id) if claimed else None


def _remove_scratch(job_id: int) -> None:
    """The scratch folders of the job's runs (a killed run's included)."""
    for path in Path(tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}{job_id}-*"):
        shutil.rmtree(path, ignore_errors=True)


def store(job: Job, output: Output) -> str:
    """Put the runner's file into the file storage under a random name; return that name.
    On local storage the file is copied beside its final name and renamed into place, so that
    no reader ever meets half a file; object storages publish an upload only once complete."""
    field = job.output
    storage = field.storage
    name = field.field.generate_filename(job, output.filename)
    if isinstance(storage, FileSystemStorage):
        name = storage.get_available_name(name)
        final = Path(storage.path(name))
        final.parent.mkdir(parents=True, exist_ok=True)
        partial = final.with_name(final.name + ".part")
        shutil.copyfile(output.path, partial)
        os.replace(partial, final)
        return name
    with open(output.path, "rb") as handle:
        return storage.save(name, File(handle))


def execute(job_id: int, attempt: int) -> Ran:
    """Run run number `attempt` of job `job_id`, unless it is not waiting for that run."""
    job = _claim(job_id, attempt)
    if job is None:
        return Ran("skipped", job_id, attempt)
    _remove_scratch(job.pk)
    job.scratch = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{job.pk}-"))  # type: ignore[attr-defined]
    try:
        with translation.override(job.language):
            try:
                output = kind_of(job.kind).runner(job, ProgressReport(job))
            except Replaced:
                return Ran("replaced", job_id, attempt)
            except JobFailed as exc:
                log.warning("job %s (%s) failed: %s", job.pk, job.kind, exc.message)
                _fail(job, str(exc.message))
                return Ran(Job.Status.FAILED, job_id, attempt)
            except Exception:
                log.exception("job %s (%s) failed", job.pk, job.kind)
                _fail(job)
                return Ran(Job.Status.FAILED, job_id, attempt)
            return _finish(job, output)
    finally:
        _remove_scratch(job.pk)


def _fail(job: Job, message: str = "") -> None:
    # No message: the page says, in its reader's language, that the file could not be made;
    # what went wrong in detail is in the server's log, never on the page. A runner's own
    # message (`JobFailed`) is written in the requester's language, active here.
    _this_run(job).update(
        status=Job.Status.FAILED, message=message, finished_at=timezone.now(), output=""
    )


def _finish(job: Job, output: Output) -> Ran:
    name = store(job, output)
    size = output.path.stat().st_size
    done = _this_run(job).update(
        status=Job.Status.DONE,
        output=name,
        output_name=output.filename[:255],
        output_type=output.content_type[:120],
        output_size=size,
        progress_done=job.progress_total or job.progress_done,
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    if not done:
        job.output.storage.delete(name)  # replaced meanwhile: its file is not this run's
        return Ran("replaced", job.pk, job.attempt)
    job.output_name = output.filename[:255]
    _tell(job)
    return Ran(Job.Status.DONE, job.pk, job.attempt)


def _site() -> str:
    from django.conf import settings

    return (str(getattr(settings, "RUMBO_SITE_URL", "")) or "http://127.0.0.1:8000").rstrip("/")


def _tell(job: Job) -> None:
    """Mail the requester that the file is ready, in their language (active here). A mail the
    server refuses is logged: the file is on its page all the same."""
    user = job.requested_by
    if not user.email:
        return
    context = {
        "person": user.get_full_name() or user.get_username(),
        "label": job.label,
        "filename": job.output_name,
        "link": _site() + reverse("job_detail", kwargs={"pk": job.pk}),
    }
    try:
        send_mail(
            subject=_("Rumbo: your file is ready (%(label)s)") % {"label": job.label},
            message=render_to_string("jobs/ready_email.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )
    except Exception:
        log.exception("the mail telling job %s is ready was not sent", job.pk)
