"""`rumbo report KIND [--plan CODE] [--body CODE] [--country ISO3] [--period P] --lang es|en
--format docx|pdf|xlsx [--as USER] --output FILE`: a report as USER may see it (the public
without --as). A request that cannot be met is one line on stderr and exit status 2, with no
file written."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandParser

from rumbo.reports.builders import build
from rumbo.reports.params import FORMATS, KINDS, LANGS, ReportError, ReportParams, parse_period
from rumbo.reports.render import render
from rumbo.reports.selectors import active_user_named


class Command(BaseCommand):
    help = "Write a report (Word, PDF or Excel) as a user may see it (default: the public)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help=f"one of: {', '.join(KINDS)}")
        parser.add_argument("--plan", default="", help="plan code")
        parser.add_argument("--body", default="", help="body code (working group, PPT...)")
        parser.add_argument("--country", default="", help="member country (ISO 3166-1 alpha-3)")
        parser.add_argument("--period", default="", help="YYYY, YYYY-H1 or YYYY-H2")
        parser.add_argument("--lang", default="es", help="es or en")
        parser.add_argument("--format", dest="fmt", default="", help="docx, pdf or xlsx")
        parser.add_argument("--as", dest="username", default="", help="build as this user sees")
        parser.add_argument("--output", "-o", default="", help="file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            written = self.write(options)
        except ReportError as error:
            self.stderr.write(f"report: {error}")
            sys.exit(2)
        self.stderr.write(f"Wrote {written}")

    def write(self, options: dict[str, Any]) -> Path:
        fmt, lang = options["fmt"], options["lang"]
        if fmt not in FORMATS:
            raise ReportError(f"--format must be one of: {', '.join(FORMATS)}")
        if lang not in LANGS:
            raise ReportError(f"--lang must be one of: {', '.join(LANGS)}")
        if not options["output"]:
            raise ReportError("--output FILE is required")
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise ReportError(f"no folder {str(output.parent)!r} to write {output.name!r} in")
        reader: Any = AnonymousUser()
        if options["username"]:
            reader = active_user_named(options["username"])
            if reader is None:
                raise ReportError(f"no active user named {options['username']!r}")
        params = ReportParams(
            plan=options["plan"],
            body=options["body"],
            country=options["country"].upper(),
            period=parse_period(options["period"]) if options["period"] else None,
        )
        content = build(options["kind"], params, reader, lang)
        return render(content, fmt, output)
