"""The daily email digest: what each person owes soon and what is late, in their language,
once a day, unless they turned it off; in a number of queries that does not grow with the
number of people."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from rumbo.core.models import AuditEvent
from rumbo.indicators import home as indicators_home
from rumbo.indicators import services as indicator_services
from rumbo.indicators.tests.conftest import report
from rumbo.organisations.models import User
from rumbo.plans import home as plans_home
from rumbo.plans.models import Activity, ActivityParty
from rumbo.reminders.digest import by_viewer, country_key, digest_items, role_key
from rumbo.reminders.models import DigestSent
from rumbo.reminders.services import digests_send, reminder_settings_change
from rumbo.reminders.sources import from_home_section, overdue_activities
from rumbo.testing.factories import ActivityFactory, IndicatorFactory, PlanFactory, UserFactory
from rumbo.tracking import home as tracking_home
from rumbo.tracking import services as tracking_services

pytestmark = pytest.mark.django_db

NOTE = {
    "objective_es": "Intercambiar buenas prácticas",
    "justification_es": "Mandato del GRCM",
    "expected_results_es": "Hoja de ruta consensuada",
    "indicators_es": "Número de hojas de ruta",
    "participants_es": "Puntos focales",
    "modality": "virtual",
    "start_date": dt.date(2024, 5, 6),
    "place_es": "En línea",
    "funding_source_es": "OIM",
}


@pytest.fixture
def work(cast, orgs, bodies):
    """Something for everyone who acts: an indicator Guatemala owes for last year, a value of
    it waiting for review, a late activity of Guatemala, a concept note waiting for a decision
    and one returned to the focal point who wrote it."""
    for who in ("civil", "observer", "focal", "ppt", "wg", "secretariat"):
        user = getattr(cast, who)
        user.email = f"{who}@example.org"
        user.save()
    this_year = timezone.localdate().year
    plan = PlanFactory(code="due-plan", period_start=this_year - 2, period_end=this_year + 1)
    owed = IndicatorFactory(
        plan=plan, code="D1", frequency="year", name_es="Indicador debido", name_en="Due ind"
    )
    sent = IndicatorFactory(plan=plan, code="D2", frequency="year")
    value = report(cast.focal, sent, str(this_year - 1), orgs.gtm, value=3)
    indicator_services.measurement_submit(actor=cast.focal, measurement=value)
    late = ActivityFactory(
        code="LATE-1",
        title_es="Taller atrasado",
        title_en="Late workshop",
        end_date=timezone.localdate() - dt.timedelta(days=3),
        status=Activity.Status.IN_PROGRESS,
    )
    ActivityParty.objects.create(activity=late, organisation=orgs.gtm, role="lead")
    waiting = ActivityFactory(code="NOTE-W", title_es="Nota en espera", title_en="Waiting")
    ActivityParty.objects.create(activity=waiting, organisation=orgs.gtm, role="lead")
    note = tracking_services.concept_note_save(
        actor=cast.focal, activity=waiting, data={**NOTE, "lead_organisations": [orgs.gtm]}
    )
    tracking_services.concept_note_submit(actor=cast.focal, note=note)
    returned = ActivityFactory(code="NOTE-R", title_es="Nota devuelta", title_en="Returned")
    ActivityParty.objects.create(activity=returned, organisation=orgs.gtm, role="lead")
    note = tracking_services.concept_note_save(
        actor=cast.focal, activity=returned, data={**NOTE, "lead_organisations": [orgs.gtm]}
    )
    note = tracking_services.concept_note_submit(actor=cast.focal, note=note)
    tracking_services.concept_note_return(
        actor=cast.secretariat, note=note, comments="Precise la agenda"
    )
    return {"owed": owed, "late": late}


def mails_to(address: str) -> list[Any]:
    return [m for m in mail.outbox if m.to == [address]]


def test_each_role_gets_what_it_owes(cast, work):
    run = digests_send()
    assert run.sent == len(mail.outbox)
    focal = mails_to("focal@example.org")[0].body
    assert "D1 Indicador debido" in focal  # due from Guatemala for last year
    assert "LATE-1 Taller atrasado" in focal  # Guatemala's overdue activity
    assert "NOTE-R Nota devuelta" in focal and "Precise la agenda" in focal
    assert "NOTE-W" not in focal  # the focal point does not decide notes
    secretariat = mails_to("secretariat@example.org")[0].body
    assert "NOTE-W Nota en espera" in secretariat  # waiting for a decision
    assert "D2" in secretariat and "GTM" in secretariat  # the value waiting for review
    assert "D1 Indicador debido" not in secretariat
    ppt = mails_to("ppt@example.org")[0].body
    assert "NOTE-W Nota en espera" in ppt and "LATE-1" not in ppt  # Panama's official
    # Observers and civil society owe none of these: they get no mail at all.
    assert not mails_to("observer@example.org") and not mails_to("civil@example.org")
    # Links are absolute, to the page where the thing is done.
    assert f"/es/activities/{work['late'].pk}/" in focal
    assert f"http://127.0.0.1:8000/es/activities/{work['late'].pk}/" in focal


def test_the_digest_is_in_the_person_s_language(cast, work):
    User.objects.filter(pk=cast.focal.pk).update(preferred_language="en")
    digests_send()
    english = mails_to("focal@example.org")[0]
    assert "what you owe soon" in english.subject
    assert "Values due from your country" in english.body and "D1 Due ind" in english.body
    assert f"/en/activities/{work['late'].pk}/" in english.body
    spanish = mails_to("secretariat@example.org")[0]
    assert spanish.subject.startswith("Rumbo: lo que le toca pronto y lo atrasado")
    assert "Notas conceptuales que esperan su decisión" in spanish.body
    html = english.alternatives[0][0]
    assert '<html lang="en">' in html and "D1 Due ind" in html


def test_nothing_is_sent_twice_the_same_day(cast, work):
    first = digests_send()
    # focal, ppt, secretariat, and the working group's member (its group owes two meetings a
    # year: the calendar of obligations); observers and civil society owe nothing
    assert first.sent == 4
    outbox = len(mail.outbox)
    second = digests_send()
    assert second.sent == 0 and second.already_sent == first.sent
    assert len(mail.outbox) == outbox
    assert DigestSent.objects.count() == first.sent
    # The next day, again.
    tomorrow = digests_send(today=timezone.localdate() + dt.timedelta(days=1))
    assert tomorrow.sent == first.sent


def test_a_person_can_turn_the_digest_off_and_that_is_audited(cast, work):
    settings = reminder_settings_change(actor=cast.focal, digest_enabled=False)
    digests_send()
    assert not mails_to("focal@example.org")
    assert mails_to("secretariat@example.org")
    event = AuditEvent.objects.for_object(settings).get()
    assert event.actor == cast.focal and event.changes["digest_enabled"]
    reminder_settings_change(
        actor=cast.focal, digest_enabled=True, expected_version=settings.version
    )
    digests_send(today=timezone.localdate() + dt.timedelta(days=1))
    assert mails_to("focal@example.org")


def test_the_page_turns_the_digest_off(cast, work):
    from rumbo.testing.http import client_for, url

    client = client_for(cast.focal)
    response = client.post(url("calendar_settings"), {"save": "1", "version": "0"})
    assert response.status_code == 302
    assert cast.focal.reminder_settings.digest_enabled is False
    # A stale form (another tab changed it since) is refused, not applied.
    stale = client.post(
        url("calendar_settings"), {"save": "1", "digest_enabled": "on", "version": "0"}
    )
    assert stale.status_code == 200
    cast.focal.reminder_settings.refresh_from_db()
    assert cast.focal.reminder_settings.digest_enabled is False


def test_the_digest_says_what_the_home_page_says(cast, work):
    sections = {
        "values due": (indicators_home.values_due_section, country_key),
        "values waiting": (indicators_home.values_waiting_section, role_key),
        "notes waiting": (tracking_home.notes_waiting_section, role_key),
    }
    people = [getattr(cast, w) for w in ("civil", "observer", "focal", "ppt", "wg", "secretariat")]
    people = list(
        User.objects.filter(pk__in=[p.pk for p in people]).prefetch_related("working_groups")
    )
    batches = {
        name: (section, from_home_section(section, key)(people, timezone.localdate()))
        for name, (section, key) in sections.items()
    }
    batches["overdue"] = (
        plans_home.overdue_section,
        overdue_activities(people, timezone.localdate()),
    )
    for name, (section, batch) in batches.items():
        for person in people:
            with translation.override("es"):
                alone = section(person)
            expected = [(i.label, i.url) for i in alone.items] if alone else []
            got = [(i.label, i.url) for i in batch.get(person.pk, [])]
            assert got == expected, (name, person.username)
    # Returned notes: only to the author.
    items = digest_items(people, timezone.localdate())
    assert [i.label for i in items[cast.focal.pk] if "devuelta" in i.label] == [
        "NOTE-R Nota devuelta"
    ]
    assert not any("devuelta" in i.label for i in items.get(cast.secretariat.pk, []))


def _more_people(orgs, bodies, n: int) -> None:
    """`n` more people in each of the groups the cast stands for."""
    roles = [
        (User.Role.FOCAL_POINT, orgs.gtm, None),
        (User.Role.PPT, orgs.pan, None),
        (User.Role.WG_MEMBER, orgs.mex, bodies.wg_lab),
        (User.Role.SECRETARIAT, orgs.se, None),
        (User.Role.OBSERVER, orgs.oim, None),
    ]
    start = User.objects.count()
    for i in range(n):
        for role, org, group in roles:
            user: Any = UserFactory(
                username=f"more{start}-{i}-{role}",
                role=role,
                organisation=org,
                email=f"more{start}-{i}-{role}@example.org",
                is_staff=role == User.Role.SECRETARIAT,
            )
            if group is not None:
                user.working_groups.add(group)


def test_the_job_runs_the_same_queries_for_few_or_many_people(cast, orgs, bodies, work):
    counts = []
    for day, n in ((1, 2), (2, 12)):
        _more_people(orgs, bodies, n)
        with CaptureQueriesContext(connection) as queries:
            run = digests_send(today=timezone.localdate() + dt.timedelta(days=day))
        counts.append((len(queries), run.sent))
    (few, sent_few), (many, sent_many) = counts
    assert sent_many > sent_few
    assert few == many


def test_people_who_see_the_same_are_read_once(cast, orgs, bodies):
    _more_people(orgs, bodies, 3)
    people = list(User.objects.exclude(role="").prefetch_related("working_groups"))
    groups = by_viewer(people)
    assert len(groups) == len({(p.role, p.organisation_id) for p in people})


def test_the_command_sends_and_says_how_many(cast, work, capsys):
    call_command("send_reminders")
    out = capsys.readouterr().out
    assert "sent 4" in out
    call_command("send_reminders")
    assert "sent 0" in capsys.readouterr().out
