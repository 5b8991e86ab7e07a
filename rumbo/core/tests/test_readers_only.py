"""Views, the API, forms, filters, imports and exports read records only through the readers
(`<kind>s_for(user)`, `get_<kind>_for(user, …)` in each app's selectors): they never touch
`Model.objects`, where the visibility rule would have to be remembered at each call site."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Modules that adapt a request, a form, a file or a command to the domain.
ADAPTERS = [
    "*/views*.py",
    "*/forms.py",
    "api/*.py",
    "tracking/xlsx/*.py",
    "indicators/xlsx/*.py",
    "*/dashboards*.py",
    "*/templatetags/*.py",
    "*/management/commands/*.py",
]
DIRECT = re.compile(r"\b[A-Z]\w*\.(objects|_default_manager)\b(?!\.none\(\))")


def test_adapters_read_through_the_readers_only():
    offending = []
    for pattern in ADAPTERS:
        for path in sorted(ROOT.glob(pattern)):
            for n, line in enumerate(path.read_text().splitlines(), start=1):
                if DIRECT.search(line) and not line.lstrip().startswith("#"):
                    offending.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not offending, "read through a selector instead:\n" + "\n".join(offending)
