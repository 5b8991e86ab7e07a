"""Follow-up on the home page: the concept notes waiting for a decision (for those who
decide), the notes returned with comments (to those who wrote them or report on their
activity), and changes to notes since a person's previous log-in, through the notes' own
reading rule."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from rumbo.core.visibility import Visibility
from rumbo.organisations.models import User
from rumbo.plans.extensions import home_sections
from rumbo.plans.home import changes_section
from rumbo.plans.models import ActivityParty
from rumbo.testing.factories import ActivityFactory, PlanFactory
from rumbo.testing.http import client_for, url
from rumbo.tracking import services
from rumbo.tracking.access import can_report_on
from rumbo.tracking.home import SHOWN, notes_waiting_section, reporter_q, returned_notes_section
from rumbo.tracking.models import ConceptNote

pytestmark = pytest.mark.django_db

WAITING = {"es": "Notas conceptuales que esperan su decisión", "en": "Concept notes waiting"}
RETURNED = {
    "es": "Sus notas conceptuales devueltas con comentarios",
    "en": "Your concept notes returned with comments",
}


def complete(orgs) -> dict:
    return {
        "objective_es": "Intercambiar buenas prácticas",
        "justification_es": "Mandato del GRCM",
        "expected_results_es": "Hoja de ruta consensuada",
        "indicators_es": "Número de hojas de ruta",
        "participants_es": "Puntos focales",
        "modality": "virtual",
        "start_date": dt.date(2024, 5, 6),
        "place_es": "En línea",
        "funding_source_es": "OIM",
        "lead_organisations": [orgs.gtm],
    }


def activity_of(org, code: str, **kwargs):
    activity: Any = ActivityFactory(
        plan=kwargs.pop("plan", None) or PlanFactory(), code=code, **kwargs
    )
    ActivityParty.objects.create(activity=activity, organisation=org, role="lead")
    return activity


def submitted(author, orgs, activity) -> ConceptNote:
    note = services.concept_note_save(actor=author, activity=activity, data=complete(orgs))
    return services.concept_note_submit(actor=author, note=note)


def section(body: str, title: str) -> str:
    match = re.search(
        r'<section class="home-section"[^>]*>\s*<h3[^>]*>' + re.escape(title) + r".*?</section>",
        body,
        re.S,
    )
    return match.group(0) if match else ""


def home(client, lang: str = "es") -> str:
    response = client.get(url("home", lang))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_secretariat_sees_the_submitted_note_waiting(cast, orgs, lang):
    activity = activity_of(orgs.gtm, "NOTE-1", title_es="Taller regional", title_en="Workshop")
    note = submitted(cast.focal, orgs, activity)
    body = home(client_for(cast.secretariat), lang)
    waiting = section(body, WAITING[lang])
    assert f'href="{url("concept_note", lang, pk=activity.pk)}"' in waiting
    assert ("Taller regional" if lang == "es" else "Workshop") in waiting
    assert "presentada" in waiting if lang == "es" else "submitted" in waiting
    moment = timezone.localtime(note.submitted_at)
    assert moment.strftime("%d/%m/%Y" if lang == "es" else "%m/%d/%Y") in waiting
    # The presidency decides notes too; a focal point does not.
    with translation.override("es"):
        assert [i.label for i in notes_waiting_section(cast.ppt).items] == [
            "NOTE-1 Taller regional"
        ]
    assert notes_waiting_section(cast.focal) is None
    assert section(home(client_for(cast.focal), lang), WAITING[lang]) == ""


def test_once_decided_a_note_no_longer_waits(cast, orgs):
    note = submitted(cast.focal, orgs, activity_of(orgs.gtm, "NOTE-2"))
    services.concept_note_approve(actor=cast.secretariat, note=note)
    result = notes_waiting_section(cast.secretariat)
    assert result.items == [] and result.empty_text == "Nada espera su decisión."


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_focal_point_sees_their_returned_note(cast, orgs, lang):
    activity = activity_of(orgs.gtm, "RET-1")
    note = submitted(cast.focal, orgs, activity)
    services.concept_note_return(actor=cast.secretariat, note=note, comments="Precise la agenda")
    body = home(client_for(cast.focal), lang)
    mine = section(body, RETURNED[lang])
    assert f'href="{url("concept_note_edit", lang, pk=activity.pk)}"' in mine
    assert "Precise la agenda" in mine
    # Not the secretariat's, which returned it; not another country's official.
    assert returned_notes_section(cast.secretariat) is None
    assert returned_notes_section(cast.wg).items == []
    assert returned_notes_section(cast.observer) is None  # nothing to say to an observer


def test_notes_people_report_on_follow_can_report_on(cast, orgs, bodies):
    """The home page's filter says the same as the rule the note pages apply."""
    group_plan = PlanFactory(owner_body=bodies.wg_lab)
    activities = [
        activity_of(orgs.gtm, "R-GTM"),
        activity_of(orgs.mex, "R-MEX"),
        activity_of(orgs.oim, "R-OIM"),
        ActivityFactory(plan=group_plan, code="R-LAB"),
    ]
    for activity in activities:
        ConceptNote.objects.create(activity=activity, visibility=Visibility.PUBLIC)
    for who in ("focal", "wg", "observer", "civil", "ppt"):
        user = getattr(cast, who)
        chosen = set(
            ConceptNote.objects.filter(activity__in=activities)
            .filter(reporter_q(user))
            .values_list("activity__code", flat=True)
        )
        expected = {a.code for a in activities if can_report_on(user, a)}
        assert chosen == expected, who


