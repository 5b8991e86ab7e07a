"""The email digest's contents: a registry of batch providers of what each person owes.

`add_digest_source(name, provider)`: `provider(users, today)` returns, for the users it has
something for, `{user_id: [DigestItem, ...]}`, with texts in each person's language. It is
given all the recipients at once, so that the daily job for thousands of people runs in a
number of queries that does not grow with them: what a person sees depends on their role,
organisation, working groups and language (`viewer_key`), so a provider reads once per group
of people who see the same (`by_viewer`), and once more only for what is a person's own (the
concept notes they wrote).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class DigestItem:
    """One thing to act on, under a heading (`section`), with a path of this site."""

    section: str
    label: str
    url: str = ""
    detail: str = ""
    when: dt.date | dt.datetime | None = None


DigestProvider = Callable[[Sequence[Any], dt.date], dict[int, list[DigestItem]]]

_sources: dict[str, DigestProvider] = {}


def add_digest_source(name: str, provider: DigestProvider) -> None:
    """Register `provider(users, today) -> {user_id: [DigestItem]}`; registering a name again
    replaces it. Sources are listed in the order they were registered."""
    _sources[name] = provider


def digest_items(users: Sequence[Any], today: dt.date) -> dict[int, list[DigestItem]]:
    """Every source's items for each of `users` (only those with something to act on)."""
    out: dict[int, list[DigestItem]] = defaultdict(list)
    for provider in _sources.values():
        for user_id, items in provider(users, today).items():
            out[user_id].extend(items)
    return {user_id: items for user_id, items in out.items() if items}


def language_of(user: Any) -> str:
    """The person's preferred language, or Spanish (the process's first language)."""
    lang = getattr(user, "preferred_language", "") or "es"
    return lang if lang in dict(settings.LANGUAGES) else "es"


ViewerKey = tuple[str, bool, bool, int | None, tuple[int, ...], str]


def viewer_key(user: Any) -> ViewerKey:
    """Everything the readers and the home page's sections read of a person, except who they
    are: two people with the same key see the same records, in the same language. (The
    working groups are read from `user.working_groups.all()`: prefetch them.)"""
    return (
        user.role or "",
        bool(user.is_superuser),
        bool(user.is_staff),
        user.organisation_id,
        tuple(sorted(group.pk for group in user.working_groups.all())),
        language_of(user),
    )


def country_key(user: Any) -> tuple[Any, ...]:
    """As `viewer_key`, for what does not depend on a person's working groups (what their
    country reports)."""
    return (
        user.role or "",
        bool(user.is_superuser),
        bool(user.is_staff),
        user.organisation_id,
        language_of(user),
    )


def role_key(user: Any) -> tuple[Any, ...]:
    """As `viewer_key`, for what depends only on a person's role (the secretariat's and the
    presidency's queues)."""
    return (user.role or "", bool(user.is_superuser), bool(user.is_staff), language_of(user))


def by_viewer(
    users: Iterable[Any], key: Callable[[Any], tuple[Any, ...]] = viewer_key
) -> dict[tuple[Any, ...], list[Any]]:
    """`users` in groups of people who see the same (by `key`, whose last part is the
    language)."""
    groups: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
    for user in users:
        groups[key(user)].append(user)
    return dict(groups)
