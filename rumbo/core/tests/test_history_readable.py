"""A record's history a person can read: one row per real change, labels instead of codes,
named actions, a reason only where one was given, in Spanish and English, in few queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from rumbo.core import audit
from rumbo.core.history import history_for
from rumbo.core.models import AuditEvent
from rumbo.core.services import audited_create, audited_update
from rumbo.core.visibility import Visibility
from rumbo.organisations.models import Body
from rumbo.plans import services as plan_services
from rumbo.plans.models import Activity, Plan
from rumbo.testing.factories import ActivityFactory, BodyFactory, PlanFactory
from rumbo.testing.forms import form_values
from rumbo.testing.http import client_for, url
from rumbo.tracking import services as note_services

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action
GUATEMALA = dt.timezone(dt.timedelta(hours=-6))


# The values a diff must take as equal ------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (None, ""),
        ("", None),
        ("  ", None),
        ([], None),
        ({"es": "", "en": None}, None),
        ("Primera línea\nSegunda línea\n", "Primera línea\r\nSegunda línea"),
        ([3, 1, 2], [3, 1, 2]),
        ([["OIM", "lead", 0, None]], [["OIM", "lead", 0, None]]),
        ({"es": "Eje", "en": "Axis"}, {"en": "Axis", "es": "Eje"}),
        (Decimal("15000.50"), "15000.5"),
        ("15000.50", Decimal("15000.5")),
        (15000, "15000.00"),
        (dt.date(2024, 5, 6), "2024-05-06"),
        (
            dt.datetime(2024, 5, 6, 8, 30, tzinfo=GUATEMALA),
            "2024-05-06T14:30:00+00:00",
        ),
    ],
)
def test_values_that_say_the_same_are_no_change(old, new):
    assert audit.diff({"field": old}, {"field": new}) == {}


def test_a_missing_key_is_the_same_as_an_empty_value():
    assert audit.diff({"a": None, "b": ""}, {}) == {}
    assert audit.diff({}, {"a": "", "b": [], "c": None}) == {}


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("10.7", "10.70"),  # codes are texts, not numbers
        (None, 0),
        (None, False),
        ("Borrador", "Aprobado"),
        (Decimal("15000.50"), "15000.51"),
        (dt.date(2024, 5, 6), "2024-05-07"),
        ([1, 2], [2, 1]),
    ],
)
def test_a_real_change_shows_once(old, new):
    assert audit.diff({"field": old}, {"field": new}) == {"field": {"old": old, "new": new}}


# Changes written by services --------------------------------------------------------------


def test_a_form_resending_the_same_texts_and_amounts_records_nothing(cast, orgs):
    """A browser sends textareas with CRLF and a form strips the ends; an amount comes back
    with fewer places than the database keeps. None of this is a change."""
    activity = ActivityFactory()
    note = note_services.concept_note_save(
        actor=cast.secretariat,
        activity=activity,
        data={
            "objective_es": "Primera línea\nSegunda línea\n",
            "budget_amount": Decimal("15000.50"),
            "start_date": dt.date(2024, 5, 6),
        },
    )
    note.refresh_from_db()
    before = AuditEvent.objects.for_object(note).count()
    audited_update(
        actor=cast.secretariat,
        instance=note,
        data={
            "objective_es": "Primera línea\r\nSegunda línea",
            "objective_en": "",
            "budget_amount": Decimal("15000.5"),
            "start_date": "2024-05-06",
        },
        expected_version=note.version,
    )
    assert AuditEvent.objects.for_object(note).count() == before


def test_one_status_change_through_the_page_is_one_row(cast):
    """The whole form is posted back (as a browser does, CRLF in its textareas); only the
    status moved, so only the status is recorded, as a status change."""
    plan = PlanFactory(
        owner_body=BodyFactory(kind=Body.Kind.WORKING_GROUP),
        status=Plan.Status.DRAFT,
        description_es="Un plan.\nCon dos líneas.\n",
        description_en=None,
        source_es="Acta de la reunión\n",
    )
    client = client_for(cast.secretariat)
    data, _inputs = form_values(client.get(url("plan_edit", code=plan.code)).content.decode())
    data = {k: v.replace("\n", "\r\n") if isinstance(v, str) else v for k, v in data.items()}
    data["status"] = Plan.Status.CONSULTATION
    assert client.post(url("plan_edit", code=plan.code), data).status_code == 302
    event = AuditEvent.objects.for_object(plan).get()
    assert event.action == Action.STATUS
    assert event.changes == {"status": {"old": "draft", "new": "consultation"}}


def test_concept_note_steps_are_named(cast, orgs):
    activity = ActivityFactory()
    note = note_services.concept_note_save(
        actor=cast.secretariat,
        activity=activity,
        data={
            "objective_es": "Intercambiar buenas prácticas",
            "justification_es": "Mandato",
            "expected_results_es": "Hoja de ruta",
            "indicators_es": "Hojas de ruta",
            "participants_es": "Puntos focales",
            "modality": "hybrid",
            "start_date": dt.date(2024, 5, 6),
            "place_es": "Panamá",
            "funding_source_es": "OIM",
            "lead_organisations": [orgs.pan],
        },
    )
    note = note_services.concept_note_submit(actor=cast.secretariat, note=note)
    note = note_services.concept_note_return(
        actor=cast.secretariat, note=note, comments="Precise la agenda"
    )
    note = note_services.concept_note_submit(actor=cast.secretariat, note=note)
    note_services.concept_note_approve(actor=cast.secretariat, note=note)
    actions = AuditEvent.objects.for_object(note).order_by("at", "id")
    assert list(actions.values_list("action", flat=True)) == [
        Action.CREATE,
        Action.SUBMIT,
        Action.RETURN,
        Action.SUBMIT,
        Action.APPROVE,
    ]


def test_changes_made_inside_a_named_action_carry_its_name(cast):
    plan = PlanFactory(status=Plan.Status.DRAFT)
    with audit.named(Action.IMPORT):
        audited_update(actor=cast.secretariat, instance=plan, data={"status": "approved"})
        body = audited_create(
            actor=cast.secretariat,
            instance=Body(code="WG-NEW", kind=Body.Kind.WORKING_GROUP),
            data={"name_es": "Grupo nuevo"},
        )
    audited_update(actor=cast.secretariat, instance=plan, data={"title_es": "Otro título"})
    events = AuditEvent.objects.for_object(plan).order_by("at", "id")
    assert list(events.values_list("action", flat=True)) == [Action.IMPORT, Action.UPDATE]
    assert AuditEvent.objects.for_object(body).get().action == Action.IMPORT


def test_an_explicit_action_is_kept_and_a_delete_is_never_renamed(cast):
    plan = PlanFactory()
    with audit.named(Action.IMPORT):
        event = audit.record(
            actor=cast.secretariat, action=Action.DELETE, instance=plan, changes={}
        )
    assert event.action == Action.DELETE
    event = audit.record(
        actor=cast.secretariat,
        action=Action.SEED,
        instance=plan,
        changes={"status": {"old": None, "new": "approved"}},
    )
    assert event.action == Action.SEED


# The page --------------------------------------------------------------------------------


def history_page(client, record_kind: str, pk: int, lang: str) -> str:
    response = client.get(url("record_history", lang, kind=record_kind, pk=pk))
    assert response.status_code == 200
    return response.content.decode()


def legacy_event(record, **fields) -> AuditEvent:
    """A row as older versions wrote it (the log is append-only: they stay as they are)."""
    return AuditEvent.objects.create(
        actor_label=fields.pop("actor_label", "se"),
        content_type=ContentType.objects.get_for_model(type(record)),
        object_id=str(record.pk),
        object_label=str(record),
        visibility=Visibility.PUBLIC,
        **fields,
    )


@pytest.mark.parametrize(
    ("lang", "expected", "absent"),
    [
        (
            "es",
            [
                "Cambio de estado",
                '<th scope="row">Estado</th><td>{not_started}</td><td>{in_progress}</td>',
                "Actividad (Español)",
                "Grupo de trabajo",
                "6 de mayo de 2024",
                "15\N{NO-BREAK SPACE}000,50",
                "Partidas presupuestarias",
            ],
            ["not_started", "in_progress", "title_es", "working_group"],
        ),
        (
            "en",
            [
                "Status change",
                '<th scope="row">Status</th><td>{not_started}</td><td>{in_progress}</td>',
                "Activity (Spanish)",
                "Working group",
                "May 6, 2024",
                "15,000.50",
                "Budget lines",
            ],
            ["not_started", "in_progress", "title_es", "working_group"],
        ),
    ],
)
def test_the_page_shows_labels_names_and_local_formats(cast, bodies, lang, expected, absent):
    activity = ActivityFactory(title_es="Taller", title_en="Workshop")
    legacy_event(
        activity,
        action=Action.UPDATE,
        changes={
            "status": {"old": "not_started", "new": "in_progress"},
            "title_es": {"old": "Taller", "new": "Taller regional"},
            "working_group": {"old": None, "new": bodies.wg_lab.pk},
            "start_date": {"old": None, "new": "2024-05-06"},
            "budget_lines": {
                "old": [],
                "new": [["15000.50", "USD", "OIM", None, "0.00", "0.00", 0, None]],
            },
        },
    )
    page = history_page(client_for(cast.secretariat), "activity", activity.pk, lang)
    with translation.override(lang):
        labels = {
            "not_started": Activity.Status.NOT_STARTED.label,
            "in_progress": Activity.Status.IN_PROGRESS.label,
        }
        assert str(bodies.wg_lab) in page
    for text in expected:
        assert text.format(**labels) in page, text
    for code in absent:
        assert code not in page, code


def test_old_phantom_changes_are_left_out(cast):
    activity = ActivityFactory()
    legacy_event(
        activity,
        action=Action.UPDATE,
        changes={
            "description_es": {"old": None, "new": ""},
            "notes_es": {"old": "Igual\n", "new": "Igual"},
            "linked_elements": {"old": [], "new": []},
            "status": {"old": "not_started", "new": "finished"},
        },
    )
    only_phantoms = legacy_event(
        activity,
        action=Action.UPDATE,
        changes={"references_es": {"old": None, "new": ""}},
    )
    entries = history_for(cast.secretariat, activity)
    assert [e.event.pk for e in entries if e.event.pk == only_phantoms.pk] == []
    (entry,) = entries
    assert [c.field for c in entry.changes] == ["status"]
    assert entry.action == "Cambio de estado"


def test_old_marker_reasons_become_named_actions_and_reasons_show_only_where_given(cast):
    activity = ActivityFactory()
    legacy_event(
        activity,
        action=Action.CREATE,
        actor_label="system",
        changes={"code": {"old": None, "new": "A1"}},
        reason="Loaded from plans/crm-sp-2023-2026.yaml",
    )
    legacy_event(
        activity,
        action=Action.UPDATE,
        changes={"notes_es": {"old": "", "new": "Revisado"}},
        reason="admin",
    )
    legacy_event(
        activity,
        action=Action.UPDATE,
        changes={"status": {"old": "not_started", "new": "in_progress"}},
        reason="Arrancó sin nota: lo pidió la PPT",
    )
    client = client_for(cast.secretariat)
    page = history_page(client, "activity", activity.pk, "es")
    assert page.count("Motivo") == 1
    assert "Arrancó sin nota: lo pidió la PPT" in page
    assert "Carga desde los archivos de datos de origen" in page
    assert "Archivo: plans/crm-sp-2023-2026.yaml" in page
    assert "Rumbo (automático)" in page
    assert "Hecho en el sitio de administración." in page
    assert ">admin<" not in page and "Loaded from" not in page
    seed = history_for(cast.secretariat, activity)[-1]
    assert not seed.shows_old and [len(c.sides) for c in seed.changes] == [1]  # no "before"
    page = history_page(client, "activity", activity.pk, "en")
    assert page.count("Reason") == 1
    assert "Load from the seed files" in page and "Made in the administration site." in page


def test_long_texts_can_be_read_whole_and_booleans_read_yes_or_no(cast, orgs):
    long_text = " ".join(["palabra"] * 60) + "\nFinal del texto."
    legacy_event(
        orgs.oim,
        action=Action.UPDATE,
        changes={
            "un_system": {"old": False, "new": True},
            "source_es": {"old": "", "new": long_text},
        },
    )
    page = history_page(client_for(cast.secretariat), "organisation", orgs.oim.pk, "es")
    assert "<td>No</td><td>Sí</td>" in page
    assert "<details><summary>" in page and "Final del texto." in page
    summary = page.split("<summary>", 1)[1].split("</summary>", 1)[0]
    assert summary.endswith("palabra…") and "palabr…" not in summary


def test_a_linked_record_the_viewer_may_not_see_is_not_named(cast, canary):
    activity = canary.open_activity
    legacy_event(
        activity,
        action=Action.UPDATE,
        changes={"element": {"old": canary.open_element.pk, "new": canary.secret_element.pk}},
    )
    entries = history_for(cast.observer, activity)
    (change,) = entries[0].changes
    assert change.old.text == str(canary.open_element)
    assert "CANARY" not in change.new.text


def test_the_page_takes_the_same_queries_for_many_events(cast, bodies, orgs):
    def activity_with(events: int):
        activity: Activity = ActivityFactory.create()
        for i in range(events):
            plan_services.activity_update(
                actor=cast.secretariat,
                activity=activity,
                data={
                    "title_es": f"Título {i}",
                    "working_group": bodies.wg_lab if i % 2 else bodies.wg_prot,
                },
                expected_version=None,
                budget_lines=[
                    {
                        "amount": Decimal(1000 + i),
                        "currency": "USD",
                        "source": "",
                        "funder": orgs.oim,
                        "committed": 0,
                        "spent": 0,
                        "visibility": Visibility.PUBLIC,
                    }
                ],
            )
            activity.refresh_from_db()
        return activity

    few, many = activity_with(2), activity_with(25)
    client = client_for(cast.secretariat)
    counts = []
    for activity in (few, many):
        history_page(client, "activity", activity.pk, "es")  # warm caches (content types)
        with CaptureQueriesContext(connection) as queries:
            history_page(client, "activity", activity.pk, "es")
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with CaptureQueriesContext(connection) as queries:
        entries = history_for(cast.secretariat, many)
    # The events (with their actors), then one query per kind of linked record named on
    # the page: working groups and funders.
    assert len(queries) == 3
    assert len(entries) == 50 and translation.get_language() == "es"


def test_a_password_change_stays_in_the_history(cast):
    legacy_event(
        cast.focal,
        action=Action.UPDATE,
        changes={"password": {"old": "…", "new": "(cambiada)"}},
        reason="admin",
    )
    (entry,) = history_for(cast.secretariat, cast.focal)
    assert [(c.label, c.new.text) for c in entry.changes] == [("Contraseña", "(cambiada)")]
