"""What the feeds and the digest show of the apps that exist: meetings in the calendar feeds;
in the digest, the home page's sections of what a person has to act on (values due from their
country for the period just ended, values waiting for the secretariat's review, concept notes
waiting for a decision, their notes returned with comments, overdue activities of their
country and working groups). Other apps register their own sources the same way."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any

from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from rumbo.core.i18n import field_values, pick
from rumbo.core.visibility import Visibility, clearance_of
from rumbo.indicators import home as indicators_home
from rumbo.meetings.models import Meeting, Precision
from rumbo.meetings.selectors import meetings_for
from rumbo.organisations.models import User
from rumbo.organisations.selectors import bodies_for, organisations_for, working_groups_for
from rumbo.plans.extensions import HomeSection
from rumbo.plans.models.activity import is_overdue, overdue_q
from rumbo.plans.selectors import activities_queryset, parties_for
from rumbo.tracking import home as tracking_home
from rumbo.tracking.models import ConceptNote

from .calendar import CalendarEntry, add_calendar_source
from .digest import (
    DigestItem,
    add_digest_source,
    by_viewer,
    country_key,
    language_of,
    role_key,
    viewer_key,
)
from .sources_obligations import obligation_entries, obligations_owed

# As many as the home page lists; beyond that, a link to the full list.
SHOWN = 10

# --- Meetings in the feeds ----------------------------------------------------------------

DAY = Precision.DAY
STATUS: dict[str, str] = {
    Meeting.Status.PROPOSED: "TENTATIVE",
    Meeting.Status.PLANNED: "CONFIRMED",
    Meeting.Status.HELD: "CONFIRMED",
    Meeting.Status.CANCELLED: "CANCELLED",
}


def _text(obj: Any, field: str) -> str:
    return pick(field_values(obj, field))[0]


def _short(obj: Any, field: str, chars: int) -> str:
    return Truncator(_text(obj, field)).chars(chars)


def meeting_entries(user: Any, body: Any = None) -> Iterable[CalendarEntry]:
    """The meetings `user` may see (of `body` only), as all-day events. A meeting known only
    by its month or year ("July 2018") is left out: a feed has no way to say "some day in
    July", and a made-up day would be a date nobody gave. A last day given only by month is
    read as the first day."""
    meetings = meetings_for(user).filter(start_date__isnull=False, start_precision=DAY)
    if body is not None:
        meetings = meetings.filter(body=body)
    for meeting in meetings.order_by("start_date", "pk"):
        start = meeting.start_date
        if start is None:  # filtered above
            continue
        last = meeting.end_date if meeting.end_date and meeting.end_precision == DAY else start
        parts = [str(meeting.get_kind_display())]
        if meeting.body is not None:  # loaded through the bodies' reader
            parts.append(_text(meeting.body, "name"))
        if meeting.modality:
            parts.append(str(meeting.get_modality_display()))
        yield CalendarEntry(
            uid=f"meeting-{meeting.pk}@rumbo",
            title=_text(meeting, "title"),
            start=start,
            end=max(last, start) + dt.timedelta(days=1),
            url=reverse("meeting_detail", kwargs={"pk": meeting.pk}),
            description=" · ".join(parts),
            location=_text(meeting, "place"),
            status=STATUS.get(meeting.status, ""),
            stamp=meeting.updated_at,
            sequence=meeting.version,
        )


# --- The digest ---------------------------------------------------------------------------


def from_home_section(
    section: Callable[[Any], HomeSection | None],
    key: Callable[[Any], tuple[Any, ...]] = viewer_key,
) -> Any:
    """A digest source made of a home page section: computed once per group of people who
    see the same (`digest.by_viewer`), in their language, with the section's own readers and
    rules, so that the digest says what the home page says."""

    def provider(users: Sequence[Any], today: dt.date) -> dict[int, list[DigestItem]]:
        out: dict[int, list[DigestItem]] = {}
        for group, members in by_viewer(users, key).items():
            with translation.override(group[-1]):
                found = section(members[0])
                if found is None or not found.items:
                    continue
                items = [
                    DigestItem(found.title, item.label, item.url, item.detail, item.when)
                    for item in found.items
                ]
                if found.more_url:
                    items.append(
                        DigestItem(found.title, _("And more: see the full list"), found.more_url)
                    )
            for user in members:
                out[user.pk] = items
        return out

    return provider


def returned_notes(users: Sequence[Any], today: dt.date) -> dict[int, list[DigestItem]]:
    """Each person's concept notes returned with comments. A returned note is read only by
    its authors and the secretariat (tracking's `concept_notes_for`), so this is a person's
    own: per level of clearance, one read of the returned notes any of those people wrote,
    and one of who wrote which."""
    out: dict[int, list[DigestItem]] = {}
    levels: dict[int, list[Any]] = defaultdict(list)
    for user in users:
        levels[clearance_of(user)].append(user)
    for members in levels.values():
        people = {user.pk: user for user in members}
        # concept_notes_for's rule for a returned note: at or below the viewer's level, and
        # written by them (one reader per person would be one set of queries per person).
        notes = (
            ConceptNote.objects.visible_to(members[0])
            .filter(status=ConceptNote.Status.RETURNED, authors__in=list(people))
            .select_related("activity__plan")
            .order_by("-decided_at", "-pk")
        )
        pairs = list(notes.values_list("pk", "authors"))
        if not pairs:
            continue
        by_pk = {note.pk: note for note in notes.distinct()}
        for pk, author in pairs:
            note, person = by_pk[pk], people.get(author)
            if person is None:  # a co-author who is not among these people
                continue
            with translation.override(language_of(person)):
                out.setdefault(author, []).append(
                    DigestItem(
                        _("Your concept notes returned with comments"),
                        f"{note.activity.code} {_short(note.activity, 'title', 140)}",
                        reverse("concept_note_edit", kwargs={"pk": note.activity_id}),
                        _short(note, "review_comments", 200),
                        note.decided_at,
                    )
                )
    return out


def overdue_activities(users: Sequence[Any], today: dt.date) -> dict[int, list[DigestItem]]:
    """Open activities past their end whose working group is one of the person's, or where
    their organisation is a responsible party: the home page's overdue section
    (plans.home.overdue_section), read once per level of clearance for everyone, then shared
    out by organisation and working group."""
    out: dict[int, list[DigestItem]] = {}
    levels: dict[int, list[Any]] = defaultdict(list)
    for user in users:
        levels[clearance_of(user)].append(user)
    for clearance, members in levels.items():
        viewer = members[0]
        orgs = {u.organisation_id for u in members if u.organisation_id is not None}
        groups = set(
            working_groups_for(viewer)
            .filter(pk__in={g.pk for u in members for g in u.working_groups.all()})
            .values_list("pk", flat=True)
        )
        late = overdue_q(today)
        if clearance < Visibility.MEMBERS:
            # As on the home page: a restricted concept note may have moved the end date; the
            # date as read at this level is checked again below.
            late |= Q(note_visibility__gt=clearance)
        parties = parties_for(viewer).filter(organisation__in=orgs)
        activities = list(
            activities_queryset(viewer)
            .filter(Q(working_group__in=groups) | Q(pk__in=parties.values("activity")))
            .filter(late)
            .select_related("plan")  # an activity is never more visible than its plan
            .prefetch_related(Prefetch("working_group", queryset=bodies_for(viewer)))
            .order_by("-end_date", "plan__code", "code", "pk")
        )
        activities = [a for a in activities if is_overdue(a, today) and a.end_date]
        activities.sort(key=lambda a: a.end_date or today, reverse=True)
        by_org: dict[int, set[int]] = defaultdict(set)
        for activity_id, org_id in parties.filter(
            activity__in=[a.pk for a in activities]
        ).values_list("activity_id", "organisation_id"):
            by_org[org_id].add(activity_id)
        by_group: dict[int, set[int]] = defaultdict(set)
        for activity in activities:
            if activity.working_group_id in groups:
                by_group[activity.working_group_id].add(activity.pk)
        codes = dict(organisations_for(viewer).filter(pk__in=orgs).values_list("pk", "code"))
        lines: dict[tuple[str, int], DigestItem] = {}  # each activity's line, per language
        for user in members:
            mine = set(by_org.get(user.organisation_id, ()))
            for group in user.working_groups.all():
                mine |= by_group.get(group.pk, set())
            if not mine:
                continue
            listed = [a for a in activities if a.pk in mine]
            with translation.override(language_of(user)):
                out[user.pk] = _overdue_items(user, listed, codes.get(user.organisation_id), lines)
    return out


def _overdue_line(title: str, act: Any) -> DigestItem:
    return DigestItem(
        title,
        f"{act.code} {_short(act, 'title', 140)}",
        reverse("activity_detail", kwargs={"pk": act.pk}),
        " · ".join(
            part
            for part in (
                _("due %(date)s") % {"date": act.end_label},
                act.plan.code,
                _short(act.working_group, "name", 140) if act.working_group else "",
            )
            if part
        ),
    )


def _overdue_items(
    user: Any, listed: list[Any], country: str | None, lines: dict[tuple[str, int], DigestItem]
) -> list[DigestItem]:
    title = (
        _("Overdue activities of your country and working groups")
        if user.role in User.MEMBER_COUNTRY_ROLES
        else _("Overdue activities of your organisation and working groups")
    )
    lang = translation.get_language()
    items = []
    for act in listed[:SHOWN]:
        line = lines.get((lang, act.pk))
        if line is None:
            line = lines[(lang, act.pk)] = _overdue_line(title, act)
        # The heading differs by role; the line itself is the same for everyone.
        items.append(line if line.section == title else replace(line, section=title))
    if len(listed) > SHOWN and country:
        more = f"{reverse('matrix')}?{urlencode({'overdue': '1', 'country': country})}"
        items.append(DigestItem(title, _("And more: see the full list"), more))
    return items


def register() -> None:
    add_calendar_source("meetings", meeting_entries)
    add_calendar_source("obligations", obligation_entries)
    add_digest_source("obligations", obligations_owed)
    add_digest_source(
        "concept notes waiting", from_home_section(tracking_home.notes_waiting_section, role_key)
    )
    add_digest_source("concept notes returned", returned_notes)
    add_digest_source(
        "values waiting", from_home_section(indicators_home.values_waiting_section, role_key)
    )
    add_digest_source("overdue activities", overdue_activities)
    add_digest_source(
        "values due", from_home_section(indicators_home.values_due_section, country_key)
    )
