"""A synthetic plan with every field the IATI file is written from, and members-only records
beside each public one; and the IATI activity schema to validate the files against."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone
from lxml import etree

from rumbo.core.visibility import Visibility
from rumbo.indicators import services
from rumbo.indicators.models import Dimension, ExpectedResult, Indicator
from rumbo.plans.models import (
    Activity,
    ActivityParty,
    BudgetLine,
    GcmObjective,
    SdgTarget,
    StatusChange,
)
from rumbo.testing.factories import (
    ActivityFactory,
    IndicatorFactory,
    OrganisationFactory,
    PlanFactory,
)

# The IATI-Schemas files sit beside the project (../shared/iati-schemas), or in the folder
# RUMBO_IATI_SCHEMA_DIR names.
SCHEMA_DIR = Path(
    os.environ.get("RUMBO_IATI_SCHEMA_DIR")
    or Path(__file__).resolve().parents[3].parent / "shared/iati-schemas"
)
M = Visibility.MEMBERS
S = Activity.Status


@pytest.fixture(scope="session")
def iati_schema() -> Any:
    path = SCHEMA_DIR / "iati-activities-schema.xsd"
    if not path.exists():
        pytest.skip(f"the IATI schemas are not at {SCHEMA_DIR} (set RUMBO_IATI_SCHEMA_DIR)")
    return etree.XMLSchema(etree.parse(str(path)))


def value(actor: Any, indicator: Indicator, period: str, country: Any, **given: Any) -> Any:
    """A value recorded (and left as it is: a draft) through the service people use."""
    return services.measurement_save(
        actor=actor,
        indicator=indicator,
        period=period,
        country=country,
        given=services.ValueInput(**given),
    )


def approved(actor: Any, indicator: Indicator, period: str, country: Any, **given: Any) -> Any:
    m = value(actor, indicator, period, country, **given)
    return services.measurement_approve(actor=actor, measurement=m)


@pytest.fixture
def full(cast: Any, orgs: Any) -> SimpleNamespace:
    """A public plan of 2023–2025 whose activity has every field filled, with a members-only
    activity, organisation, budget line, indicator and an unapproved value beside them."""
    se = cast.secretariat
    plan: Any = PlanFactory(
        code="iati-plan",
        title_es="Plan de prueba",
        title_en="Test plan",
        description_es="Descripción del plan",
        description_en="The plan's description",
        period_start=2023,
        period_end=2025,
    )
    secret_org: Any = OrganisationFactory(
        code="SECRET-ORG", name_es="CANARY3 organización", visibility=M
    )
    act: Any = ActivityFactory(
        plan=plan,
        code="A1",
        title_es="Taller regional",
        title_en="Regional workshop",
        description_es="Solo en español",
        description_en="",
        start_date=dt.date(2023, 7, 1),
        start_precision=Activity.Precision.MONTH,
        end_date=dt.date(2024, 12, 31),
        end_precision=Activity.Precision.YEAR,
        status=S.FINISHED,
    )
    act.gcm_objectives.add(GcmObjective.objects.get(number=6))
    sdg = SdgTarget.objects.filter(code="10.7").first() or SdgTarget.objects.create(
        code="10.7", title_es="Migración ordenada", title_en="Orderly migration"
    )
    act.sdg_targets.add(sdg)
    ActivityParty.objects.create(activity=act, organisation=orgs.gtm, role="lead")
    ActivityParty.objects.create(activity=act, organisation=orgs.oim, role="accompanying")
    ActivityParty.objects.create(activity=act, organisation=secret_org, role="accompanying")
    BudgetLine.objects.create(activity=act, amount=Decimal("15000.50"), funder=orgs.oim)
    BudgetLine.objects.create(activity=act, amount=Decimal("4999.50"), currency="USD")
    BudgetLine.objects.create(activity=act, amount=Decimal(800), currency="MXN")
    BudgetLine.objects.create(
        activity=act, amount=Decimal(777), currency="EUR", funder=secret_org, visibility=M
    )
    now = timezone.now()
    for old, new, day in [
        (S.NOT_STARTED, S.IN_PROGRESS, dt.date(2023, 7, 10)),
        (S.IN_PROGRESS, S.FINISHED, dt.date(2024, 11, 30)),
    ]:
        StatusChange.objects.create(
            activity=act, old_status=old, new_status=new, happened_on=day, at=now
        )
    secret_act: Any = ActivityFactory(
        plan=plan, code="SECRET", title_es="CANARY3 actividad", visibility=M, effective_visibility=M
    )
    result = ExpectedResult.objects.create(
        plan=plan, code="R1", text_es="Resultado esperado", text_en="Expected result"
    )
    sex = Dimension.objects.get(code="sex")
    cats = {c.code: c for c in sex.categories.all()}
    count: Any = IndicatorFactory(
        plan=plan,
        result=result,
        code="C1",
        kind=Indicator.Kind.OUTPUT,
        name_es="Personas capacitadas",
        name_en="People trained",
        means_of_verification_es="Listas de asistencia",
        baseline_value=Decimal(3),
        baseline_date=dt.date(2022, 12, 31),
    )
    count.dimensions.add(sex)
    services.targets_set(
        actor=se,
        indicator=count,
        targets={("2023", None): Decimal(20), ("2023", orgs.gtm.pk): Decimal(12)},
    )
    women, men = cats["women"].pk, cats["men"].pk
    approved(
        se,
        count,
        "2023",
        orgs.gtm,
        value=Decimal(9),
        parts={women: {"value": Decimal(5)}, men: {"value": Decimal(4)}},
    )
    approved(se, count, "2023", orgs.mex, value=Decimal(6))
    value(se, count, "2024", orgs.gtm, value=Decimal(424242))  # a draft: not counted
    percent: Any = IndicatorFactory(
        plan=plan,
        activity=act,
        code="P1",
        unit=Indicator.Unit.PERCENT,
        direction=Indicator.Direction.DECREASE,
        name_es="Porcentaje de casos",
        name_en="",
    )
    approved(se, percent, "2024", orgs.pan, numerator=Decimal(1), denominator=Decimal(4))
    secret_ind: Any = IndicatorFactory(
        plan=plan, code="SECRET-IND", name_es="CANARY3 indicador", visibility=M
    )
    approved(se, secret_ind, "2023", orgs.gtm, value=Decimal(31337))
    return SimpleNamespace(
        plan=plan,
        act=act,
        secret_act=secret_act,
        secret_org=secret_org,
        count=count,
        percent=percent,
        secret_ind=secret_ind,
        cats=cats,
    )
