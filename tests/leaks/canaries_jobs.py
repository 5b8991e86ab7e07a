"""A canary job: a file prepared in the background for the secretariat, with its name, its
content and its message marked. A job is its requester's only: to everyone else its page and
its download answer exactly as a missing job's do."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.utils import timezone

from rumbo.jobs.models import Job
from rumbo.organisations.models import User


def plant_jobs(planted, level: int, system: User, tag) -> None:  # type: ignore[no-untyped-def]
    marker = tag(level, "job")
    job = Job.objects.create(
        kind="matrix-export",
        params={"query": f"q={marker}"},
        requested_by=system,
        language="es",
        status=Job.Status.DONE,
        progress_done=1,
        progress_total=1,
        message=f"{marker} message",
        output_name=f"{marker}.csv",
        output_type="text/csv",
        finished_at=timezone.now(),
    )
    job.output.save("canary.csv", ContentFile(f"{marker} content\n".encode()), save=True)
    planted.add("job", job.pk, level)
