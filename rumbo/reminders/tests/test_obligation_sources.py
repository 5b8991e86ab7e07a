"""The calendar of obligations in the reminders: the digest lists what a person answers for
that is late or due soon (never what a lower role may not see), and the feeds carry the due
dates of what a body or a person owes."""

from __future__ import annotations

import datetime as dt

import pytest

from rumbo.core.visibility import Visibility
from rumbo.reminders.calendar import calendar_entries
from rumbo.reminders.sources_obligations import obligations_owed
from rumbo.testing.factories import BodyFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2024, 12, 31)


def people(*users):
    return list(
        type(users[0])
        .objects.filter(pk__in=[u.pk for u in users])
        .prefetch_related("working_groups")
    )


@pytest.mark.parametrize(
    ("lang", "section", "late", "due"),
    [("es", "Lo que debo", "Atrasado", "Por vencer"), ("en", "What I owe", "Late", "Due")],
)
def test_the_secretariat_is_reminded_of_its_semi_annual_report(cast, lang, section, late, due):
    cast.secretariat.preferred_language = lang
    cast.secretariat.save(update_fields=["preferred_language"])
    items = obligations_owed(people(cast.secretariat), TODAY)[cast.secretariat.pk]
    lines = [(i.section, i.label, i.detail) for i in items]
    assert any(
        "semestral" in label.lower() or "semi-annual" in label.lower() for _s, label, _d in lines
    ), lines
    assert all(s == section for s, _l, _d in lines), lines
    assert all(d.endswith((late, due)) for _s, _l, d in lines), lines
    assert all(f"/{lang}/obligations/" in i.url for i in items)


def test_a_person_who_answers_for_nothing_gets_nothing(cast):
    assert cast.public.pk is None or cast.public.pk not in obligations_owed([], TODAY)
    assert obligations_owed(people(cast.civil), TODAY).get(cast.civil.pk) in (None, [])


def test_a_closed_groups_obligations_reach_only_people_who_may_see_them(cast, orgs):
    closed = BodyFactory(
        code="WG-SECRET",
        kind="working_group",
        name_es="CANARY grupo cerrado",
        name_en="CANARY closed group",
        visibility=Visibility.MEMBERS,
        active_from=2023,
    )
    member = UserFactory(role="focal_point", organisation=orgs.gtm)
    member.working_groups.add(closed)
    observer = UserFactory(role="observer", organisation=cast.observer.organisation)
    observer.working_groups.add(closed)
    owed = obligations_owed(people(member, observer), TODAY)
    assert any("CANARY" in i.detail for i in owed.get(member.pk, []))
    assert not any("CANARY" in i.detail for i in owed.get(observer.pk, []))
    body_feed = calendar_entries(cast.public, closed)
    assert not any("CANARY" in e.title for e in body_feed)


def test_the_feeds_carry_due_dates_of_what_a_body_or_a_person_owes(cast, bodies):
    group = list(calendar_entries(cast.public, bodies.wg_lab))
    due = [e for e in group if e.uid.startswith("obligation-")]
    assert due and all(isinstance(e.start, dt.date) for e in due)
    assert len({e.uid for e in due}) == len(due)  # stable and distinct
    own = [e for e in calendar_entries(cast.secretariat) if e.uid.startswith("obligation-")]
    assert own and all("obligation-" in e.uid for e in own)
    assert not [e for e in calendar_entries(cast.civil) if e.uid.startswith("obligation-")]
