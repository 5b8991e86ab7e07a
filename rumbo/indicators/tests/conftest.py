"""An indicator set to report on: a plan of 2023–2025 with indicators of each unit."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import translation

from rumbo.indicators import services
from rumbo.indicators.models import Dimension, Indicator
from rumbo.testing.factories import IndicatorFactory, PlanFactory

U = Indicator.Unit


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English here; test_messages_es.py reads them in Spanish."""
    with translation.override("en"):
        yield


@pytest.fixture
def ind(bodies):
    plan = PlanFactory(
        code="eval-plan", owner_body=bodies.wg_lab, period_start=2023, period_end=2025
    )
    sex = Dimension.objects.get(code="sex")
    count = IndicatorFactory(plan=plan, code="C1", unit=U.COUNT)
    count.dimensions.add(sex)
    return SimpleNamespace(
        plan=plan,
        sex=sex,
        cats={c.code: c for c in sex.categories.all()},
        count=count,
        percent=IndicatorFactory(plan=plan, code="P1", unit=U.PERCENT),
        average=IndicatorFactory(plan=plan, code="AV", aggregation="average"),
        latest=IndicatorFactory(plan=plan, code="LT", aggregation="latest"),
        cumulative=IndicatorFactory(plan=plan, code="CU", cumulative=True),
        yes_no=IndicatorFactory(plan=plan, code="YN", unit=U.YES_NO),
        text=IndicatorFactory(plan=plan, code="TX", unit=U.TEXT),
    )


def D(x: str | int) -> Decimal:
    return Decimal(str(x))


def report(actor, indicator, period, country, *, approve_as=None, **fields):
    """Record a value (and approve it when a reviewer is given)."""
    given = services.ValueInput(
        **{
            k: (D(v) if k in ("value", "numerator", "denominator") else v)
            for k, v in fields.items()
        }
    )
    m = services.measurement_save(
        actor=actor, indicator=indicator, period=period, country=country, given=given
    )
    if approve_as is not None:
        if m.status != m.Status.SUBMITTED and m.reported_by_id != approve_as.pk:
            m = services.measurement_submit(actor=actor, measurement=m)
        m = services.measurement_approve(actor=approve_as, measurement=m)
    return m
