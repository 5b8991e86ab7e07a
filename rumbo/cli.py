"""The `rumbo` command.

rumbo demo                      migrate, load the real RCM data, create demo accounts
rumbo export-plans [--as USER] [--plan CODE ...] [--output FILE]
                                plans as JSON, as USER may see them (default: the public)
rumbo estimate run|calibrate|bands MODEL.xmile ...
                                the labour-demand model: one run, a fit to observed
                                series, Monte Carlo bands (docs/labour-demand.md)
rumbo iati --plan CODE --output FILE
                                a public plan's activities as an IATI 2.03 activity file
rumbo report KIND [--plan CODE] [--body CODE] [--country ISO3] [--period YYYY-H1|YYYY-H2|YYYY]
             --lang es|en --format docx|pdf|xlsx [--as USER] --output FILE
                                a report (plan, country, working-group, semiannual, ppt-annual,
                                meeting-pack) as USER may see it (default: the public)
rumbo <any manage.py command>   e.g. rumbo migrate, rumbo runserver, rumbo createsuperuser
"""

from __future__ import annotations

import os
import sys

ALIASES = {"export-plans": "export_plans", "serve": "runserver"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rumbo.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        print(__doc__.strip())
        return
    from django.core.management import execute_from_command_line

    args[0] = ALIASES.get(args[0], args[0])
    execute_from_command_line(["rumbo", *args])


if __name__ == "__main__":
    main()
