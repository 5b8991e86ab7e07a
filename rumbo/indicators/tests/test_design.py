"""Changing an indicator's design mid-plan never deletes a value, and asks why."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rumbo.core.models import AuditEvent
from rumbo.indicators import selectors, services
from rumbo.indicators.models import Dimension, IndicatorDesign, Measurement, Target

from .conftest import D, report


def test_removing_a_disaggregation_keeps_the_values_and_their_design(cast, orgs, ind):
    women, men = ind.cats["women"].pk, ind.cats["men"].pk
    m = report(
        cast.focal,
        ind.count,
        "2023",
        orgs.gtm,
        value=9,
        parts={women: {"value": D(5)}, men: {"value": D(4)}},
    )
    age = Dimension.objects.get(code="age")
    with pytest.raises(ValidationError) as exc:
        services.indicator_update(
            actor=cast.secretariat, indicator=ind.count, data={"dimensions": [age]}
        )
    assert "reason" in exc.value.message_dict
    updated = services.indicator_update(
        actor=cast.secretariat,
        indicator=ind.count,
        data={"dimensions": [age]},
        reason="The 2024 survey asks for age groups instead of sex",
    )
    assert updated.design == 2
    m.refresh_from_db()
    assert m.design == 1
    assert {p.category.code for p in m.parts.all()} == {"women", "men"}
    designs = selectors.designs_of(updated)
    assert [d["code"] for d in designs[1].snapshot["dimensions"]] == ["sex"]
    assert [d["code"] for d in designs[2].snapshot["dimensions"]] == ["age"]
    assert designs[2].reason.startswith("The 2024 survey")
    # The first design was in force from the indicator's creation, not from its replacement.
    assert designs[1].created_at == ind.count.created_at < designs[2].created_at
    event = AuditEvent.objects.for_object(updated).first()
    assert event.reason.startswith("The 2024 survey")
    # New values are entered under the new design.
    m2 = report(cast.focal, updated, "2024", orgs.gtm, value=1)
    assert m2.design == 2


def test_a_design_change_before_any_value_needs_no_reason(cast, ind):
    updated = services.indicator_update(
        actor=cast.secretariat, indicator=ind.percent, data={"frequency": "semester"}
    )
    assert updated.design == 2
    assert IndicatorDesign.objects.filter(indicator=updated).count() == 2


def test_a_name_change_is_not_a_new_design(cast, orgs, ind):
    report(cast.focal, ind.count, "2023", orgs.gtm, value=1)
    updated = services.indicator_update(
        actor=cast.secretariat, indicator=ind.count, data={"name_en": "Renamed"}
    )
    assert updated.design == 1


def test_only_the_plans_editors_define_indicators(cast, ind):
    for who in (cast.focal, cast.observer, cast.civil):
        with pytest.raises(PermissionDenied):
            services.indicator_update(actor=who, indicator=ind.count, data={"name_en": "x"})
    # The working group owning the plan edits it.
    services.indicator_update(actor=cast.wg, indicator=ind.count, data={"name_en": "WG"})


def test_targets_set_then_changed_with_a_reason(cast, orgs, ind):
    services.targets_set(
        actor=cast.secretariat,
        indicator=ind.count,
        targets={("2023", None): D(10), ("plan", None): D(40)},
    )
    assert Target.objects.filter(indicator=ind.count).count() == 2
    with pytest.raises(ValidationError) as exc:
        services.targets_set(
            actor=cast.secretariat,
            indicator=ind.count,
            targets={("2023", None): D(12), ("plan", None): D(40)},
        )
    assert "reason" in exc.value.message_dict
    services.targets_set(
        actor=cast.secretariat,
        indicator=ind.count,
        targets={("2023", None): D(12), ("plan", None): D(40), ("2024", orgs.gtm.pk): D(3)},
        reason="Agreed at the GRCM",
    )
    got = {(t.period, t.country_id): t.value for t in Target.objects.filter(indicator=ind.count)}
    assert got == {("2023", None): 12, ("plan", None): 40, ("2024", orgs.gtm.pk): 3}
    event = AuditEvent.objects.for_object(ind.count).first()
    assert event.reason == "Agreed at the GRCM"
    assert event.changes["targets"]["old"]["2023"] == "10"
    assert event.changes["targets"]["new"]["2024 GTM"] == "3"


def test_bad_targets_are_refused_whole(cast, ind):
    with pytest.raises(ValidationError) as exc:
        services.targets_set(
            actor=cast.secretariat,
            indicator=ind.percent,
            targets={("2023", None): D(120), ("2030", None): D(5), ("2023-X", None): D(1)},
        )
    errors = exc.value.message_dict
    assert set(errors) == {"target:2023:", "target:2030:", "target:2023-X:"}
    assert not Target.objects.filter(indicator=ind.percent).exists()


def test_no_value_is_ever_deleted_by_a_design_change(cast, orgs, ind):
    report(cast.focal, ind.count, "2023", orgs.gtm, value=9)
    services.indicator_update(
        actor=cast.secretariat,
        indicator=ind.count,
        data={"dimensions": [], "frequency": "semester", "unit": "money", "currency": "USD"},
        reason="Redesign",
    )
    assert Measurement.objects.filter(indicator=ind.count).count() == 1
    assert Measurement.objects.get(indicator=ind.count).parts.count() == 0  # none were given


def test_the_plan_page_reader_hands_out_only_the_indicators_the_viewer_may_see(cast, ind):
    from rumbo.core.visibility import Visibility
    from rumbo.plans.selectors import plan_view

    ind.count.visibility = Visibility.MEMBERS
    ind.count.save()
    for who, seen in ((cast.observer, False), (cast.public, False), (cast.focal, True)):
        codes = {i.code for i in plan_view(who, ind.plan).loose_indicators}
        assert ("C1" in codes) is seen, who
