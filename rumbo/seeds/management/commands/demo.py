from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from rumbo.pledges.demo import ensure_demo_pledges
from rumbo.seeds.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, ensure_demo_accounts
from rumbo.seeds.loader import SeedError, load_seeds


class Command(BaseCommand):
    help = "Load the real RCM data that ships with Rumbo and create one demo account per role."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-accounts", action="store_true", help="only load the data")
        parser.add_argument("--no-migrate", action="store_true", help="do not migrate first")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_migrate"]:
            call_command("migrate", verbosity=0, interactive=False)
        try:
            report = load_seeds()
        except SeedError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Data: {len(report.plans)} plans ({report.summary()}).")
        if options["no_accounts"]:
            return
        accounts = ensure_demo_accounts()
        self.stdout.write(f"Demo accounts (password for new ones: {DEMO_PASSWORD}):")
        for account, created in accounts:
            note = "" if created else "  (already existed; password unchanged)"
            self.stdout.write(
                f"  {account.username:<12} {account.role:<14} {account.organisation}{note}"
            )
        added = ensure_demo_pledges(DEMO_ACCOUNTS[0].username)  # the secretariat's account
        self.stdout.write(f"Demo pledges added: {added}.")
