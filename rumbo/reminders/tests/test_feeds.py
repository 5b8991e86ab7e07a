"""Calendar feeds: a body's meetings and a person's own, in their language, with stable UIDs;
members-only meetings only for those who may see them; a renewed or deactivated person's
address answers 404; renewing is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar

from rumbo.core.models import AuditEvent
from rumbo.core.visibility import Visibility
from rumbo.meetings.models import Meeting, Precision
from rumbo.meetings.tests.factories import MeetingFactory
from rumbo.reminders import calendar as feeds
from rumbo.reminders.calendar import CalendarEntry, add_calendar_source
from rumbo.reminders.services import reminder_settings_change
from rumbo.testing.http import client_for, url
from tests.leaks.crawl import normalised

pytestmark = pytest.mark.django_db


@pytest.fixture
def meetings(bodies):
    return {
        "open": MeetingFactory(
            body=bodies.wg_lab,
            title_es="Reunión abierta del grupo",
            title_en="Open group meeting",
            place_es="Ciudad de Panamá",
            place_en="Panama City",
            start_date=dt.date(2030, 3, 10),
            end_date=dt.date(2030, 3, 12),
            status=Meeting.Status.PLANNED,
        ),
        "closed": MeetingFactory(
            body=bodies.wg_lab,
            title_es="CANARY sesión cerrada",
            title_en="CANARY closed session",
            start_date=dt.date(2030, 4, 1),
            visibility=Visibility.MEMBERS,
        ),
        "month": MeetingFactory(
            body=bodies.wg_lab,
            title_es="Taller de julio",
            title_en="July workshop",
            start_date=dt.date(2030, 7, 1),
            start_precision=Precision.MONTH,
        ),
    }


def events(content: bytes) -> dict[str, dict[str, object]]:
    cal = Calendar.from_ical(content)
    return {
        str(e["UID"]): {
            "summary": str(e["SUMMARY"]),
            "start": e.decoded("DTSTART"),
            "end": e.decoded("DTEND") if "DTEND" in e else None,
            "location": str(e.get("LOCATION", "")),
            "url": str(e.get("URL", "")),
            "status": str(e.get("STATUS", "")),
        }
        for e in cal.walk("VEVENT")
    }


def ours(found: dict, meetings: dict) -> dict:
    """The events of this test's meetings (the seed data has meetings of its own)."""
    uids = {f"meeting-{m.pk}@rumbo" for m in meetings.values()}
    return {uid: event for uid, event in found.items() if uid in uids or "@rumbo" not in uid}


def feed_address(user) -> str:
    settings = reminder_settings_change(actor=user, renew_feed=True)
    return f"/calendar/{settings.calendar_key.token}.ics"


