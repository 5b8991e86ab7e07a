"""A SYNTHETIC regional-scale dataset for benchmarks: invented countries, working groups,
plans and activities, at the size a regional process reaches after many years of use.

Everything here is made up and marked as such: organisation codes X01..X35 (never real ISO
codes), bodies ``bench-wg-N``, plans ``bench-plan-NN`` whose titles say "sintético" /
"synthetic". It is written only into a throwaway database (see `ensure_throwaway_database`);
it is never part of the real data in ``rumbo/seeds/data``.

The small cast (organisations, bodies, plans, elements, the benchmark user) comes from the
test factories. Activities, their parties and budget lines are inserted with ``bulk_create``
in batches, without services or audit rows: speed matters at 100,000 rows, and a synthetic
record has no history worth auditing. The inherited visibility is therefore set here with
the rule ``plans.services.refresh_effective_visibility`` applies: max(own, plan, element's).
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from django.db import connection, transaction
from django.utils import timezone

from rumbo.core.visibility import Visibility
from rumbo.organisations.models import Body, Organisation, User
from rumbo.plans.models import Activity, ActivityParty, BudgetLine, Plan, PlanElement
from rumbo.testing.factories import (
    BodyFactory,
    ElementFactory,
    OrganisationFactory,
    PlanFactory,
    UserFactory,
)

COUNTRIES = 35
GROUPS = 8
PLANS = 50
PILLARS = 4
TOPICS = 5
PLAN_PREFIX = "bench-plan-"
USERNAME = "bench-secretariat"
BATCH = 2000

# Roughly what a follow-up matrix looks like years into a process: most activities whose
# deadline has passed are closed, a quarter are still open (overdue); later ones are open.
PAST_STATUSES = {
    Activity.Status.NOT_STARTED: 8,
    Activity.Status.IN_PROGRESS: 17,
    Activity.Status.FINISHED: 50,
    Activity.Status.NOT_ACHIEVED: 15,
    Activity.Status.CANCELLED: 10,
}
FUTURE_STATUSES = {
    Activity.Status.NOT_STARTED: 45,
    Activity.Status.IN_PROGRESS: 50,
    Activity.Status.CANCELLED: 5,
}
MEMBERS_ONLY_SHARE = 0.10


class NotAThrowawayDatabase(RuntimeError):
    """Raised rather than write synthetic rows into a database that may hold real data."""


def ensure_throwaway_database() -> None:
    """Synthetic rows go only into an in-memory database, a test database, or an SQLite file
    in the system's temporary directory."""
    name = str(connection.settings_dict.get("NAME") or "")
    if connection.vendor == "sqlite":
        if name == ":memory:" or "mode=memory" in name:
            return
        temp = Path(tempfile.gettempdir()).resolve()
        if temp in Path(name).resolve().parents:
            return
    elif name.startswith("test_"):
        return
    raise NotAThrowawayDatabase(
        f"refusing to write synthetic data into {connection.vendor} database {name!r}"
    )


@dataclass
class World:
    """The fixed part of the dataset: what activities are spread over."""

    countries: list[Organisation]
    groups: list[Body]
    plans: list[Plan]
    # plan id -> elements activities may serve (the topics, plus the pillars)
    targets: dict[int, list[PlanElement]]


def synthetic_countries(count: int) -> list[Organisation]:
    """The synthetic member countries X01, X02… (created, or found by their code)."""
    return [
        OrganisationFactory.create(
            code=f"X{n:02d}",
            kind=Organisation.Kind.MEMBER_STATE,
            name_es=f"País sintético {n:02d}",
            name_en=f"Synthetic country {n:02d}",
        )
        for n in range(1, count + 1)
    ]


def build_world() -> World:
    """Create (or find) the synthetic countries, working groups, plans and element trees."""
    ensure_throwaway_database()
    with transaction.atomic():
        countries = synthetic_countries(COUNTRIES)
        groups = [
            BodyFactory.create(
                code=f"bench-wg-{n}",
                kind=Body.Kind.WORKING_GROUP,
                name_es=f"Grupo de trabajo sintético {n}",
                name_en=f"Synthetic working group {n}",
            )
            for n in range(1, GROUPS + 1)
        ]
        existing = {p.code: p for p in Plan.objects.filter(code__startswith=PLAN_PREFIX)}
        plans = []
        for n in range(1, PLANS + 1):
            code = f"{PLAN_PREFIX}{n:02d}"
            plan = existing.get(code)
            if plan is None:
                start = 2016 + (n - 1) % 11  # 3-year periods from 2016–2018 to 2026–2028
                plan = PlanFactory.create(
                    code=code,
                    kind=Plan.Kind.WORKING_GROUP,
                    title_es=f"Plan sintético {n:02d} (datos de prueba de rendimiento)",
                    title_en=f"Synthetic plan {n:02d} (benchmark data)",
                    period_start=start,
                    period_end=start + 2,
                    status=Plan.Status.APPROVED,
                    # A few plans for observers and above, to exercise the inherited level.
                    visibility=Visibility.OBSERVERS if n % 25 == 0 else Visibility.PUBLIC,
                    owner_body=groups[(n - 1) % GROUPS],
                    levels=[{"es": "Pilar", "en": "Pillar"}, {"es": "Tema", "en": "Topic"}],
                )
                _build_tree(plan, n)
            plans.append(plan)
    targets: dict[int, list[PlanElement]] = {p.pk: [] for p in plans}
    for el in PlanElement.objects.filter(plan__in=plans).order_by("plan_id", "depth", "order"):
        targets[el.plan_id].append(el)
    return World(countries, groups, plans, targets)


