from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand

from rumbo.tracking import uploads


class Command(BaseCommand):
    help = "Delete matrix import previews (and their uploaded workbooks) older than N days."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=14)

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = uploads.clean_imports(older_than=dt.timedelta(days=options["days"]))
        self.stdout.write(f"Deleted {deleted} import previews older than {options['days']} days.")