@pytest.mark.parametrize(
    ("lang", "title", "place"),
    [
        ("es", "Reunión abierta del grupo", "Ciudad de Panamá"),
        ("en", "Open group meeting", "Panama City"),
    ],
)
def test_a_body_feed_lists_its_meetings_by_day_in_the_page_language(
    cast, bodies, meetings, lang, title, place
):
    response = client_for(cast.public).get(url("body_calendar", lang, code="WG-LAB"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    found = ours(events(response.content), meetings)
    uid = f"meeting-{meetings['open'].pk}@rumbo"
    # The public sees the open meeting only; the month-only workshop is left out, not put on
    # a made-up day.
    assert list(found) == [uid]
    event = found[uid]
    assert event["summary"] == title and event["location"] == place
    assert event["start"] == dt.date(2030, 3, 10)
    assert event["end"] == dt.date(2030, 3, 13)  # all day, the last day included
    assert event["status"] == "CONFIRMED"
    assert event["url"].endswith(url("meeting_detail", lang, pk=meetings["open"].pk))
    # The same UID in every download and language: calendar apps update the event.
    again = client_for(cast.focal).get(
        url("body_calendar", "en" if lang == "es" else "es", code="WG-LAB")
    )
    assert uid in events(again.content)


@pytest.mark.parametrize("who", ["public", "civil", "observer"])
def test_a_members_only_meeting_is_not_in_the_body_feed_below_members(cast, meetings, who):
    content = client_for(getattr(cast, who)).get(url("body_calendar", code="WG-LAB")).content
    unfolded = content.replace(b"\r\n ", b"")
    assert b"CANARY" not in unfolded
    assert f"meeting-{meetings['closed'].pk}@rumbo" not in events(content)


def test_members_see_the_closed_meeting_in_the_body_feed(cast, meetings):
    content = client_for(cast.focal).get(url("body_calendar", code="WG-LAB")).content
    assert f"meeting-{meetings['closed'].pk}@rumbo" in events(content)


def test_a_body_the_viewer_may_not_see_answers_as_one_that_does_not_exist(cast, bodies):
    bodies.wg_prot.visibility = Visibility.MEMBERS
    bodies.wg_prot.save()
    hidden = client_for(cast.observer).get(url("body_calendar", code="WG-PROT"))
    missing = client_for(cast.observer).get(url("body_calendar", code="no-such-body"))
    assert hidden.status_code == missing.status_code == 404
    assert normalised(hidden.content.decode(), "WG-PROT") == normalised(
        missing.content.decode(), "no-such-body"
    )


def test_a_personal_feed_is_what_the_person_sees_in_their_language(cast, meetings):
    cast.observer.preferred_language = "en"
    cast.observer.save()
    observer = ours(events(client_for(None).get(feed_address(cast.observer)).content), meetings)
    assert [e["summary"] for e in observer.values()] == ["Open group meeting"]
    focal = ours(events(client_for(None).get(feed_address(cast.focal)).content), meetings)
    assert [e["summary"] for e in focal.values()] == [
        "Reunión abierta del grupo",
        "CANARY sesión cerrada",
    ]


def test_a_renewed_address_answers_404_and_the_renewal_is_audited(cast, meetings):
    old = feed_address(cast.focal)
    assert client_for(None).get(old).status_code == 200
    new = feed_address(cast.focal)
    assert new != old
    assert client_for(None).get(old).status_code == 404
    assert client_for(None).get(new).status_code == 200
    settings = cast.focal.reminder_settings
    history = list(AuditEvent.objects.for_object(settings).order_by("id"))
    assert [e.action for e in history] == ["create", "update"]
    assert "feed_renewed_at" in history[1].changes
    # The secret itself is never written into the audit log.
    token = new.split("/")[-1].removesuffix(".ics")
    assert all(token not in str(e.changes) for e in history)


def test_a_deactivated_person_s_address_answers_404(cast, meetings):
    address = feed_address(cast.focal)
    cast.focal.is_active = False
    cast.focal.save()
    assert client_for(None).get(address).status_code == 404
    assert client_for(None).get("/calendar/no-such-token.ics").status_code == 404


def test_the_page_shows_the_address_and_renews_it(cast):
    client = client_for(cast.ppt)
    page = client.get(url("calendar_settings", "en"))
    assert page.status_code == 200 and b"Create my calendar address" in page.content
    done = client.post(url("calendar_settings", "en"), {"renew": "1", "version": "0"})
    assert done.status_code == 302
    token = cast.ppt.reminder_settings.calendar_key.token
    page = client.get(url("calendar_settings", "es"))
    assert f"/calendar/{token}.ics".encode() in page.content
    assert "Renovar la dirección".encode() in page.content
    assert client_for(cast.public).get(url("calendar_settings")).status_code == 302


def test_another_app_adds_entries_to_every_feed(cast, meetings, monkeypatch):
    monkeypatch.setattr(feeds, "_sources", dict(feeds._sources))
    add_calendar_source(
        "due dates",
        lambda user, body=None: [
            CalendarEntry(
                uid="due-1@obligations", title="Informe anual", start=dt.date(2030, 1, 31)
            )
        ],
    )
    body = client_for(cast.public).get(url("body_calendar", code="WG-LAB")).content
    found = ours(events(body), meetings)
    assert list(found) == ["due-1@obligations", f"meeting-{meetings['open'].pk}@rumbo"]
