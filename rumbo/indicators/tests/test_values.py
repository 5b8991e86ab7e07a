"""Reporting values: who may, what is checked, the review, locked periods, the audit."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rumbo.core.models import AuditEvent
from rumbo.core.services import ConflictError
from rumbo.core.visibility import Visibility
from rumbo.indicators import selectors, services
from rumbo.indicators.models import Measurement

from .conftest import D, report

S = Measurement.Status


def test_a_focal_point_reports_for_their_own_country_only(cast, orgs, ind):
    m = report(cast.focal, ind.count, "2023", orgs.gtm, value=4)
    assert (m.status, m.country, m.reported_by) == (S.DRAFT, orgs.gtm, cast.focal)
    with pytest.raises(PermissionDenied):
        report(cast.focal, ind.count, "2023", orgs.mex, value=4)
    with pytest.raises(PermissionDenied):
        report(cast.focal, ind.count, "2023", None, value=4)  # the region is the secretariat's
    for someone in (cast.observer, cast.civil, cast.wg):
        with pytest.raises(PermissionDenied):
            report(someone, ind.count, "2023", orgs.gtm, value=4)


def test_an_indicator_the_secretariat_reports_takes_no_country_values(cast, orgs, ind):
    ind.count.reported_by = ind.count.Reporter.SECRETARIAT
    ind.count.save()
    with pytest.raises(PermissionDenied):
        report(cast.focal, ind.count, "2023", orgs.gtm, value=4)
    assert report(cast.secretariat, ind.count, "2023", None, value=4).country is None


@pytest.mark.parametrize(
    ("which", "fields", "field", "message"),
    [
        ("count", {"value": "2.5"}, "value", "whole number"),
        ("count", {"value": "-1"}, "value", "whole number"),
        ("count", {}, "value", "Give the value"),
        ("percent", {"numerator": "3"}, "denominator", "denominator"),
        ("percent", {"numerator": "3", "denominator": "0"}, "denominator", "more than zero"),
        ("percent", {"numerator": "5", "denominator": "4"}, "numerator", "more than"),
        ("yes_no", {"value": "2"}, "value", "yes (1) or no (0)"),
        ("text", {"text": "  "}, "text", "qualitative"),
    ],
)
def test_bad_values_are_refused_naming_the_field(cast, orgs, ind, which, fields, field, message):
    with pytest.raises(ValidationError) as exc:
        report(cast.focal, getattr(ind, which), "2023", orgs.gtm, **fields)
    assert message in " ".join(exc.value.message_dict[field])
    assert not Measurement.objects.exists()


def test_a_percentage_keeps_numerator_and_denominator(cast, orgs, ind):
    m = report(cast.focal, ind.percent, "2023", orgs.gtm, numerator=1, denominator=3)
    assert (m.numerator, m.denominator, m.value) == (D(1), D(3), D("33.3333"))


def test_periods_must_be_of_the_indicators_frequency_inside_the_plan_and_begun(cast, orgs, ind):
    for period, message in [
        ("2023-Q1", "yearly"),
        ("2019", "outside the plan"),
        ("2099", "outside the plan"),
    ]:
        with pytest.raises(ValidationError) as exc:
            report(cast.focal, ind.count, period, orgs.gtm, value=1)
        assert message in str(exc.value.message_dict["period"])


def test_an_indicator_reported_for_the_whole_plan_takes_its_value(cast, orgs, ind):
    from rumbo.testing.factories import IndicatorFactory

    whole = IndicatorFactory(plan=ind.count.plan, code="W1", frequency="plan")
    m = report(cast.focal, whole, "plan", orgs.gtm, value=7)
    assert (m.period, m.value) == ("plan", D("7"))


def test_the_breakdown_adds_up_to_the_total_or_says_why_not(cast, orgs, ind):
    women, men = ind.cats["women"].pk, ind.cats["men"].pk
    with pytest.raises(ValidationError) as exc:
        report(
            cast.focal,
            ind.count,
            "2023",
            orgs.gtm,
            value=10,
            parts={women: {"value": D(4)}, men: {"value": D(5)}},
        )
    assert "adds up to 9, not 10" in str(exc.value.message_dict["breakdown:sex"])
    assert not Measurement.objects.exists()
    m = report(
        cast.focal,
        ind.count,
        "2023",
        orgs.gtm,
        value=10,
        parts={women: {"value": D(4)}, men: {"value": D(5)}},
        breakdown_note="One person did not state their sex.",
    )
    assert {p.category.code: p.value for p in m.parts.all()} == {"women": 4, "men": 5}


def test_a_category_outside_the_indicators_disaggregations_is_refused(cast, orgs, ind):
    with pytest.raises(ValidationError) as exc:
        report(
            cast.focal,
            ind.percent,
            "2023",
            orgs.gtm,
            numerator=1,
            denominator=2,
            parts={ind.cats["women"].pk: {"numerator": D(1), "denominator": D(2)}},
        )
    assert "parts" in exc.value.message_dict


def test_review_draft_submitted_returned_approved_each_audited(cast, orgs, ind):
    m = report(cast.focal, ind.count, "2023", orgs.gtm, value=3)
    m = services.measurement_submit(actor=cast.focal, measurement=m)
    with pytest.raises(PermissionDenied):
        services.measurement_approve(actor=cast.focal, measurement=m)
    with pytest.raises(ValidationError):
        services.measurement_return(actor=cast.secretariat, measurement=m, comments=" ")
    m = services.measurement_return(actor=cast.secretariat, measurement=m, comments="Source?")
    m = report(cast.focal, ind.count, "2023", orgs.gtm, value=3, evidence="Informe 2023")
    m = services.measurement_submit(actor=cast.focal, measurement=m)
    m = services.measurement_approve(actor=cast.secretariat, measurement=m)
    assert m.status == S.APPROVED
    actions = list(
        AuditEvent.objects.for_object(m).order_by("at", "id").values_list("action", flat=True)
    )
    assert actions == ["create", "submit", "return", "update", "submit", "approve"]


def test_a_countrys_correction_of_an_approved_value_goes_back_to_draft(cast, orgs, ind):
    m = report(cast.focal, ind.count, "2023", orgs.gtm, value=3, approve_as=cast.secretariat)
    m = report(cast.focal, ind.count, "2023", orgs.gtm, value=5)
    assert (m.status, m.value) == (S.DRAFT, D(5))


def test_the_secretariat_corrects_an_approved_value_with_a_reason(cast, orgs, ind):
    m = report(cast.focal, ind.count, "2023", orgs.gtm, value=3, approve_as=cast.secretariat)
    given = services.ValueInput(value=D(4))
    with pytest.raises(ValidationError) as exc:
        services.measurement_save(
            actor=cast.secretariat,
            indicator=ind.count,
            period="2023",
            country=orgs.gtm,
            given=given,
        )
    assert "reason" in exc.value.message_dict
    m = services.measurement_save(
        actor=cast.secretariat,
        indicator=ind.count,
        period="2023",
        country=orgs.gtm,
        given=given,
        reason="Typo in the report",
    )
    assert (m.status, m.value) == (S.APPROVED, D(4))
    assert AuditEvent.objects.for_object(m).first().reason == "Typo in the report"


def test_a_locked_period_needs_the_secretariat_and_a_reason(cast, orgs, ind):
    m = report(cast.focal, ind.count, "2023", orgs.gtm, value=3, approve_as=cast.secretariat)
    with pytest.raises(PermissionDenied):
        services.period_lock(actor=cast.focal, plan=ind.plan, period="2023")
    services.period_lock(actor=cast.secretariat, plan=ind.plan, period="2023")
    with pytest.raises(ValidationError) as exc:
        report(cast.focal, ind.count, "2023", orgs.gtm, value=9)
    assert "locked" in str(exc.value.message_dict["period"])
    with pytest.raises(ValidationError):
        report(cast.secretariat, ind.count, "2023", orgs.gtm, value=9)
    services.measurement_save(
        actor=cast.secretariat,
        indicator=ind.count,
        period="2023",
        country=orgs.gtm,
        given=services.ValueInput(value=D(9)),
        reason="Corrected by the national statistics office",
    )
    m.refresh_from_db()
    assert (m.value, m.status) == (D(9), S.APPROVED)
    with pytest.raises(ValidationError):
        services.period_unlock(actor=cast.secretariat, plan=ind.plan, period="2023", reason="")
    services.period_unlock(actor=cast.secretariat, plan=ind.plan, period="2023", reason="Reopened")
    assert report(cast.focal, ind.count, "2023", orgs.gtm, value=8).status == S.DRAFT


def test_a_new_value_in_a_locked_period_keeps_its_reason_in_the_audit(cast, orgs, ind):
    services.period_lock(actor=cast.secretariat, plan=ind.plan, period="2023")
    m = services.measurement_save(
        actor=cast.secretariat,
        indicator=ind.count,
        period="2023",
        country=orgs.gtm,
        given=services.ValueInput(value=D(4)),
        reason="Received late from the ministry",
    )
    created = AuditEvent.objects.get(
        object_id=str(m.pk), action=AuditEvent.Action.CREATE, content_type__model="measurement"
    )
    assert created.reason == "Received late from the ministry"


def test_a_stale_version_is_a_conflict_never_an_overwrite(cast, orgs, ind):
    m = report(cast.focal, ind.count, "2023", orgs.gtm, value=3)
    report(cast.focal, ind.count, "2023", orgs.gtm, value=4)
    with pytest.raises(ConflictError):
        services.measurement_save(
            actor=cast.focal,
            indicator=ind.count,
            period="2023",
            country=orgs.gtm,
            given=services.ValueInput(value=D(5)),
            expected_version=m.version,
        )
    m.refresh_from_db()
    assert m.value == D(4)


def test_unapproved_values_are_seen_by_their_country_and_the_secretariat_only(cast, orgs, ind):
    draft = report(cast.focal, ind.count, "2023", orgs.gtm, value=3)
    approved = report(cast.ppt, ind.count, "2023", orgs.pan, value=2, approve_as=cast.secretariat)
    seen = {
        u: set(selectors.measurements_for(getattr(cast, u)).values_list("pk", flat=True))
        for u in ("focal", "ppt", "secretariat", "observer", "civil", "public", "wg")
    }
    assert seen["focal"] == {draft.pk, approved.pk}
    assert seen["secretariat"] == {draft.pk, approved.pk}
    for other in ("ppt", "observer", "civil", "public", "wg"):
        assert seen[other] == {approved.pk}, other
    # The audit rows of a draft stay at the members' level.
    levels = set(AuditEvent.objects.for_object(draft).values_list("visibility", flat=True))
    assert levels == {Visibility.MEMBERS}


def test_values_of_a_members_only_indicator_never_reach_lower_roles(cast, orgs, ind, canary):
    ind.count.visibility = Visibility.MEMBERS
    ind.count.save()
    report(cast.focal, ind.count, "2023", orgs.gtm, value=3, approve_as=cast.secretariat)
    on_secret = services.indicator_create(
        actor=cast.secretariat,
        plan=canary.public_plan,
        data={
            "code": "SEC",
            "kind": "result",
            "name_es": "CANARY",
            "name_en": "CANARY",
            "activity": canary.secret_activity,
            "reported_by": "countries",
        },
    )
    for who in (cast.observer, cast.civil, cast.public):
        assert not selectors.measurements_for(who).exists()
        assert not selectors.indicators_for(who).filter(pk__in=[ind.count.pk, on_secret.pk])
    assert selectors.indicators_for(cast.focal).filter(pk=on_secret.pk).exists()
