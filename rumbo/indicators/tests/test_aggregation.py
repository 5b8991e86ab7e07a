"""Figures that are right: by country and for the region, over time, against targets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rumbo.core.visibility import Visibility
from rumbo.indicators import aggregation, selectors, services
from rumbo.indicators.models import Indicator
from rumbo.plans.models import Activity
from rumbo.plans.services import activity_update
from rumbo.testing.factories import IndicatorFactory

from .conftest import D, report


def figure(user, indicator, **kw):
    (fig,) = aggregation.figures(user, selectors.indicators_for(user).filter(pk=indicator.pk), **kw)
    return fig


def test_a_percentage_is_recomputed_from_its_parts_never_averaged(cast, orgs, ind):
    se = cast.secretariat
    report(cast.focal, ind.percent, "2023", orgs.gtm, numerator=1, denominator=2, approve_as=se)
    report(cast.ppt, ind.percent, "2023", orgs.pan, numerator=90, denominator=100, approve_as=se)
    fig = figure(cast.public, ind.percent)
    cell = fig.region["2023"]
    assert (cell.numerator, cell.denominator, cell.reporting) == (D(91), D(102), 2)
    assert cell.value == D("89.22")  # 91/102, not (50 + 90) / 2 = 70
    assert fig.total.value == D("89.22")
    per_country = aggregation.by_country(cast.public, [ind.percent])[ind.percent.pk]
    assert per_country[orgs.gtm.pk].value == D("50.00")


def test_only_approved_values_count(cast, orgs, ind):
    report(cast.focal, ind.count, "2023", orgs.gtm, value=5)  # a draft
    report(cast.ppt, ind.count, "2023", orgs.pan, value=2, approve_as=cast.secretariat)
    for who in (cast.public, cast.focal, cast.secretariat):
        assert figure(who, ind.count).region["2023"].value == D(2)


def test_sum_average_and_latest_combine_countries_and_periods(cast, orgs, ind):
    se = cast.secretariat
    for indicator in (ind.count, ind.average, ind.latest):
        report(cast.focal, indicator, "2023", orgs.gtm, value=4, approve_as=se)
        report(cast.focal, indicator, "2024", orgs.gtm, value=6, approve_as=se)
        report(cast.ppt, indicator, "2023", orgs.pan, value=10, approve_as=se)
    total = figure(cast.public, ind.count)
    assert (total.region["2023"].value, total.region["2024"].value) == (D(14), D(6))
    assert total.total.value == D(20)
    avg = figure(cast.public, ind.average)
    assert avg.region["2023"].value == D(7)
    assert avg.total.value == D("6.67")  # (4 + 6 + 10) / 3 values
    latest = figure(cast.public, ind.latest)
    assert latest.total.value == D(16)  # Guatemala's 2024 (6) + Panama's 2023 (10)


def test_a_cumulative_indicator_shows_the_running_total_against_targets_to_date(cast, orgs, ind):
    se = cast.secretariat
    report(cast.focal, ind.cumulative, "2023", orgs.gtm, value=3, approve_as=se)
    report(cast.focal, ind.cumulative, "2024", orgs.gtm, value=5, approve_as=se)
    services.targets_set(
        actor=se, indicator=ind.cumulative, targets={("2023", None): D(4), ("2025", None): D(16)}
    )
    fig = figure(cast.public, ind.cumulative)
    assert [fig.region[c].value for c in ("2023", "2024")] == [D(3), D(8)]
    assert "2025" not in fig.region
    assert fig.target_total == D(16)
    assert fig.achieved == D("50.0")
    assert fig.achieved_in("2023") == D("75.0")


def test_achieved_measures_from_the_baseline_in_either_direction(cast, orgs, ind):
    ind.count.baseline_value = D(10)
    ind.count.direction = Indicator.Direction.DECREASE
    assert aggregation.achieved(ind.count, D(7), D(4)) == D("50.0")  # 10 → 7 of 10 → 4
    ind.count.baseline_value = None
    assert aggregation.achieved(ind.count, D(7), D(4)) is None  # lower is better: needs one
    ind.count.direction = Indicator.Direction.INCREASE
    assert aggregation.achieved(ind.count, D(3), D(4)) == D("75.0")


def test_yes_no_counts_the_countries_answering_yes(cast, orgs, ind):
    se = cast.secretariat
    report(cast.focal, ind.yes_no, "2023", orgs.gtm, value=0, approve_as=se)
    report(cast.focal, ind.yes_no, "2024", orgs.gtm, value=1, approve_as=se)
    report(cast.ppt, ind.yes_no, "2023", orgs.pan, value=1, approve_as=se)
    fig = figure(cast.public, ind.yes_no)
    assert (fig.region["2023"].value, fig.region["2023"].reporting) == (D(1), 2)
    assert (fig.total.value, fig.total.reporting) == (D(2), 2)


def test_the_breakdown_by_sex_per_period_and_in_total(cast, orgs, ind):
    se = cast.secretariat
    w, m = ind.cats["women"].pk, ind.cats["men"].pk
    report(
        cast.focal,
        ind.count,
        "2023",
        orgs.gtm,
        value=5,
        parts={w: {"value": D(3)}, m: {"value": D(2)}},
        approve_as=se,
    )
    report(
        cast.ppt,
        ind.count,
        "2023",
        orgs.pan,
        value=4,
        parts={w: {"value": D(1)}, m: {"value": D(3)}},
        approve_as=se,
    )
    fig = figure(cast.public, ind.count)
    assert fig.breakdown["sex"]["women"]["2023"].value == D(4)
    assert fig.breakdown["sex"]["men"]["2023"].value == D(5)
    assert fig.breakdown_total["sex"]["women"].value == D(4)


def test_a_countrys_figures(cast, orgs, ind):
    se = cast.secretariat
    report(cast.focal, ind.count, "2023", orgs.gtm, value=5, approve_as=se)
    report(cast.ppt, ind.count, "2023", orgs.pan, value=4, approve_as=se)
    assert figure(cast.public, ind.count, country_id=orgs.pan.pk).total.value == D(4)


def test_the_number_of_queries_does_not_grow_with_the_values(cast, orgs, ind):
    se = cast.secretariat
    inds = selectors.indicators_for(cast.public).filter(plan=ind.plan)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            aggregation.figures(cast.public, inds.all())  # read afresh each time
        return len(ctx)

    before = count()
    for indicator in (ind.count, ind.percent, ind.latest, ind.yes_no):
        for period in ("2023", "2024"):
            for who, country in ((cast.focal, orgs.gtm), (cast.ppt, orgs.pan)):
                fields = (
                    {"numerator": 1, "denominator": 2}
                    if indicator.unit == "percent"
                    else {"value": 1}
                )
                report(who, indicator, period, country, approve_as=se, **fields)
    assert count() == before
    assert before <= 8


def test_computed_activities_finished_counts_what_the_viewer_may_see(cast, canary):
    plan = canary.public_plan
    ind = IndicatorFactory(
        plan=plan, code="AF", reported_by="computed", rule="activities_finished", frequency="year"
    )
    se = cast.secretariat
    for act in (canary.open_activity, canary.secret_activity):
        activity_update(
            actor=se,
            activity=act,
            data={"status": Activity.Status.FINISHED},
            status_reason="Done",
            status_date=dt.date(2024, 5, 2),
            expected_version=None,
        )
    for who, n in ((cast.public, 1), (cast.observer, 1), (cast.focal, 2)):
        fig = figure(who, ind)
        assert fig.total.value == Decimal(n), who
        assert "finished" in fig.rule_text


@pytest.mark.parametrize("level", [Visibility.OBSERVERS, Visibility.MEMBERS])
def test_figures_of_hidden_indicators_are_not_computed_for_lower_roles(cast, orgs, ind, level):
    ind.count.visibility = level
    ind.count.save()
    report(cast.focal, ind.count, "2023", orgs.gtm, value=5, approve_as=cast.secretariat)
    assert (
        aggregation.figures(
            cast.civil, selectors.indicators_for(cast.civil).filter(pk=ind.count.pk)
        )
        == []
    )
    # Even handed the indicator, the values a viewer may not see are not counted.
    assert aggregation.by_country(cast.civil, [ind.count]) == {}


def test_computed_good_practices_published_counts_what_is_public_by_publication_date(
    cast, orgs, ind
):
    from rumbo.practices import services as practices

    ind_gp = IndicatorFactory(
        plan=ind.plan,
        code="GP",
        reported_by="computed",
        rule="good_practices_published",
        frequency="year",
    )
    se = cast.secretariat

    def published(on: dt.date, countries: list) -> None:
        p = practices.practice_submit(
            actor=cast.civil,
            data={"title_es": "Ventanilla única", "summary_es": "Resumen", "countries": countries},
        )
        p = practices.practice_accept(actor=se, practice=p, expected_version=p.version)
        practices.practice_schedule(actor=se, practice=p, publish_on=on, expected_version=p.version)

    published(dt.date(2023, 3, 1), [orgs.gtm])
    published(dt.date(2024, 6, 1), [orgs.pan])
    published(dt.date(2099, 1, 1), [orgs.gtm])  # scheduled: not public yet, not counted
    practices.practice_submit(  # submitted only: never counted
        actor=cast.civil, data={"title_es": "Borrador", "summary_es": "Resumen"}
    )
    for who in (cast.public, cast.secretariat):
        fig = figure(who, ind_gp)
        assert (fig.region["2023"].value, fig.region["2024"].value) == (1, 1), who
        assert fig.total.value == 2
        assert "published" in fig.rule_text
    assert figure(cast.public, ind_gp, country_id=orgs.gtm.pk).total.value == 1


def test_computed_meetings_held_counts_the_plans_working_group_as_the_viewer_sees_it(
    cast, orgs, bodies, ind
):
    from rumbo.meetings import services as meetings

    # The indicator's plan belongs to WG-LAB (see conftest).
    held = IndicatorFactory(
        plan=ind.plan, code="MH", reported_by="computed", rule="meetings_held", frequency="year"
    )
    se = cast.secretariat

    def meeting(body, day, *, status="held", visibility=Visibility.PUBLIC, countries=()):
        meetings.meeting_create(
            actor=se,
            data={
                "body": body,
                "title_es": "Reunión",
                "status": status,
                "start_date": day,
                "visibility": visibility,
            },
            participants=[meetings.ParticipantEntry(c) for c in countries],
        )

    def counts(who, **kw):
        fig = figure(who, held, **kw)
        return {code: cell.value for code, cell in fig.region.items()}, fig.total.value or 0

    # The seed data may hold meetings of the group already: what is added is what counts.
    (public0, total0), (_, members0) = counts(cast.public), counts(cast.focal)
    _, gtm0 = counts(cast.public, country_id=orgs.gtm.pk)
    meeting(bodies.wg_lab, dt.date(2023, 5, 4), countries=[orgs.gtm, orgs.pan])
    meeting(bodies.wg_lab, dt.date(2024, 11, 14), countries=[orgs.pan])
    meeting(bodies.wg_lab, dt.date(2024, 2, 1), visibility=Visibility.MEMBERS)  # closed doors
    meeting(bodies.wg_lab, dt.date(2025, 3, 1), status="planned")  # not held: not counted
    meeting(bodies.wg_prot, dt.date(2024, 3, 1))  # another group's meeting
    public, total = counts(cast.public)
    for code in ("2023", "2024"):
        assert public[code] == public0.get(code, 0) + 1, code
    assert public.get("2025") == public0.get("2025")
    assert total == total0 + 2
    assert counts(cast.focal)[1] == members0 + 3  # members see the closed meeting too
    assert counts(cast.public, country_id=orgs.gtm.pk)[1] == gtm0 + 1
    assert "working group" in figure(cast.public, held).rule_text


def test_computed_countries_reporting_follow_up_counts_each_country_once_per_period(
    cast, orgs, bodies, ind
):
    from rumbo.meetings import services as meetings
    from rumbo.meetings import services_agreements as agreements

    reporting = IndicatorFactory(
        plan=ind.plan,
        code="CRF",
        reported_by="computed",
        rule="countries_reporting_follow_up",
        frequency="year",
    )
    se = cast.secretariat

    def agreement(code, visibility=Visibility.PUBLIC):
        meeting = meetings.meeting_create(
            actor=se,
            data={"body": bodies.wg_lab, "title_es": "Reunión", "visibility": visibility},
        )
        return agreements.agreement_create(
            actor=se, meeting=meeting, data={"code": code, "text_es": "Recomendación"}
        )

    def cell(a, country, status, day):
        agreements.follow_up_report(
            actor=se,
            agreement=a,
            country=country,
            status=status,
            reported_on=day,
            expected_version=0,
        )

    def counts(who, **kw):
        fig = figure(who, reporting, **kw)
        return {code: c.value for code, c in fig.region.items()}, fig.total.value or 0

    first, second, closed = agreement("R1"), agreement("R2"), agreement("R3", Visibility.MEMBERS)
    cell(first, orgs.gtm, "in_progress", dt.date(2024, 2, 1))
    cell(second, orgs.gtm, "implemented", dt.date(2024, 9, 1))  # same country, same year
    cell(first, orgs.pan, "implemented", dt.date(2025, 1, 5))
    cell(second, orgs.mex, "none", dt.date(2024, 3, 1))  # no action: not follow-up reported
    cell(closed, orgs.mex, "implemented", dt.date(2024, 4, 1))  # members only
    public, total = counts(cast.public)
    assert (public.get("2024"), public.get("2025"), total) == (1, 1, 2)
    members, _ = counts(cast.focal)
    assert members.get("2024") == 2  # Guatemala and, in a closed meeting, Mexico
    assert counts(cast.public, country_id=orgs.gtm.pk)[1] == 1
    assert counts(cast.public, country_id=orgs.mex.pk)[1] == 0
    assert "follow-up" in figure(cast.public, reporting).rule_text
    # By semester and by quarter, Guatemala's February and September reports are two periods.
    for frequency, periods_seen in (
        ("semester", {"2024-S1", "2024-S2"}),
        ("quarter", {"2024-Q1", "2024-Q3"}),
    ):
        reporting.frequency = frequency
        reporting.save(update_fields=["frequency"])
        by_period = {
            code: c.value
            for code, c in figure(cast.public, reporting, country_id=orgs.gtm.pk).region.items()
            if c.value
        }
        assert set(by_period) == periods_seen, frequency
