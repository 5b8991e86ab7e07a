"""The task that runs a job (see running.py). In production it runs in `rumbo db_worker`, a
process of its own; `make run` starts one beside the web server."""

from __future__ import annotations

from django_tasks import task

from .running import execute


@task()
def run_job(job_id: int, attempt: int) -> dict[str, object]:
    return execute(job_id, attempt).as_dict()
