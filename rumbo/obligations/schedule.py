"""The periods of an obligation's rule: months, quarters (or the months a source names),
semesters and years, from its start up to a horizon, each with its due date. Plain dates only:
no database, so the calendar, the freshness figure and the reminder job agree by construction."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _

MONTHLY = "monthly"
QUARTERLY = "quarterly"
SEMIANNUAL = "semiannual"
ANNUAL = "annual"


@dataclass(frozen=True)
class Period:
    """A stretch of time an occurrence covers. `code` is stable ("2024-04", "2024-Q2",
    "2024-S1", "2024", "activity-12"): fulfilments are recorded against it."""

    code: str
    start: dt.date
    end: dt.date
    kind: str

    def label(self) -> str:
        if self.kind == MONTHLY:
            return formats.date_format(self.start, "YEAR_MONTH_FORMAT")
        if self.kind == QUARTERLY:
            return _("Quarter %(n)s of %(year)s") % {
                "n": (self.start.month - 1) // 3 + 1,
                "year": self.start.year,
            }
        if self.kind == SEMIANNUAL:
            if self.start.month == 1:
                return _("First semester of %(year)s") % {"year": self.start.year}
            return _("Second semester of %(year)s") % {"year": self.start.year}
        if self.kind == ANNUAL:
            return str(self.start.year)
        return formats.date_format(self.start, "DATE_FORMAT")


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _month(year: int, month: int) -> Period:
    return Period(f"{year}-{month:02d}", dt.date(year, month, 1), month_end(year, month), MONTHLY)


def _periods_of_year(year: int, frequency: str, months: Sequence[int]) -> Iterator[Period]:
    if frequency == MONTHLY or (months and frequency == QUARTERLY):
        # Named months (the UN Network's "Abril, junio, septiembre, diciembre") are the periods.
        for month in months or range(1, 13):
            yield _month(year, month)
    elif frequency == QUARTERLY:
        for q in range(4):
            first = 3 * q + 1
            yield Period(
                f"{year}-Q{q + 1}", dt.date(year, first, 1), month_end(year, first + 2), QUARTERLY
            )
    elif frequency == SEMIANNUAL:
        yield Period(f"{year}-S1", dt.date(year, 1, 1), dt.date(year, 6, 30), SEMIANNUAL)
        yield Period(f"{year}-S2", dt.date(year, 7, 1), dt.date(year, 12, 31), SEMIANNUAL)
    elif frequency == ANNUAL:
        yield Period(str(year), dt.date(year, 1, 1), dt.date(year, 12, 31), ANNUAL)


def due_date(period: Period, *, due_from: str, grace_days: int) -> dt.date:
    """The day an occurrence is due: `grace_days` after the start or the end of its period."""
    base = period.start if due_from == "start" else period.end
    return base + dt.timedelta(days=grace_days)


def periods(
    *,
    frequency: str,
    months: Sequence[int],
    starts_on: dt.date,
    ends_on: dt.date | None,
    due_from: str,
    grace_days: int,
    horizon: dt.date,
) -> list[tuple[Period, dt.date]]:
    """Each period (with its due date) that starts on or after the month of `starts_on`,
    starts before `ends_on` (if any), and is due by `horizon`. Oldest first."""
    first = starts_on.replace(day=1)
    out: list[tuple[Period, dt.date]] = []
    for year in range(starts_on.year, horizon.year + 1):
        for period in _periods_of_year(year, frequency, months):
            if period.start < first or (ends_on is not None and period.start > ends_on):
                continue
            due = due_date(period, due_from=due_from, grace_days=grace_days)
            if due <= horizon:
                out.append((period, due))
    return out
