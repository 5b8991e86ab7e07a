"""A SYNTHETIC set of indicators and values for the indicator-figures benchmark: invented
plans, countries, indicators and values at the size a regional process reaches after years
of quarterly reporting.

Everything here is made up and marked as such: countries X01..X35 (never real ISO codes; the
same ones as `benchmarks.synthetic`), plans ``bench-ind-plan-N`` whose titles say
"sintético" / "synthetic", indicators ``BI00001``... It is written only into a throwaway
database (`benchmarks.synthetic.ensure_throwaway_database`), never into the real data.

Rows are inserted with ``bulk_create``, without services or audit rows: speed matters at a
million values, and a synthetic record has no history worth auditing. The stored whole-plan
figures the services would keep (`rumbo.indicators.totals`) are computed as each batch is
added.

How the values are counted: every Measurement row is one value, and so is every
MeasurementPart row (one category's share of a measurement). Each indicator gets the same
budget, `values // indicators` (the remainder goes to the first ones), and measurements are
added until the budget is spent exactly, so the total is exact. Indicator i always gets the
same design and values whatever the total number of indicators, so growing the data set
from a small size to the full one keeps the first indicators as they were.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from benchmarks.synthetic import COUNTRIES, ensure_throwaway_database, synthetic_countries
from rumbo.core.visibility import Visibility
from rumbo.indicators import periods, totals
from rumbo.indicators.models import Category, Dimension, Indicator, Measurement, MeasurementPart
from rumbo.indicators.models import Target as TargetRow
from rumbo.organisations.models import Organisation
from rumbo.plans.models import Plan
from rumbo.testing.factories import PlanFactory

PLANS = 8
FIRST_YEAR, LAST_YEAR = 2019, 2026
PLAN_PREFIX = "bench-ind-plan-"
CODE_PREFIX = "BI"
SEED = 2026
DIMENSIONS = ("sex", "age", "migratory-status")  # the seeded ones (rumbo/seeds/data)
BREAKDOWN_GIVEN = 0.85  # chance that a measurement breaks a value down by one of its dimensions
STATUSES = {
    Measurement.Status.APPROVED: 88,
    Measurement.Status.SUBMITTED: 4,
    Measurement.Status.RETURNED: 2,
    Measurement.Status.DRAFT: 6,
}
BATCH = 5000

U = Indicator.Unit
A = Indicator.Aggregation


@dataclass
class World:
    """The fixed part: what indicators and values are spread over."""

    countries: list[Organisation]
    plans: list[Plan]
    categories: dict[str, list[Category]]  # dimension code -> its categories
    dimensions: dict[str, Dimension]
    quarters: list[str] = field(default_factory=list)


@dataclass
class Counts:
    indicators: int = 0
    measurements: int = 0
    parts: int = 0
    approved: int = 0
    targets: int = 0

    @property
    def values(self) -> int:
        return self.measurements + self.parts

    def add(self, other: Counts) -> None:
        self.indicators += other.indicators
        self.measurements += other.measurements
        self.parts += other.parts
        self.approved += other.approved
        self.targets += other.targets


def build_world() -> World:
    """Create (or find) the synthetic countries and plans; read the seeded dimensions."""
    ensure_throwaway_database()
    with transaction.atomic():
        countries = synthetic_countries(COUNTRIES)
        existing = {p.code: p for p in Plan.objects.filter(code__startswith=PLAN_PREFIX)}
        plans = []
        for n in range(1, PLANS + 1):
            code = f"{PLAN_PREFIX}{n}"
            plan = existing.get(code) or PlanFactory.create(
                code=code,
                title_es=f"Plan sintético de indicadores {n} (datos de prueba de rendimiento)",
                title_en=f"Synthetic indicator plan {n} (benchmark data)",
                period_start=FIRST_YEAR,
                period_end=LAST_YEAR,
            )
            plans.append(plan)
    dims = {d.code: d for d in Dimension.objects.filter(code__in=DIMENSIONS)}
    missing = set(DIMENSIONS) - set(dims)
    if missing:
        raise RuntimeError(f"the seeded dimensions are missing: {sorted(missing)}")
    cats = {
        code: list(Category.objects.filter(dimension=d).order_by("order"))
        for code, d in dims.items()
    }
    quarters = [p.code for p in periods.periods_between(FIRST_YEAR, LAST_YEAR, "quarter")]
    return World(countries, plans, cats, dims, quarters)


def synthetic_indicators() -> Any:
    return Indicator.objects.filter(plan__code__startswith=PLAN_PREFIX)


def budget(i: int, total_indicators: int, total_values: int) -> int:
    """The values of indicator i: an equal share, the remainder to the first ones."""
    share, extra = divmod(total_values, total_indicators)
    return share + (1 if i < extra else 0)


def _design(world: World, i: int, rng: random.Random) -> tuple[Indicator, list[str]]:
    r = rng.random()
    unit = U.COUNT if r < 0.6 else U.PERCENT if r < 0.85 else U.YES_NO
    # The first two indicators of each plan are one of each kind of grouping (a summed count
    # broken down by all three dimensions; a yes/no, a level): the query count of the
    # figures depends on which kinds a set holds, so even the smallest size holds both.
    first = i // PLANS
    if first == 0:
        unit = U.COUNT
    elif first == 1:
        unit = U.YES_NO
    cumulative = False
    if unit == U.COUNT and first == 0:
        aggregation, dims = A.SUM, list(DIMENSIONS)
    elif unit == U.COUNT:
        aggregation = rng.choices([A.SUM, A.AVERAGE, A.LATEST], weights=[60, 20, 20])[0]
        cumulative = aggregation == A.SUM and rng.random() < 0.3
        dims = rng.choices(
            [[], ["sex"], ["sex", "age"], list(DIMENSIONS)], weights=[15, 40, 25, 20]
        )[0]
    elif unit == U.PERCENT:
        aggregation = rng.choices([A.SUM, A.LATEST], weights=[80, 20])[0]
        dims = rng.choice([[], ["sex"]])
    else:
        aggregation, dims = A.LATEST, []
    n = i + 1
    ind = Indicator(
        plan=world.plans[i % len(world.plans)],
        kind=Indicator.Kind.RESULT,
        code=f"{CODE_PREFIX}{n:05d}",
        order=n,
        name=f"Indicador sintético {n}",
        name_es=f"Indicador sintético {n}",
        name_en=f"Synthetic indicator {n}",
        unit=unit,
        cumulative=cumulative,
        aggregation=aggregation,
        frequency="quarter",
        reported_by=Indicator.Reporter.COUNTRIES,
        visibility=Visibility.MEMBERS if rng.random() < 0.1 else Visibility.PUBLIC,
    )
    return ind, dims


def _split(total: int, n: int, rng: random.Random) -> list[int]:
    """`total` split into n whole shares that add up to it."""
    weights = [rng.random() + 0.1 for _ in range(n)]
    scale = sum(weights)
    shares = [int(total * w / scale) for w in weights]
    shares[-1] += total - sum(shares)
    return shares


def _measurement(
    world: World,
    ind: Indicator,
    dims: list[str],
    period: str,
    country: Organisation,
    rng: random.Random,
    room: int,
) -> tuple[Measurement, list[MeasurementPart]]:
    """One value and its breakdown, at most `room` values in all."""
    given = [d for d in dims if rng.random() < BREAKDOWN_GIVEN]
    while given and 1 + sum(len(world.categories[d]) for d in given) > room:
        given.pop()
    status = rng.choices(list(STATUSES), weights=list(STATUSES.values()))[0]
    m = Measurement(indicator=ind, period=period, country=country, status=status)
    parts: list[MeasurementPart] = []
    if ind.unit == U.PERCENT:
        den = rng.randint(50, 5000)
        num = rng.randint(0, den)
        m.numerator, m.denominator = Decimal(num), Decimal(den)
        m.value = (Decimal(num) / Decimal(den) * 100).quantize(Decimal("0.0001"))
        for d in given:
            cats = world.categories[d]
            dens = _split(den, len(cats), rng)
            nums = _split(num, len(cats), rng)
            nums = [min(a, b) for a, b in zip(nums, dens, strict=True)]
            nums[-1] += num - sum(nums)
            for cat, a, b in zip(cats, nums, dens, strict=True):
                parts.append(
                    MeasurementPart(category=cat, numerator=Decimal(a), denominator=Decimal(b))
                )
    elif ind.unit == U.YES_NO:
        m.value = Decimal(1 if rng.random() < 0.7 else 0)
    else:
        value = rng.randint(0, 2000)
        m.value = Decimal(value)
        for d in given:
            cats = world.categories[d]
            for cat, share in zip(cats, _split(value, len(cats), rng), strict=True):
                parts.append(MeasurementPart(category=cat, value=Decimal(share)))
    return m, parts


def _targets(world: World, ind: Indicator, rng: random.Random) -> list[TargetRow]:
    """Regional targets for every fourth quarter and the whole plan for half the indicators;
    three countries' whole-plan targets for a fifth of those."""
    if rng.random() >= 0.5:
        return []
    rows: list[TargetRow] = []
    scale = 100 if ind.unit == U.PERCENT else 1 if ind.unit == U.YES_NO else 20_000
    for k, code in enumerate(q for q in world.quarters if q.endswith("Q4")):
        level = min(scale, scale * (k + 1) // 8) if ind.cumulative else scale // 2
        rows.append(TargetRow(indicator=ind, period=code, value=Decimal(level)))
    rows.append(TargetRow(indicator=ind, period=periods.WHOLE_PLAN, value=Decimal(scale)))
    if rng.random() < 0.2:
        for c in rng.sample(world.countries, 3):
            rows.append(
                TargetRow(indicator=ind, period=periods.WHOLE_PLAN, country=c, value=Decimal(scale))
            )
    return rows


def add_indicators(world: World, stop: int, total_indicators: int, total_values: int) -> Counts:
    """Add synthetic indicators (and their values and targets) until there are `stop`."""
    ensure_throwaway_database()
    start = synthetic_indicators().count()
    counts = Counts()
    through = Indicator.dimensions.through
    for first in range(start, stop, 100):
        last = min(first + 100, stop)
        with transaction.atomic():
            designs = []
            for i in range(first, last):
                rng = random.Random(SEED * 1_000_003 + i)
                ind, dims = _design(world, i, rng)
                designs.append((i, ind, dims, rng))
            Indicator.objects.bulk_create([d[1] for d in designs])
            through.objects.bulk_create(
                through(indicator_id=ind.pk, dimension_id=world.dimensions[d].pk)
                for _, ind, dims, _ in designs
                for d in dims
            )
            targets: list[TargetRow] = []
            measurements: list[tuple[Measurement, list[MeasurementPart]]] = []
            for i, ind, dims, rng in designs:
                targets += _targets(world, ind, rng)
                measurements += _values(
                    world, ind, dims, rng, budget(i, total_indicators, total_values)
                )
                if len(measurements) >= BATCH:
                    counts.add(_insert(measurements))
                    measurements = []
            counts.add(_insert(measurements))
            TargetRow.objects.bulk_create(targets, batch_size=1000)
            # Rumbo's services store the whole-plan figures as values are approved; rows
            # inserted in bulk get theirs here, in the same transaction, as the services do.
            totals.refresh(ind.pk for _, ind, _, _ in designs)
            counts.targets += len(targets)
            counts.indicators += len(designs)
    return counts


def _values(
    world: World, ind: Indicator, dims: list[str], rng: random.Random, room: int
) -> list[tuple[Measurement, list[MeasurementPart]]]:
    """Measurements until `room` values are spent: each country of the indicator reports
    quarter after quarter, as many countries as it takes to spread the values over all 32
    quarters (more are added if the budget is not spent)."""
    cats = sum(len(world.categories[d]) for d in dims)
    expected = room / (1 + BREAKDOWN_GIVEN * cats)
    order = rng.sample(world.countries, len(world.countries))
    k = min(len(order), max(1, math.ceil(expected / len(world.quarters))))
    out: list[tuple[Measurement, list[MeasurementPart]]] = []
    done = 0
    while room > 0 and done < len(order):
        for q in world.quarters:
            for country in order[done:k]:
                if room <= 0:
                    break
                m, parts = _measurement(world, ind, dims, q, country, rng, room)
                room -= 1 + len(parts)
                out.append((m, parts))
        done, k = k, min(len(order), k + 3)
    return out


def _insert(rows: list[tuple[Measurement, list[MeasurementPart]]]) -> Counts:
    Measurement.objects.bulk_create([m for m, _ in rows], batch_size=1000)
    parts = []
    for m, ps in rows:
        for p in ps:
            p.measurement = m
            parts.append(p)
    MeasurementPart.objects.bulk_create(parts, batch_size=2000)
    approved = sum(1 for m, _ in rows if m.status == Measurement.Status.APPROVED)
    return Counts(measurements=len(rows), parts=len(parts), approved=approved)
