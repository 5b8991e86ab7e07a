"""Calendar feeds: a small registry of sources of entries, and the iCalendar text.

Another app adds its dated records to every feed with `add_calendar_source(name, provider)`;
`provider(user, body=None)` returns the entries `user` may see now (of `body` only when one is
given), read through that app's readers, in the active language. Meetings are the first source
(see sources.py).

A date is given as the source gives it: an entry has a day (an all-day event) or a moment; a
record known only by month or year is left out by its provider, never put on a made-up day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from icalendar import Calendar, Event

PRODID = "-//Rumbo//Rumbo calendar//ES"


@dataclass(frozen=True)
class CalendarEntry:
    """One event of a feed. `uid` is stable for the record (the same in every feed and every
    download), `end` is exclusive (the day after the last day, for an all-day event), `url` a
    path of this site, `stamp` when the record last changed and `sequence` its version."""

    uid: str
    title: str
    start: dt.date | dt.datetime
    end: dt.date | dt.datetime | None = None
    url: str = ""
    description: str = ""
    location: str = ""
    status: str = ""  # CONFIRMED, TENTATIVE or CANCELLED (RFC 5545), or unknown
    stamp: dt.datetime | None = None
    sequence: int = 0


CalendarProvider = Callable[..., Iterable[CalendarEntry]]

_sources: dict[str, CalendarProvider] = {}


def add_calendar_source(name: str, provider: CalendarProvider) -> None:
    """Register `provider(user, body=None) -> Iterable[CalendarEntry]`; registering a name
    again replaces it. A provider reads through the readers and runs a fixed number of
    queries, whatever the amount of data."""
    _sources[name] = provider


def calendar_entries(user: Any, body: Any = None) -> list[CalendarEntry]:
    """Every registered source's entries for `user` (of `body` only), by date."""
    entries = [entry for provider in _sources.values() for entry in provider(user, body=body)]
    return sorted(entries, key=lambda e: (_sort_key(e.start), e.uid))


def _sort_key(when: dt.date | dt.datetime) -> tuple[dt.date, str]:
    if isinstance(when, dt.datetime):
        return when.date(), when.isoformat()
    return when, ""


# When a record does not say when it last changed (RFC 5545 wants a DTSTAMP): a fixed moment,
# so that the same feed read twice is the same text.
_NO_STAMP = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def to_ical(entries: Iterable[CalendarEntry], *, name: str, site: str) -> bytes:
    """The iCalendar text of `entries`; `site` ("https://host") makes their paths absolute."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for entry in entries:
        event = Event()
        event.add("uid", entry.uid)
        event.add("summary", entry.title)
        event.add("dtstart", entry.start)
        if entry.end is not None:
            event.add("dtend", entry.end)
        stamp = entry.stamp.astimezone(dt.UTC) if entry.stamp else _NO_STAMP
        event.add("dtstamp", stamp)
        event.add("sequence", entry.sequence)
        if entry.url:
            event.add("url", site.rstrip("/") + entry.url)
        if entry.description:
            event.add("description", entry.description)
        if entry.location:
            event.add("location", entry.location)
        if entry.status:
            event.add("status", entry.status)
        cal.add_component(event)
    return bytes(cal.to_ical())
