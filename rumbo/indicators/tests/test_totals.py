"""The stored whole-plan figures are always the ones a fresh computation gives: after every
kind of change that alters what counts, and for data approved before they were stored."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rumbo.indicators import aggregation, combining, selectors, services, totals
from rumbo.indicators.models import Indicator, IndicatorTotal, Measurement

from .conftest import D, report


def fresh(inds: list[Indicator]):
    """The whole-plan figures computed now from the approved values."""
    return combining.whole_plan(Measurement.objects.approved(), inds)


def stored(user, inds: list[Indicator]):
    ids = [i.pk for i in inds]
    return totals.whole_plan_figures(user, ids), totals.countries_figures(user, ids)


def assert_stored_is_fresh(user, inds: list[Indicator]) -> None:
    inds = [Indicator.objects.get(pk=i.pk) for i in inds]  # their design as it is now
    region, per_country = fresh(inds)
    assert stored(user, inds) == (region, per_country)


def test_every_change_that_alters_what_counts_refreshes_the_stored_figures(cast, orgs, ind):
    se = cast.secretariat
    inds = [ind.count, ind.percent, ind.average, ind.latest, ind.yes_no, ind.cumulative]
    for i in inds:
        fields = {"numerator": 3, "denominator": 4} if i.unit == "percent" else {"value": 1}
        report(cast.focal, i, "2023", orgs.gtm, approve_as=se, **fields)
        report(cast.ppt, i, "2024", orgs.pan, approve_as=se, **fields)
        report(se, i, "2024", None, approve_as=se, **fields)  # for the region as a whole
    assert_stored_is_fresh(se, inds)
    assert stored(se, [ind.count])[0][ind.count.pk].value == D(3)

    # The secretariat corrects an approved value: it stays approved, with the new figure.
    services.measurement_save(
        actor=se,
        indicator=ind.count,
        period="2023",
        country=orgs.gtm,
        given=services.ValueInput(value=D(10)),
        reason="Typing error in the report",
    )
    assert_stored_is_fresh(se, inds)
    assert stored(se, [ind.count])[0][ind.count.pk].value == D(12)

    # A focal point corrects its approved value: back to a draft, it no longer counts.
    services.measurement_save(
        actor=cast.ppt,
        indicator=ind.count,
        period="2024",
        country=orgs.pan,
        given=services.ValueInput(value=D(7)),
    )
    assert_stored_is_fresh(se, inds)
    assert stored(se, [ind.count])[1][ind.count.pk].keys() == {orgs.gtm.pk, None}

    # How the values combine changes: a sum becomes an average.
    services.indicator_update(
        actor=se, indicator=ind.count, data={"aggregation": "average"}, reason="Redefined"
    )
    assert_stored_is_fresh(se, inds)
    assert stored(se, [ind.count])[0][ind.count.pk].value == D("5.50")  # (10 + 1) / 2


def test_a_draft_or_a_submission_changes_nothing_stored(cast, orgs, ind):
    report(cast.focal, ind.count, "2023", orgs.gtm, value=4, approve_as=cast.secretariat)
    before = list(IndicatorTotal.objects.values())
    m = report(cast.ppt, ind.count, "2023", orgs.pan, value=9)
    services.measurement_submit(actor=cast.ppt, measurement=m)
    assert list(IndicatorTotal.objects.values()) == before


def test_values_approved_before_figures_were_stored_are_filled_in(cast, orgs, ind):
    se = cast.secretariat
    report(cast.focal, ind.count, "2023", orgs.gtm, value=4, approve_as=se)
    report(cast.focal, ind.latest, "2023", orgs.gtm, value=2, approve_as=se)
    IndicatorTotal.objects.all().delete()
    totals.fill_missing()
    assert_stored_is_fresh(se, [ind.count, ind.latest])
    assert IndicatorTotal.objects.filter(combined=True).count() == 2


def test_stored_numbers_read_back_as_they_were_computed(cast, orgs, ind):
    se = cast.secretariat
    report(cast.focal, ind.count, "2023", orgs.gtm, value=1500, approve_as=se)
    report(cast.focal, ind.average, "2023", orgs.gtm, value=2, approve_as=se)
    report(cast.ppt, ind.average, "2023", orgs.pan, value=3, approve_as=se)
    region, _countries = stored(se, [ind.count, ind.average])
    assert str(region[ind.count.pk].value) == "1500"  # not 1500.000000, nor 1.5E+3
    assert str(region[ind.average.pk].value) == "2.5"


def test_hidden_indicators_figures_are_not_read_back(cast, orgs, ind):
    ind.count.visibility = 3  # members only
    ind.count.save()
    report(cast.focal, ind.count, "2023", orgs.gtm, value=5, approve_as=cast.secretariat)
    assert stored(cast.civil, [ind.count]) == ({}, {})
    assert stored(cast.focal, [ind.count])[0][ind.count.pk].value == D(5)


def test_an_overview_reads_one_row_per_indicator_in_a_fixed_number_of_queries(cast, orgs, ind):
    se = cast.secretariat
    # As an overview reads them: nothing prefetched (targets and figures are read in bulk).
    inds = selectors.indicators_for(cast.public).filter(plan=ind.plan).prefetch_related(None)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            aggregation.overview(cast.public, inds.all())
        return len(ctx)

    before = count()
    for indicator in (ind.count, ind.average, ind.latest, ind.yes_no):
        for period in ("2023", "2024"):
            for who, country in ((cast.focal, orgs.gtm), (cast.ppt, orgs.pan)):
                report(who, indicator, period, country, approve_as=se, value=1)
    assert count() == before <= 3  # the indicators, their targets, their figures
    figs = {f.indicator.pk: f for f in aggregation.overview(cast.public, inds.all())}
    assert figs[ind.count.pk].total.value == Decimal(4)
    assert figs[ind.count.pk].region == {}  # by period: not read for an overview
