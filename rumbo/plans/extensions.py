"""What other apps add to plans, so that plans never import them.

Follow-up (rumbo.tracking) registers here when the app is ready:
- what the activity page shows of an activity's concept note and progress (each provider's
  context is merged into the page's);
- when an activity may start: with an approved concept note (2023–2026 Strategic Plan,
  "Responsabilidades"). Without any such rule registered, only the secretariat, saying why,
  may start an activity.
- sections of the home page (see add_home_section) and the pages its records' changes link
  to (see add_record_links).
Plans thus stay usable, and testable, without follow-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from .models import Activity

ActivityContext = Callable[[Any, Activity], dict[str, Any]]

_activity_context: dict[str, ActivityContext] = {}


def add_activity_context(name: str, provider: ActivityContext) -> None:
    """Register `provider(user, activity)`; registering a name again replaces it."""
    _activity_context[name] = provider


def activity_context(user: Any, activity: Activity) -> dict[str, Any]:
    """Everything the registered providers add to the page of `activity` for `user`."""
    out: dict[str, Any] = {}
    for provider in _activity_context.values():
        out.update(provider(user, activity))
    return out


StartPermit = Callable[[Activity], bool]

_start_permits: dict[str, StartPermit] = {}


def add_start_permit(name: str, permit: StartPermit) -> None:
    """Register `permit(activity)`: True when the activity may start (be in progress or
    finished) without the secretariat's reason; registering a name again replaces it."""
    _start_permits[name] = permit


def may_start(activity: Activity) -> bool:
    return any(permit(activity) for permit in _start_permits.values())


# The home page: each person's own work, in sections other apps add (follow-up adds the
# concept notes waiting for a decision or for changes; an evaluation app, the values due).


@dataclass
class HomeItem:
    """One thing to act on: a link, a line saying why, and when (a day, or a moment)."""

    label: str
    url: str
    detail: str = ""
    when: date | datetime | None = None

    @property
    def has_time(self) -> bool:
        return isinstance(self.when, datetime)


@dataclass
class HomeSection:
    """A section of a person's home page. With no items it shows `empty_text` (a provider
    returns None instead when the section means nothing for that person's role)."""

    title: str
    items: list[HomeItem]
    empty_text: str = ""
    more_url: str = ""


HomeProvider = Callable[[Any], HomeSection | None]

_home_sections: dict[str, tuple[int, HomeProvider]] = {}


def add_home_section(name: str, provider: HomeProvider, order: int = 100) -> None:
    """Register `provider(user)`, shown in ascending `order`; registering a name again
    replaces it. A provider reads through the readers (`<kind>s_for(user)`) and runs a fixed
    number of queries, whatever the amount of data."""
    _home_sections[name] = (order, provider)


def home_sections(user: Any) -> list[HomeSection]:
    """The sections that mean something for `user`, in order."""
    ordered = sorted(_home_sections.items(), key=lambda entry: (entry[1][0], entry[0]))
    sections = (provider(user) for _name, (_order, provider) in ordered)
    return [section for section in sections if section is not None]


# What a change in the audit log links to: for each kind of record (`app_label.model`), a
# reader that, given record ids, returns the ones the viewer may see now, each with its name
# and page. A kind nobody registered is not listed among the changes since a last visit.
RecordLinks = Callable[[Any, list[str]], dict[str, tuple[str, str]]]

_record_links: dict[str, RecordLinks] = {}


def add_record_links(model: str, reader: RecordLinks) -> None:
    """Register `reader(user, ids) -> {id: (name, url)}` for records of `model`
    ("app_label.model_name", lower case); registering a model again replaces it."""
    _record_links[model.lower()] = reader


def record_links() -> dict[str, RecordLinks]:
    return dict(_record_links)
