"""`rumbo iati --plan CODE --output FILE`: the IATI 2.03 activity file of a public plan."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from rumbo.iati.builder import plan_xml
from rumbo.iati.selectors import get_public_plan, plan_export


class Command(BaseCommand):
    help = "Write the IATI 2.03 activity file of a plan (what the public may see of it)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--plan", required=True, help="the plan's code")
        parser.add_argument("--output", "-o", required=True, help="file to write ('-': stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["plan"]
        try:
            plan = get_public_plan(code)
        except Http404:
            raise CommandError(f"No public plan with code {code!r}.", returncode=2) from None
        data = plan_xml(plan_export(plan))
        if options["output"] == "-":
            sys.stdout.buffer.write(data)
            return
        target = Path(options["output"])
        # Written beside the target and renamed: a run that fails leaves no half-written file.
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self.stderr.write(f"Wrote the IATI file of {plan.code} to {target}")
