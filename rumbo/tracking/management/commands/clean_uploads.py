from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from rumbo.tracking import uploads
from rumbo.tracking.tasks import schedule_cleaning


class Command(BaseCommand):
    help = (
        "Delete abandoned uploads: import previews older than 14 days with their workbooks, "
        "and files that no record points at (older than an hour). With --schedule, start the "
        "task that does it every hour on the task queue instead."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="enqueue the hourly cleaning task (nothing if it is already queued)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            if schedule_cleaning():
                self.stdout.write("Scheduled the cleaning of abandoned uploads.")
            else:
                self.stdout.write(
                    "Nothing scheduled: a cleaning is already queued, or the task backend "
                    "cannot defer tasks (then run this command from cron)."
                )
            return
        cleaned = uploads.clean_abandoned_uploads()
        self.stdout.write(
            f"Deleted {cleaned.imports} import previews and {cleaned.orphans} orphan files."
        )