def test_members_only_notes_never_reach_lower_roles(cast, orgs, canary):
    """A members-only note, and a draft only its authors read, stay out of others' changes."""
    viewers = [client_for(user) for user in (cast.observer, cast.civil, cast.focal)]
    for user in (cast.observer, cast.civil, cast.focal):
        User.objects.filter(pk=user.pk).update(previous_login=timezone.now())
    secret = activity_of(orgs.oim, "CANARY-N", plan=canary.public_plan, title_es="CANARY nota")
    secret_note = services.concept_note_save(
        actor=cast.secretariat,
        activity=secret,
        data={**complete(orgs), "visibility": Visibility.MEMBERS},
    )
    services.concept_note_submit(actor=cast.secretariat, note=secret_note)
    draft = services.concept_note_save(
        actor=cast.wg,
        activity=activity_of(orgs.mex, "DRAFT-N", plan=canary.public_plan),
        data={"objective_es": "Borrador"},
    )
    public = services.concept_note_save(
        actor=cast.secretariat,
        activity=activity_of(orgs.oim, "OPEN-N", plan=canary.public_plan),
        data={**complete(orgs), "visibility": Visibility.PUBLIC},
    )
    services.concept_note_submit(actor=cast.secretariat, note=public)
    for client, member in zip(viewers, (False, False, True), strict=True):
        body = home(client)
        assert ("CANARY" in body) is member
        assert "DRAFT-N" not in body  # a draft is read by its authors and the secretariat only
        assert url("concept_note", pk=public.activity_id) in body
    cast.secretariat.previous_login = timezone.now() - dt.timedelta(hours=1)
    # The secretariat reads drafts: the working group's draft is among its changes.
    cast.secretariat.previous_login = timezone.now() - dt.timedelta(minutes=1)
    items = changes_section(cast.secretariat).items
    assert items[0].url == url("concept_note", pk=draft.activity_id)
    assert items[0].label.startswith("Nota conceptual: DRAFT-N")


def test_the_sections_run_the_same_queries_however_many_notes(cast, orgs):
    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            note = submitted(cast.focal, orgs, activity_of(orgs.gtm, f"Q-{i}"))
            if i % 2:
                services.concept_note_return(actor=cast.ppt, note=note, comments=f"Falta {i}")

    client = client_for(cast.focal)
    User.objects.filter(pk=cast.focal.pk).update(previous_login=timezone.now())
    add(2, 0)
    home(client)
    with CaptureQueriesContext(connection) as few:
        home(client)
    add(2 * SHOWN + 2, 2)  # 22 returned, 22 waiting in all: more than a section lists
    with CaptureQueriesContext(connection) as many:
        body = home(client)
    assert len(many) == len(few)
    assert section(body, RETURNED["es"]).count("<li>") == SHOWN
    assert len(body.encode()) < 150_000
    sections = [s.title for s in home_sections(cast.ppt)]
    assert sections[:2] == [WAITING["es"], RETURNED["es"]]
    waiting = [item.label for item in notes_waiting_section(cast.ppt).items]
    # The oldest first: what has waited longest.
    assert len(waiting) == SHOWN
    assert [label.split()[0] for label in waiting[:3]] == ["Q-0", "Q-2", "Q-4"]