def _build_tree(plan: Plan, n: int) -> None:
    pillars = [
        ElementFactory.build(
            plan=plan,
            code=f"P{p}",
            order=p,
            title_es=f"Pilar sintético {p}",
            title_en=f"Synthetic pillar {p}",
            # One pillar in every twelfth plan is for the civil-society network and above.
            visibility=Visibility.NETWORK if n % 12 == 0 and p == PILLARS else Visibility.PUBLIC,
        )
        for p in range(1, PILLARS + 1)
    ]
    PlanElement.objects.bulk_create(pillars)
    PlanElement.objects.bulk_create(
        ElementFactory.build(
            plan=plan,
            parent=pillar,
            code=f"P{p}.T{t}",
            order=t,
            title_es=f"Tema sintético {p}.{t}",
            title_en=f"Synthetic topic {p}.{t}",
        )
        for p, pillar in enumerate(pillars, start=1)
        for t in range(1, TOPICS + 1)
    )


def bench_user() -> User:
    """The secretariat member the benchmark acts as (sees members-only records)."""
    ensure_throwaway_database()
    return UserFactory.create(
        username=USERNAME,
        role=User.Role.SECRETARIAT,
        organisation=Organisation.objects.get(code="SE-CRM"),
        is_staff=True,
    )


def synthetic_activities() -> Any:
    return Activity.objects.filter(plan__code__startswith=PLAN_PREFIX)


def add_activities(world: World, total: int, *, seed: int = 2019) -> int:
    """Add synthetic activities until there are `total` of them; return how many were added.

    Activity i goes to plan i mod 50 with code Bnnnnnn, so growing a dataset from 20,000 to
    100,000 keeps the first 20,000 as they were. Values are drawn from a generator seeded by
    `seed` and the first new index: the same calls give the same data."""
    ensure_throwaway_database()
    done = synthetic_activities().count()
    rng = random.Random(seed * 1_000_003 + done)
    today = timezone.localdate()
    for start in range(done, total, BATCH):
        stop = min(start + BATCH, total)
        with transaction.atomic():
            acts = [_activity(world, i, rng, today) for i in range(start, stop)]
            Activity.objects.bulk_create(acts, batch_size=500)
            parties: list[ActivityParty] = []
            budgets: list[BudgetLine] = []
            for act in acts:
                lead, other = rng.sample(world.countries, 2)
                parties.append(ActivityParty(activity=act, organisation=lead, role="lead"))
                parties.append(ActivityParty(activity=act, organisation=other, role="accompanying"))
                budgets.append(
                    BudgetLine(
                        activity=act,
                        amount=Decimal(rng.randrange(500_000, 50_000_000)) / 100,
                        currency="USD" if rng.random() < 0.9 else "EUR",
                        source="Fondos sintéticos",
                    )
                )
            ActivityParty.objects.bulk_create(parties, batch_size=1000)
            BudgetLine.objects.bulk_create(budgets, batch_size=1000)
    return max(total - done, 0)


def _activity(world: World, i: int, rng: random.Random, today: dt.date) -> Activity:
    plan = world.plans[i % len(world.plans)]
    targets = world.targets[plan.pk]
    # Mostly a topic (depth 1); one in ten serves a whole pillar.
    element = rng.choice(targets[:PILLARS] if rng.random() < 0.1 else targets[PILLARS:])
    year = rng.randint(1, plan.plan_years)
    end = dt.date(plan.period_start + year - 1, rng.randint(1, 12), rng.randint(1, 28))
    weights = PAST_STATUSES if end < today else FUTURE_STATUSES
    status = rng.choices(list(weights), weights=list(weights.values()))[0]
    own = Visibility.MEMBERS if rng.random() < MEMBERS_ONLY_SHARE else Visibility.PUBLIC
    n = i + 1
    people = rng.randint(10, 90)
    risky = rng.random() < 0.6
    # _build_tree gives every element both titles.
    topic_es, topic_en = cast(str, element.title_es), cast(str, element.title_en)
    return Activity(
        plan=plan,
        element=element,
        code=f"B{n:06d}",
        title_es=f"Actividad sintética {n}: taller regional sobre {topic_es.lower()}",
        title_en=f"Synthetic activity {n}: regional workshop on {topic_en.lower()}",
        indicators_es=f"Informe del taller {n} publicado; {people} participantes",
        indicators_en=f"Report of workshop {n} published; {people} participants",
        assumptions_risks_es="Financiamiento disponible" if risky else "",
        assumptions_risks_en="Funding available" if risky else "",
        working_group=world.groups[rng.randrange(len(world.groups))],
        start_date=end - dt.timedelta(days=rng.randint(60, 300)),
        end_date=end,
        plan_year=year,
        status=status,
        visibility=own,
        effective_visibility=max(own, plan.visibility, element.effective_visibility),
    )
