from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from rumbo.tracking.models import ImportSession


class Command(BaseCommand):
    help = "Delete matrix import previews (and their uploaded workbooks) older than N days."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=14)

    def handle(self, *args: Any, **options: Any) -> None:
        cutoff = timezone.now() - dt.timedelta(days=options["days"])
        old = list(ImportSession.objects.filter(created_at__lt=cutoff))
        for session in old:
            if session.upload:
                session.upload.delete(save=False)
            session.delete()
        self.stdout.write(f"Deleted {len(old)} import previews older than {options['days']} days.")
