"""What a report is asked for: its kind and scope (plan, body, country, period), checked
before anything is read. A wrong request is one `ReportError` with a sentence a person can act
on; the command line prints it and exits with status 2."""

from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = ("plan", "country", "working-group", "semiannual", "ppt-annual", "meeting-pack")
FORMATS = ("docx", "pdf", "xlsx")
LANGS = ("es", "en")
PERIOD = re.compile(r"^(?P<year>\d{4})(?:-H(?P<half>[12]))?$")


class ReportError(ValueError):
    """A report that cannot be built as asked (the message says why, in one line)."""


@dataclass(frozen=True)
class Period:
    year: int
    half: int | None = None  # 1 or 2; None for the whole year

    @property
    def code(self) -> str:
        return f"{self.year}-H{self.half}" if self.half else str(self.year)


@dataclass(frozen=True)
class ReportParams:
    plan: str = ""
    body: str = ""
    country: str = ""
    period: Period | None = None


def parse_period(raw: str) -> Period:
    match = PERIOD.match(raw.strip())
    if not match or not 1990 <= int(match["year"]) <= 2100:
        raise ReportError(f"period {raw!r} is not YYYY, YYYY-H1 or YYYY-H2")
    half = int(match["half"]) if match["half"] else None
    return Period(int(match["year"]), half)


# What each kind needs: the parameter that must be given.
REQUIRED = {
    "plan": ("plan",),
    "country": ("country",),
    "working-group": ("body",),
    "semiannual": ("period",),
    "ppt-annual": ("period",),
    "meeting-pack": ("body",),
}


def check(kind: str, params: ReportParams, lang: str, fmt: str | None = None) -> None:
    """Refuses what no report can be built from (before any record is read)."""
    if kind not in KINDS:
        raise ReportError(f"unknown report kind {kind!r}; one of: {', '.join(KINDS)}")
    if lang not in LANGS:
        raise ReportError(f"unknown language {lang!r}; one of: {', '.join(LANGS)}")
    if fmt is not None and fmt not in FORMATS:
        raise ReportError(f"unknown format {fmt!r}; one of: {', '.join(FORMATS)}")
    for name in REQUIRED[kind]:
        if not getattr(params, name):
            raise ReportError(f"a {kind} report needs --{name}")
    if kind == "semiannual" and params.period and params.period.half is None:
        raise ReportError("a semiannual report needs a semester: --period YYYY-H1 or YYYY-H2")
