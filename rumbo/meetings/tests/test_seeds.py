"""The meetings that ship are the documents' meetings, with exactly what the documents say."""

from __future__ import annotations

import datetime as dt

import pytest

from rumbo.meetings.models import Meeting
from rumbo.meetings.services import meeting_update
from rumbo.seeds.loader import load_seeds

pytestmark = pytest.mark.django_db


def seeded(code: str) -> Meeting:
    return Meeting.objects.get(code=code)


def countries(m: Meeting) -> list[str]:
    return [p.organisation.code for p in m.participants.order_by("order")]


def test_the_grcm_of_1_december_2021_in_mexico_city():
    m = seeded("grcm-2021-12-01")
    assert m.title_es == "Reunión del Grupo Regional de Consulta sobre Migración (GRCM)"
    assert m.body.code == "GRCM"
    assert (m.start_date, m.start_precision, m.end_date) == (dt.date(2021, 12, 1), "day", None)
    assert m.place_es == "Ciudad de México"
    assert m.status == Meeting.Status.HELD
    # The ten countries the text lists, in its order; Honduras is not among them.
    assert countries(m) == ["BLZ", "CAN", "CRI", "SLV", "USA", "GTM", "MEX", "NIC", "PAN", "DOM"]
    assert all(
        (p.women, p.men, p.non_binary, p.not_stated) == (None, None, None, None)
        for p in m.participants.all()
    )
    assert "1 de diciembre de 2021 en la Ciudad de México" in m.source_es


def test_the_workshop_of_2_to_4_august_2023_has_no_place_and_no_body():
    m = seeded("workshop-2023-08-operational-plan")
    assert m.title_es == (
        "Taller para la Construcción del Plan Operativo del Plan de Acción Regional de "
        "Movilidad Laboral"
    )
    assert m.kind == Meeting.Kind.WORKSHOP
    assert (m.start_date, m.end_date) == (dt.date(2023, 8, 2), dt.date(2023, 8, 4))
    assert m.modality == Meeting.Modality.HYBRID  # "de forma presencial y virtual"
    assert m.place_es == "" and m.place_en == ""
    assert m.body is None
    assert countries(m) == ["RROCM"]  # the member countries are not named
    assert m.participants_note_es.startswith("los representantes de los Países Miembros")


def test_the_working_group_meeting_of_14_november_2023():
    m = seeded("wg-lab-2023-11-14")
    assert m.title_es == "Reunión del Grupo de Trabajo de Migración Laboral"
    assert m.body.code == "WG-LAB"
    assert (m.start_date, m.end_date) == (dt.date(2023, 11, 14), None)
    assert (m.place_es, m.modality) == ("", "")
    assert not m.participants.exists()


def test_the_xxviii_vice_ministerial_meeting_and_its_proposed_agenda_item():
    m = seeded("rvm-xxviii-2023")
    assert m.title_es == "XXVIII Reunión Viceministerial de la CRM"
    assert m.body.code == "RVM"
    assert (m.start_date, m.end_date) == (dt.date(2023, 12, 6), dt.date(2023, 12, 7))
    assert m.status == Meeting.Status.PLANNED  # not known to have been held
    assert m.place_es == ""
    [item] = m.agenda.all()
    assert (item.title_es, item.proposed) == ("la aprobación del Plan de Acción", True)
    assert "ha propuesto incluir la aprobación del Plan de Acción" in m.source_es


def test_the_2017_2019_chronology_keeps_the_precision_of_its_dates():
    expected = {
        # code: (title, start, start precision, end, place)
        "rvm-xxii-2017": (
            "XXII Reunión de la CRM",
            dt.date(2017, 11, 29),
            "day",
            dt.date(2017, 11, 30),
            "El Salvador",
        ),
        "workshop-2018-07-evaluation": (
            "Taller de Evaluación de la CRM",
            dt.date(2018, 7, 1),
            "month",
            None,
            "ciudad de Panamá",
        ),
        "grcm-2018-07": ("Reunión del GRCM", dt.date(2018, 7, 1), "month", None, ""),
        "troika-2018-08-panama": (
            "Reunión de la Troika",
            dt.date(2018, 8, 1),
            "month",
            None,
            "ciudad de Panamá",
        ),
        "troika-2018-08-virtual": (
            "Reunión virtual técnica de la Troika",
            dt.date(2018, 8, 1),
            "month",
            None,
            "",
        ),
        "grcm-2018-11": ("Reunión del GRCM", dt.date(2018, 11, 1), "month", None, ""),
        "rvm-xxiii-2018": (
            "XXIII Reunión de Viceministros de la CRM",
            dt.date(2018, 11, 15),
            "day",
            None,
            "",
        ),
        "grcm-2019-06": (
            "Reunión del Grupo Regional de Consulta sobre Migración (GRCM)",
            dt.date(2019, 6, 25),
            "day",
            dt.date(2019, 6, 26),
            "Ciudad de Guatemala, Guatemala",
        ),
    }
    for code, (title, start, precision, end, place) in expected.items():
        m = seeded(code)
        assert (m.title_es, m.start_date, m.start_precision, m.end_date, m.place_es) == (
            title,
            start,
            precision,
            end,
            place,
        ), code
        assert m.source_es.startswith("Plan Estratégico de la CRM 2019-2022"), code
    assert seeded("grcm-2018-11").status == Meeting.Status.NOT_REPORTED  # only "previo a"
    assert countries(seeded("troika-2018-08-panama")) == ["SLV", "GTM", "PAN"]
    assert len(countries(seeded("grcm-2019-06"))) == 11


def test_every_seeded_meeting_cites_its_source_and_invents_no_counts():
    meetings = Meeting.objects.exclude(code="")
    assert meetings.count() == 15
    for m in meetings:
        assert m.source_es and m.source_en, m.code
        assert not m.minutes_es and not m.documents.exists(), m.code
    undated = seeded("rvm-xxiv")
    assert (undated.start_date, undated.status) == (None, Meeting.Status.NOT_REPORTED)


def test_a_reload_keeps_what_people_changed(cast):
    m = seeded("wg-lab-2023-11-14")
    meeting_update(
        actor=cast.secretariat,
        meeting=m,
        data={"place_es": "Ciudad de Panamá"},
        expected_version=m.version,
    )
    load_seeds()
    m.refresh_from_db()
    assert m.place_es == "Ciudad de Panamá"
    assert seeded("grcm-2021-12-01").place_es == "Ciudad de México"
