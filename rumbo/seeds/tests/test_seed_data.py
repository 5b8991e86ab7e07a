"""The shipped data says what the source documents say."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rumbo.indicators.models import Indicator
from rumbo.organisations.models import Body, Organisation
from rumbo.plans.models import Activity, Plan, PlanElement
from rumbo.seeds.loader import DATA_DIR, SeedError, load_seeds

pytestmark = pytest.mark.django_db


def children_counts(plan_code: str, depth: int) -> list[int]:
    plan = Plan.objects.get(code=plan_code)
    parents = PlanElement.objects.filter(plan=plan, depth=depth).order_by("order")
    return [p.children.count() for p in parents]


def test_member_countries_are_the_eleven():
    codes = set(
        Organisation.objects.filter(kind=Organisation.Kind.MEMBER_STATE).values_list(
            "code", flat=True
        )
    )
    assert codes == {"BLZ", "CAN", "CRI", "SLV", "USA", "GTM", "HND", "MEX", "NIC", "PAN", "DOM"}


def test_bodies_and_presidencies():
    assert Body.objects.filter(code__in=["RVM", "GRCM", "TROIKA"]).count() == 3
    ppt = {(b.country.code, b.year) for b in Body.objects.filter(kind=Body.Kind.PPT)}
    assert ("GTM", 2019) in ppt and ("SLV", 2022) in ppt and ("PAN", 2023) in ppt
    assert Organisation.objects.get(code="RROCM").kind == Organisation.Kind.CIVIL_SOCIETY


def test_strategic_plan_2023_2026_pillars_and_topics():
    plan = Plan.objects.get(code="crm-sp-2023-2026")
    pillars = PlanElement.objects.filter(plan=plan, depth=0).order_by("order")
    assert [p.title_es for p in pillars] == [
        "Gobernanza migratoria",
        "Integración, migración y su vínculo con el desarrollo",
        "Preparación, protección, atención y migración irregular",
    ]
    assert children_counts("crm-sp-2023-2026", 0) == [11, 13, 15]
    assert plan.results.count() == 4
    kinds = list(Indicator.objects.filter(plan=plan).values_list("kind", flat=True))
    assert sorted(kinds) == sorted(["result"] * 3 + ["process"] * 2 + ["impact"] * 3)


def test_strategic_plan_2019_2022_topics():
    assert children_counts("crm-sp-2019-2022", 0) == [9, 11, 15]
    plan = Plan.objects.get(code="crm-sp-2019-2022")
    closed_doors = plan.statements.filter(text_es__contains="a puerta cerrada")
    assert closed_doors.exists(), "section 3.10 (closed-door sessions) must be there"


def test_labour_mobility_action_plan_lines_and_actions():
    plan = Plan.objects.get(code="crm-lmap-2023-2027")
    lines = PlanElement.objects.filter(plan=plan, depth=0).order_by("order")
    assert [line.code for line in lines] == ["L1", "L2", "L3", "L4"]
    actions = [
        PlanElement.objects.filter(plan=plan, depth=2, parent__parent=line).count()
        for line in lines
    ]
    assert actions == [8, 7, 5, 6]
    system_dynamics = PlanElement.objects.get(plan=plan, code="L1.A6")
    assert "dinámica de sistemas" in system_dynamics.notes_es
    assert plan.statements.filter(kind="cross_cutting_axis").count() == 5


def test_operational_plan_belongs_to_the_action_plan():
    op = Plan.objects.get(code="crm-lmap-2023-2027-op")
    assert op.kind == Plan.Kind.OPERATIONAL
    assert op.parent.code == "crm-lmap-2023-2027"


def test_network_plan_priorities_activities_and_gcm_objectives():
    plan = Plan.objects.get(code="un-rn-2023-2024")
    tp2 = PlanElement.objects.get(plan=plan, code="TP2")
    numbers = sorted(tp2.gcm_objectives.values_list("number", flat=True))
    assert numbers == [5, 6, 9, 10, 16, 17, 19, 22, 23]
    assert Activity.objects.filter(plan=plan).count() == 26
    champion = Activity.objects.get(plan=plan, code="BP1.5")
    assert str(champion.start_date) == "2023-09-27"
    leads = champion.parties.filter(role="lead").values_list("organisation__code", flat=True)
    assert list(leads) == ["OIM"]


def test_every_text_has_both_languages():
    for el in PlanElement.objects.all():
        assert el.title_es and el.title_en, el.code
    for act in Activity.objects.all():
        assert act.title_es and act.title_en, act.code
    for plan in Plan.objects.all():
        assert plan.title_es and plan.title_en, plan.code


def test_loading_twice_changes_nothing():
    before = (Plan.objects.count(), PlanElement.objects.count(), Activity.objects.count())
    report = load_seeds()
    assert report.created == {}
    assert (Plan.objects.count(), PlanElement.objects.count(), Activity.objects.count()) == before


def test_a_bad_file_writes_nothing_and_names_the_place(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    broken = data / "plans" / "zz-broken.yaml"
    broken.write_text(
        "code: zz-broken\nkind: action\ntitle: {es: Roto}\nperiod: [2023, 2024]\n"
        "elements:\n  - code: X1\n    title: {es: Uno}\n"
        "activities:\n  - code: A1\n    element: X9\n    title: {es: Actividad}\n",
        encoding="utf-8",
    )
    with pytest.raises(SeedError) as err:
        load_seeds(data)
    assert "zz-broken.yaml" in str(err.value) and "activities[0]" in str(err.value)
    assert "X9" in str(err.value)
    assert not Plan.objects.filter(code="zz-broken").exists()
