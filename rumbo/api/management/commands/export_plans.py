from __future__ import annotations

import json
import sys
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from rumbo.api.exporting import export_plans


class Command(BaseCommand):
    help = "Export plans as JSON, showing only what the given user may see (default: public)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--as", dest="username", help="export as this user sees it")
        parser.add_argument("--plan", action="append", dest="plans", help="plan code (repeat)")
        parser.add_argument("--output", "-o", default="-", help="file to write (default: stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        user: Any = AnonymousUser()
        if options["username"]:
            try:
                user = get_user_model().objects.get(username=options["username"])
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user named {options['username']!r}.") from None
        data = export_plans(user, options["plans"])
        if options["plans"]:
            missing = set(options["plans"]) - {p["code"] for p in data["plans"]}
            if missing:
                raise CommandError(f"No plan visible with code(s): {', '.join(sorted(missing))}")
        text = json.dumps(data, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder)
        if options["output"] == "-":
            sys.stdout.write(text + "\n")
        else:
            with open(options["output"], "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
            self.stderr.write(f"Wrote {len(data['plans'])} plans to {options['output']}")
