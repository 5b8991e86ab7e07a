"""The rounds of pledge follow-up: the UN Network's work plan 2023–2024, activity 1.3, monitors
pledges quarterly in “April, June, September, December”. A round is due at the end of its
month. Plain date arithmetic, no database."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

ROUND_MONTHS = (4, 6, 9, 12)


@dataclass(frozen=True, order=True)
class Round:
    year: int
    month: int

    @property
    def due(self) -> dt.date:
        """The last day of the round's month."""
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def slug(self) -> str:
        """As URLs write it: "2024-06"."""
        return f"{self.year}-{self.month:02d}"

    def next(self) -> Round:
        later = [m for m in ROUND_MONTHS if m > self.month]
        return Round(self.year, later[0]) if later else Round(self.year + 1, ROUND_MONTHS[0])


def is_round(year: int, month: int) -> bool:
    return month in ROUND_MONTHS and 1900 <= year <= 2200


def round_of(day: dt.date) -> Round:
    """The first round due on or after `day` (the one a report made that day counts for)."""
    later = [m for m in ROUND_MONTHS if m >= day.month]
    return Round(day.year, later[0]) if later else Round(day.year + 1, ROUND_MONTHS[0])


def rounds_of_year(year: int) -> list[Round]:
    return [Round(year, m) for m in ROUND_MONTHS]


def rounds_between(first: dt.date, last: dt.date) -> list[Round]:
    """The rounds from the one due on or after `first` to the one due on or after `last`."""
    out: list[Round] = []
    current, end = round_of(first), round_of(last)
    while current <= end:
        out.append(current)
        current = current.next()
    return out


# What a round is for one pledge, as the pledge's page and the calendar show it.
DONE, DUE, LATE = "done", "due", "late"
STATE_LABELS = {DONE: _("Done"), DUE: _("Due"), LATE: _("Late")}


def round_state(rnd: Round, reported: bool, today: dt.date) -> str:
    if reported:
        return DONE
    return LATE if rnd.due < today else DUE
