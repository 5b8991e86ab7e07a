"""The IATI 2.03 activity file of a plan: valid against the activity schema, the public's view
only, both languages as narratives, and nothing the data does not hold."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from lxml import etree

from rumbo.core.visibility import Visibility
from rumbo.iati.builder import plan_xml
from rumbo.iati.selectors import get_public_plan, plan_export
from rumbo.plans.models import ActivityParty, BudgetLine, StatusChange
from rumbo.plans.selectors import activities_for, plans_for
from rumbo.testing.factories import ActivityFactory, PlanFactory

pytestmark = pytest.mark.django_db

LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def export(code: str) -> Any:
    return etree.fromstring(plan_xml(plan_export(get_public_plan(code))))


def activity(root: Any, identifier: str) -> Any:
    (found,) = root.xpath("iati-activity[iati-identifier=$id]", id=identifier)
    return found


def narratives(el: Any) -> dict[str, str]:
    return {n.get(LANG): n.text for n in el.findall("narrative")}


def assert_valid(schema: Any, root: Any) -> None:
    assert schema.validate(root), schema.error_log.last_error


def test_every_public_plan_that_ships_is_valid_iati(iati_schema: Any) -> None:
    shipped = list(plans_for(AnonymousUser()).order_by("code"))
    assert {"crm-sp-2023-2026", "crm-lmap-2023-2027", "un-rn-2023-2024"} <= {
        p.code for p in shipped
    }
    for plan in shipped:
        root = export(plan.code)
        assert_valid(iati_schema, root)
        assert root.get("version") == "2.03"
        public = activities_for(AnonymousUser()).filter(plan=plan).count()
        assert len(root.findall("iati-activity")) == 1 + public  # the plan, then each activity


def test_the_network_plan_as_the_public_reads_it(iati_schema: Any) -> None:
    root = export("un-rn-2023-2024")
    plan = activity(root, "XM-CRM-un-rn-2023-2024")
    assert plan.get("hierarchy") == "1"
    assert set(narratives(plan.find("title"))) == {"es", "en"}
    children = plan.xpath("related-activity[@type='2']/@ref")
    shipped = activities_for(AnonymousUser()).filter(plan__code="un-rn-2023-2024")
    assert len(children) == shipped.count() > 0
    first = activity(root, children[0])
    assert first.get("hierarchy") == "2"
    assert first.xpath("related-activity[@type='1']/@ref") == ["XM-CRM-un-rn-2023-2024"]
    # The seeds give no status: identified (1), and marked as not reported.
    status = first.find("activity-status")
    assert status.get("code") == "1"
    assert status.get("{urn:x-rumbo:iati}status") == "not_reported"
    # Lead agencies answer for it and carry it out; each names itself in both languages.
    roles = [(p.get("role"), narratives(p).get("en")) for p in first.findall("participating-org")]
    assert roles and {role for role, _name in roles} <= {"2", "4"}
    assert all(p.get("ref") is None for p in first.findall("participating-org"))
    # Its Global Compact objectives, in the publisher's own vocabulary.
    tags = root.xpath("//tag[@vocabulary='99']")
    assert tags and all(t.get("code").startswith("GCM-") for t in tags)
    assert all(set(narratives(t)) == {"es", "en"} for t in tags)
    # A date the document gives as a month says so.
    month = root.xpath("//activity-date[@type='1'][narrative[@xml:lang='en']='June 2023']")
    assert month and month[0].get("iso-date") == "2023-06-01"


def test_a_plan_with_every_field_filled(full: Any, iati_schema: Any) -> None:
    root = export("iati-plan")
    assert_valid(iati_schema, root)
    act = activity(root, "XM-CRM-iati-plan-A1")
    # Narratives only in the languages that have text: no invented translation.
    assert narratives(act.find("title")) == {"es": "Taller regional", "en": "Regional workshop"}
    assert narratives(act.find("description")) == {"es": "Solo en español"}
    parties = [
        (p.get("role"), p.get("type"), narratives(p)) for p in act.findall("participating-org")
    ]
    assert [(r, t) for r, t, _n in parties] == [("2", "10"), ("4", "10"), ("4", "40"), ("1", "40")]
    assert act.find("activity-status").get("code") == "4"
    dates = {
        d.get("type"): (d.get("iso-date"), narratives(d)) for d in act.findall("activity-date")
    }
    assert dates == {
        "1": ("2023-07-01", {"es": "julio de 2023", "en": "July 2023"}),
        "2": ("2023-07-10", {}),
        "3": ("2024-12-31", {"es": "2024", "en": "2024"}),
        "4": ("2024-11-30", {}),
    }
    budgets = {
        b.find("value").get("currency"): (
            b.find("value").text,
            b.find("value").get("value-date"),
            b.find("period-start").get("iso-date"),
            b.find("period-end").get("iso-date"),
        )
        for b in act.findall("budget")
    }
    assert budgets == {
        "USD": ("20000", "2023-07-01", "2023-07-01", "2024-12-31"),
        "MXN": ("800", "2023-07-01", "2023-07-01", "2024-12-31"),
    }
    assert act.xpath("tag[@vocabulary='3']/@code") == ["10.7"]
    assert act.xpath("tag[@vocabulary='99']/@code") == ["GCM-6"]
    # The percentage measured on the activity, lower is better; its English name is empty.
    (pct,) = act.findall("result/indicator")
    assert (pct.get("measure"), pct.get("ascending")) == ("2", "0")
    assert narratives(pct.find("title")) == {"es": "Porcentaje de casos"}
    (period,) = pct.findall("period")
    assert period.find("period-start").get("iso-date") == "2024-01-01"
    assert [(a.get("value"), dims(a)) for a in period.findall("actual")] == [
        ("25", []),
        ("25", [("country", "PAN")]),
    ]


def dims(el: Any) -> list[tuple[str, str]]:
    return [(d.get("name"), d.get("value")) for d in el.findall("dimension")]


def test_results_carry_baseline_targets_and_approved_actuals_with_dimensions(
    full: Any, iati_schema: Any
) -> None:
    plan = activity(export("iati-plan"), "XM-CRM-iati-plan")
    (result,) = plan.findall("result")
    assert result.get("type") == "1"  # its only indicator counts outputs
    assert narratives(result.find("title")) == {"es": "Resultado esperado", "en": "Expected result"}
    (ind,) = result.findall("indicator")
    assert (ind.get("measure"), ind.get("ascending")) == ("1", "1")
    assert narratives(ind.find("description")) == {"es": "Listas de asistencia"}
    baseline = ind.find("baseline")
    assert (baseline.get("year"), baseline.get("iso-date"), baseline.get("value")) == (
        "2022",
        "2022-12-31",
        "3",
    )
    assert baseline.find("comment") is None
    (period,) = ind.findall("period")  # 2024 has only a draft value: no period
    assert [period.find(p).get("iso-date") for p in ("period-start", "period-end")] == [
        "2023-01-01",
        "2023-12-31",
    ]
    assert [(t.get("value"), dims(t)) for t in period.findall("target")] == [
        ("20", []),
        ("12", [("country", "GTM")]),
    ]
    assert [(a.get("value"), dims(a)) for a in period.findall("actual")] == [
        ("15", []),
        ("5", [("sex", "women")]),
        ("4", [("sex", "men")]),
        ("9", [("country", "GTM")]),
        ("5", [("country", "GTM"), ("sex", "women")]),
        ("4", [("country", "GTM"), ("sex", "men")]),
        ("6", [("country", "MEX")]),
    ]


def test_nothing_members_only_or_unapproved_reaches_the_file(full: Any) -> None:
    text = plan_xml(plan_export(get_public_plan("iati-plan"))).decode()
    assert "CANARY" not in text
    assert "SECRET" not in text  # the activity, the indicator
    assert "31337" not in text  # a members-only indicator's value
    assert "424242" not in text  # a draft value
    assert "EUR" not in text and "777" not in text  # a members-only budget line
    # The same file whoever asks: a members-only plan is not exported at all.
    full.plan.visibility = Visibility.MEMBERS
    full.plan.save()
    with pytest.raises(Http404):
        get_public_plan("iati-plan")


def test_nothing_the_activity_does_not_hold_is_written(cast: Any, iati_schema: Any) -> None:
    plan = PlanFactory(code="bare-plan", period_start=2023, period_end=2026)
    ActivityFactory(
        plan=plan, code="B1", title_es="Solo título", title_en="", schedule_note_es="Por definir"
    )
    root = export("bare-plan")
    assert_valid(iati_schema, root)
    act = activity(root, "XM-CRM-bare-plan-B1")
    # No dates of its own, no actual dates: the schema wants one, so its plan's period,
    # saying so.
    dates = [(d.get("type"), d.get("iso-date")) for d in act.findall("activity-date")]
    assert dates == [("1", "2023-01-01"), ("3", "2026-12-31")]
    note = narratives(act.find("activity-date"))
    assert note == {
        "es": "El período del plan, 2023–2026: la actividad no tiene fechas propias. Por definir",
        "en": "The plan's period, 2023–2026: the activity has no dates of its own.",
    }
    for absent in ("budget", "result", "tag", "sector", "recipient-country", "transaction"):
        assert act.find(absent) is None, absent
    # No responsible party: whoever answers for the plan (its publisher).
    (org,) = act.findall("participating-org")
    assert (org.get("ref"), org.get("role")) == ("XM-CRM", "2")
    assert narratives(act.find("title")) == {"es": "Solo título"}
    assert narratives(act.find("description")) == {"es": "Solo título"}


def test_the_number_of_queries_does_not_grow_with_the_activities(full: Any, orgs: Any) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            plan_xml(plan_export(get_public_plan("iati-plan")))
        return len(ctx.captured_queries)

    before = count()
    for n in range(15):
        act: Any = ActivityFactory(plan=full.plan, code=f"MORE{n}", start_date=dt.date(2024, 1, 1))
        ActivityParty.objects.create(activity=act, organisation=orgs.mex, role="lead")
        BudgetLine.objects.create(activity=act, amount=Decimal(10), funder=orgs.oim)
        StatusChange.objects.create(
            activity=act,
            old_status="not_started",
            new_status="in_progress",
            happened_on=dt.date(2024, 2, 1),
            at=dt.datetime(2024, 2, 1, tzinfo=dt.UTC),
        )
    assert count() == before
