import datetime as dt

import pytest

from rumbo.plans.models import Activity, StatusChange
from rumbo.testing.factories import ActivityFactory, PlanFactory
from rumbo.testing.http import client_for, url

pytestmark = pytest.mark.django_db
CSS = "/work/main/rumbo/core/static/rumbo/rumbo.css"


def fix(html):
    return html.replace("/static/rumbo/rumbo.css", "file://" + CSS)


def test_snap(cast, bodies):
    c = client_for(cast.secretariat)
    a = Activity.objects.get(code="BP1.6")
    Activity.objects.filter(code__in=["BP1.6", "BP2.2"]).update(status="in_progress")
    Activity.objects.filter(code__in=["BP3.2"]).update(status="finished")
    Activity.objects.filter(code__in=["TP2.1"]).update(status="cancelled")
    Activity.objects.filter(code__in=["TP3.1"]).update(status="not_achieved")
    for lang in ("es", "en"):
        open(f"/tmp/snap_roadmap_{lang}.html", "w").write(
            fix(c.get(url("plan_roadmap", lang, code="un-rn-2023-2024")).content.decode())
        )
    p = PlanFactory(code="long", period_start=2023, period_end=2027)
    ActivityFactory(plan=p, code="Y1", plan_year=1)
    ActivityFactory(
        plan=p,
        code="D",
        start_date=dt.date(2024, 2, 1),
        end_date=dt.date(2025, 8, 1),
        status="in_progress",
    )
    open("/tmp/snap_long.html", "w").write(
        fix(c.get(url("plan_roadmap", "en", code="long")).content.decode())
    )
    for i, s in enumerate(["finished", "in_progress", "not_started"]):
        act = ActivityFactory(plan=p, code=f"S{i}", working_group=bodies.wg_lab)
        StatusChange.objects.create(
            activity=act,
            old_status="not_started",
            new_status=s,
            at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC),
        )
    open("/tmp/snap_summary.html", "w").write(
        fix(c.get(url("semiannual_summary", "es"), {"year": 2026, "half": 2}).content.decode())
    )
