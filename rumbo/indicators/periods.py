"""Reporting periods, named by a short code that sorts and reads the same in both languages.

``2024`` (a year), ``2024-S1`` (a semester), ``2024-Q3`` (a quarter) and ``plan`` (the whole
plan, for targets). Values are reported for one period of an indicator's frequency; targets
may be set for any period containing those (a year's target over quarterly values)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Literal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

Kind = Literal["year", "semester", "quarter", "plan"]

WHOLE_PLAN = "plan"
_CODE = re.compile(r"^(?P<year>\d{4})(?:-(?P<kind>[SQ])(?P<n>\d))?$")
# Months in one period of each kind.
_MONTHS = {"year": 12, "semester": 6, "quarter": 3}

FREQUENCIES = [
    ("quarter", gettext_lazy("Quarterly")),
    ("semester", gettext_lazy("Every six months")),
    ("year", gettext_lazy("Yearly")),
]


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Period:
    """One reporting period. Ordering is by start, then the longer period first."""

    start: dt.date
    months: int
    kind: Kind
    year: int
    n: int  # 1-4 for a quarter, 1-2 for a semester, 1 for a year; 0 for the whole plan

    @cached_property  # read thousands of times by a dashboard; a period never changes
    def code(self) -> str:
        if self.kind == "plan":
            return WHOLE_PLAN
        if self.kind == "year":
            return str(self.year)
        return f"{self.year}-{'S' if self.kind == 'semester' else 'Q'}{self.n}"

    @property
    def end(self) -> dt.date:
        """The last day of the period."""
        month = self.start.month - 1 + self.months
        first_after = dt.date(self.start.year + month // 12, month % 12 + 1, 1)
        return first_after - dt.timedelta(days=1)

    def label(self) -> str:
        """As a person writes it, in the active language: "T3 2024" / "Q3 2024"."""
        if self.kind == "plan":
            return _("Whole plan")
        if self.kind == "year":
            return str(self.year)
        if self.kind == "semester":
            return _("S%(n)s %(year)s") % {"n": self.n, "year": self.year}
        return _("Q%(n)s %(year)s") % {"n": self.n, "year": self.year}

    def contains(self, other: Period) -> bool:
        if self.kind == "plan":
            return True
        return self.start <= other.start and other.end <= self.end

    def __str__(self) -> str:
        return self.code


def parse(code: str, *, plan_years: tuple[int, int] | None = None) -> Period:
    """The period a code names; `plan_years` gives the whole plan its span."""
    code = (code or "").strip().upper()
    if code == WHOLE_PLAN.upper():
        first, last = plan_years or (1, 1)
        return Period(dt.date(first, 1, 1), 12 * (last - first + 1), "plan", first, 0)
    m = _CODE.match(code)
    if not m or int(m["year"]) < 1:
        raise PeriodError(
            _("“%(code)s” is not a period: write 2024, 2024-S1 or 2024-Q3.") % {"code": code}
        )
    year = int(m["year"])
    if m["kind"] is None:
        return Period(dt.date(year, 1, 1), 12, "year", year, 1)
    n = int(m["n"])
    kind: Kind = "semester" if m["kind"] == "S" else "quarter"
    count = 12 // _MONTHS[kind]
    if not 1 <= n <= count:
        raise PeriodError(
            _("“%(code)s” is not a period: write 2024, 2024-S1 or 2024-Q3.") % {"code": code}
        )
    months = _MONTHS[kind]
    return Period(dt.date(year, 1 + (n - 1) * months, 1), months, kind, year, n)


def of_date(day: dt.date, kind: str) -> Period:
    """The period of `kind` (year, semester, quarter) a day falls in."""
    if kind not in _MONTHS:
        raise PeriodError(kind)
    if kind == "year":
        return parse(str(day.year))
    months = _MONTHS[kind]
    n = (day.month - 1) // months + 1
    return parse(f"{day.year}-{'S' if kind == 'semester' else 'Q'}{n}")


def periods_between(first_year: int, last_year: int, kind: str) -> list[Period]:
    """Every period of `kind` (year, semester, quarter, plan) from the first year to the
    last, in order."""
    return list(_between(first_year, last_year, kind))


@lru_cache(maxsize=256)
def _between(first_year: int, last_year: int, kind: str) -> tuple[Period, ...]:
    """Worked out once per span and kind: an overview of hundreds of indicators asks for the
    same few spans again and again (periods are immutable)."""
    if kind not in ("year", "semester", "quarter", "plan"):
        raise PeriodError(kind)
    if kind == "plan":
        return (parse(WHOLE_PLAN, plan_years=(first_year, last_year)),)
    out: list[Period] = []
    for year in range(first_year, last_year + 1):
        if kind == "year":
            out.append(parse(str(year)))
        else:
            letter = "S" if kind == "semester" else "Q"
            out.extend(parse(f"{year}-{letter}{n}") for n in range(1, 12 // _MONTHS[kind] + 1))
    return tuple(out)


def sort_key(code: str) -> tuple[dt.date, int]:
    """Orders codes of mixed kinds: by start, then the longer period first."""
    p = parse(code, plan_years=(1, 1)) if code != WHOLE_PLAN else None
    if p is None:
        return (dt.date(9999, 12, 31), 0)
    return (p.start, -p.months)
