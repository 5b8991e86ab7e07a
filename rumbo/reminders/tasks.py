"""The daily digest as a background task. django-tasks has no periodic tasks: run
`rumbo send_reminders` once a day from cron (it sends at once), or `rumbo send_reminders
--enqueue` to hand the run to the task queue's worker (`rumbo db_worker`). A second run on the
same day sends nothing to those already sent their digest."""

from __future__ import annotations

from dataclasses import asdict

from django_tasks import task

from .services import digests_send


@task()
def send_reminders() -> dict[str, int]:
    return asdict(digests_send())
