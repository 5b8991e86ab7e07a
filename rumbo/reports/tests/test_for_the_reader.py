"""A report holds what its reader may see, never its author's view: built for the public or an
observer, no members-only canary reaches any of its files (Word, PDF, Excel), counts included;
built for a member country's focal point, the same report shows them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rumbo.reports.builders import build
from rumbo.reports.params import ReportParams, parse_period
from rumbo.reports.render import render
from tests.leaks.canaries import AUTHORS, Planted, plant_stage, tag
from tests.leaks.crawl import leaks

from .reading import file_text

pytestmark = pytest.mark.django_db

# Each kind, scoped on the canaries' records: a public plan pointing at restricted ones, the
# plan of indicators with values at every level, a public body with meetings and agreements
# at every level, a member country, and the period the canaries' work falls in.
REQUESTS: list[tuple[str, ReportParams]] = [
    ("plan", ReportParams(plan="c0-public")),
    ("plan", ReportParams(plan="c0-measured")),
    ("country", ReportParams(country="GTM")),
    ("working-group", ReportParams(body="C0-GRCM")),
    ("semiannual", ReportParams(period=parse_period("2031-H1"))),
    ("ppt-annual", ReportParams(period=parse_period("2031"))),
    ("meeting-pack", ReportParams(body="C0-GRCM")),
]
VIEWERS = [("public", 0), ("observer", 2), ("focal", 3)]


@pytest.fixture
def planted(cast: Any) -> Planted:
    found = Planted()
    for stage in range(AUTHORS + 1):
        plant_stage(stage, found, cast.secretariat)
    return found


def test_no_canary_reaches_a_reader_below_its_level_in_any_format(
    cast: Any, planted: Planted, tmp_path: Path
) -> None:
    failures: list[str] = []
    seen_by_member: set[str] = set()
    for kind, params in REQUESTS:
        for who, clearance in VIEWERS:
            lang = "en" if who == "observer" else "es"
            content = build(kind, params, getattr(cast, who), lang)
            for fmt in ("docx", "pdf", "xlsx"):
                out = render(content, fmt, tmp_path / f"{kind}-{who}.{fmt}")
                text = file_text(out)
                found = leaks(text, clearance)
                if found:
                    failures.append(f"{who} {kind} {params} {fmt}: {', '.join(found)}")
                if who == "focal" and tag(3, "") in text:
                    seen_by_member.add(f"{kind} {fmt}")
    assert not failures, "\n".join(failures)
    # The control: the same reports built for a member do show members-only content, in
    # every format.
    for fmt in ("docx", "pdf", "xlsx"):
        assert f"plan {fmt}" in seen_by_member
        assert f"working-group {fmt}" in seen_by_member
