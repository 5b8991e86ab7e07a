"""The shipped data states only what the five source documents state.

Read against the documents themselves where they are at hand (`../shared/seeds/*.txt` next to
the project, or the folder in RUMBO_SOURCE_DIR): statuses nobody gave are "not reported", a
schedule keeps the precision it was given, quoted texts are whole, and the English uses the
Conference's own names.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from rumbo.organisations.models import Body, Organisation
from rumbo.plans.models import Activity, Plan
from rumbo.plans.models.activity import is_overdue
from rumbo.seeds.loader import DATA_DIR

pytestmark = pytest.mark.django_db

SOURCE_DIR = Path(
    os.environ.get("RUMBO_SOURCE_DIR")
    or Path(__file__).resolve().parents[3].parent / "shared/seeds"
)
# Passages quoted from different places of a document are joined by " […] " or a blank line.
PASSAGES = re.compile(r"\s*\[…\]\s*|\n\s*\n")
MONTHS = {
    1: ("enero",),
    2: ("febrero",),
    3: ("marzo",),
    4: ("abril",),
    5: ("mayo",),
    6: ("junio",),
    7: ("julio",),
    8: ("agosto",),
    9: ("septiembre", "setiembre"),
    10: ("octubre",),
    11: ("noviembre", "nov"),
    12: ("diciembre", "dic"),
}


def normalised(text: str) -> str:
    """Text without markup, emphasis marks or whitespace: the extracted documents break lines
    and tables anywhere, so a quote is compared letter by letter."""
    text = re.sub(r"<[^>]+>", "", text).replace("*", "")
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def sources() -> str:
    files = sorted(SOURCE_DIR.glob("*.txt"))
    if not files:
        pytest.skip(f"the source documents are not at {SOURCE_DIR} (set RUMBO_SOURCE_DIR)")
    return normalised("\n".join(f.read_text(encoding="utf-8") for f in files))


def unquoted(text: str, sources: str) -> list[str]:
    """The passages of a quoted text that are not, as written, in a source document."""
    return [p for p in PASSAGES.split(text) if normalised(p) and normalised(p) not in sources]


def seed_files() -> list[Path]:
    return [DATA_DIR / "organisations.yaml", *sorted((DATA_DIR / "plans").glob("*.yaml"))]


def texts(node: Any, lang: str, path: str = "") -> Iterator[tuple[str, str]]:
    """Every text of one language in a seed file, with where it is."""
    if isinstance(node, dict):
        if isinstance(node.get(lang), str):
            yield path, node[lang]
        for key, value in node.items():
            yield from texts(value, lang, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from texts(value, lang, f"{path}[{i}]")


# Statuses and schedules ---------------------------------------------------------------------
def test_no_activity_has_a_status_the_sources_do_not_give():
    # None of the documents gives the status of an activity or of an action.
    statuses = set(Activity.objects.values_list("status", flat=True))
    assert statuses == {Activity.Status.NOT_REPORTED}
    for path in seed_files():
        for row in yaml.safe_load(path.read_text(encoding="utf-8")).get("activities", []):
            assert "status" not in row, (path.name, row["code"])


def test_no_activity_is_overdue_from_a_status_nobody_gave():
    years_later = dt.date(2030, 1, 1)
    assert [a.code for a in Activity.objects.all() if is_overdue(a, years_later)] == []


def test_the_action_plan_actions_are_followed_up_as_not_reported():
    plan = Plan.objects.get(code="crm-lmap-2023-2027")
    actions = Activity.objects.filter(plan=plan)
    assert actions.count() == 26
    assert set(actions.values_list("status", flat=True)) == {Activity.Status.NOT_REPORTED}
    action = actions.get(code="L1.A6")
    assert action.element.code == "L1.A6" and action.title_es == action.element.title_es


def test_schedules_keep_the_precision_the_plan_gives(sources):
    """A day only where the schedule names the day; otherwise the month(s) it names."""
    dated = Activity.objects.filter(plan__code="un-rn-2023-2024", start_date__isnull=False)
    assert dated.count() == 10
    for act in dated:
        note = act.schedule_note_es.lower()
        assert not unquoted(act.schedule_note_es, sources), act.code
        for day, precision in (
            (act.start_date, act.start_precision),
            (act.end_date, act.end_precision),
        ):
            if precision == Activity.Precision.DAY:
                assert re.search(rf"\b{day.day}\b", note), (act.code, day)
            else:
                assert precision == Activity.Precision.MONTH, act.code
                assert not re.search(r"\b\d{1,2}\b", re.sub(r"\b\d{4}\b", "", note)), act.code
                assert any(name in note for name in MONTHS[day.month]), (act.code, day)
    days = {a.code for a in dated if a.start_precision == Activity.Precision.DAY}
    assert days == {"BP1.5", "TP2.1"}


def test_a_month_is_not_overdue_before_it_ends():
    act = Activity.objects.get(plan__code="un-rn-2023-2024", code="BP3.2")  # "Julio de 2023"
    assert (act.start_precision, act.end_precision) == (Activity.Precision.MONTH,) * 2
    assert (act.start_date, act.end_date) == (dt.date(2023, 7, 1), dt.date(2023, 7, 31))
    act.status = Activity.Status.NOT_STARTED  # as if somebody reported it not started
    assert not is_overdue(act, dt.date(2023, 7, 31))
    assert is_overdue(act, dt.date(2023, 8, 1))


# Plans -------------------------------------------------------------------------------------
def test_plan_statuses_are_what_the_sources_say(sources):
    status = dict(Plan.objects.values_list("code", "status"))
    assert status == {
        # "avalada" by the GRCM and recommended for approval by the Vice-Ministerial Meeting
        "crm-sp-2019-2022": Plan.Status.ENDORSED,
        # the others: no status, or (the Action Plan) approved by 9 of 11 countries only
        "crm-sp-2023-2026": Plan.Status.NOT_REPORTED,
        "crm-lmap-2023-2027": Plan.Status.NOT_REPORTED,
        "crm-lmap-2023-2027-op": Plan.Status.NOT_REPORTED,
        "un-rn-2023-2024": Plan.Status.NOT_REPORTED,
    }
    notes = dict(Plan.objects.values_list("code", "status_note_es"))
    assert "fue avalada por el Grupo Regional de Consulta" in notes["crm-sp-2019-2022"]
    assert "recomienda a la XXIV Reunión Viceministerial aprobar" in notes["crm-sp-2019-2022"]
    assert "aprobado por 9 Países Miembros" in notes["crm-lmap-2023-2027"]
    assert "ha propuesto incluir la aprobación" in notes["crm-lmap-2023-2027"]
    for plan in Plan.objects.exclude(status_note_es=""):
        assert plan.status_note_en, plan.code
        assert not unquoted(plan.status_note_es, sources), plan.code


def test_plan_owners_only_where_a_source_names_them():
    owners = dict(Plan.objects.values_list("code", "owner_body__code"))
    assert owners == {
        "crm-sp-2019-2022": "GRCM",
        "crm-sp-2023-2026": None,
        "crm-lmap-2023-2027": "WG-LAB",
        "crm-lmap-2023-2027-op": None,
        "un-rn-2023-2024": None,
    }


# Bodies and organisations --------------------------------------------------------------------
def test_every_mandate_is_quoted_whole_from_a_source(sources):
    for body in Body.objects.exclude(mandate_es=""):
        assert not unquoted(body.mandate_es, sources), body.code
        assert body.mandate_en, body.code
    # The two mandates that were cut, whole.
    protection = Body.objects.get(code="WG-PROT").mandate_es
    assert "Plataforma de Apoyo del Marco Integral Regional" in protection
    border = Body.objects.get(code="WG-BORDER-IRR").mandate_es
    assert "desde un enfoque integral de corresponsabilidad" in border
    grcm = Body.objects.get(code="GRCM").mandate_es
    assert "a través de la vocería de la Presidencia Pro-Témpore" in grcm


def test_the_liaison_networks_focal_points_and_tripartite_mechanism_exist():
    networks = Body.objects.get(kind=Body.Kind.LIAISON_NETWORK)
    assert networks.name_es == "Redes de Funcionarios de Enlace"
    focal = Body.objects.get(kind=Body.Kind.FOCAL_POINTS)
    assert focal.mandate_es.startswith("Los Puntos Focales designados")
    mechanism = Body.objects.get(kind=Body.Kind.MECHANISM)
    assert "mecanismo tripartito" in mechanism.mandate_es
    assert set(mechanism.members.values_list("code", flat=True)) == {"SE-CRM", "RROCM"}


def test_working_groups_have_only_the_years_a_source_gives():
    groups = Body.objects.filter(kind=Body.Kind.WORKING_GROUP)
    assert not groups.filter(active_to__isnull=False).exists()
    formed_2019 = {"WG-PROT", "WG-IRR", "WG-LAB", "WG-BORDER"}  # June 2019, GRCM meeting
    assert set(groups.filter(active_from=2019).values_list("code", flat=True)) == formed_2019
    assert groups.get(code="WG-BORDER-IRR").active_from is None


def test_cepal_and_segib_names_whole(sources):
    cepal = Organisation.objects.get(code="CEPAL")
    assert cepal.name_es == (
        "Comisión Económica para América Latina y el Caribe de las Naciones Unidas/"
        "Centro Latinoamericano y Caribeño de Demografía"
    )
    assert "Economic Commission for Latin America and the Caribbean" in cepal.name_en
    segib = Organisation.objects.get(code="SEGIB")
    assert segib.name_es == "Secretaría General de la Conferencia Iberoamericana"
    assert segib.name_en == "Ibero-American General Secretariat"
    # Every observer the 2019-2022 plan names is named as it writes it (the 11th, cut in the
    # document after "Organización Internacional del", is completed: docs/data.md).
    for org in Organisation.objects.filter(kind=Organisation.Kind.OBSERVER_ORG).exclude(code="OIT"):
        assert normalised(org.name_es) in sources, org.code


# English -----------------------------------------------------------------------------------
SPANISH_ACRONYMS = re.compile(
    r"\b(CRM|GRCM|RROCM)\b|Pro Tempore Presidency|pro tempore presidency|Statutory Charter"
    r"|[Ww]orking [Tt]ables?\b"
)


def test_english_uses_the_conference_s_own_names():
    for path in seed_files():
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for where, text in texts(doc, "en"):
            assert not SPANISH_ACRONYMS.search(text), (path.name, where, text[:120])
    rrocm = Organisation.objects.get(code="RROCM")
    assert (rrocm.acronym_en, rrocm.acronym_es) == ("RNCOM", "RROCM")


def test_spanish_stays_as_written():
    for path in seed_files():
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for where, text in texts(doc, "es"):
            assert not re.search(r"\b(RCM|RCGM|RNCOM)\b", text), (path.name, where)
