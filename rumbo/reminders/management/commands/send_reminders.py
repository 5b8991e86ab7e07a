"""`rumbo send_reminders`: send today's email digests now, or hand them to the task queue."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from rumbo.reminders.tasks import send_reminders


class Command(BaseCommand):
    help = (
        "Send each person a digest of what they owe soon and what is late (once a day: "
        "those already sent today's digest are skipped). Run it daily from cron."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand the run to the task queue (rumbo db_worker) instead of running it here.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = send_reminders.enqueue()
            self.stdout.write(f"enqueued: {result.id}")
            return
        counts = send_reminders.call()
        self.stdout.write(", ".join(f"{name} {n}" for name, n in counts.items()))
