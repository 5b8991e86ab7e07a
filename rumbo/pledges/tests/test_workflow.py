"""Recording pledges and reporting rounds through the services: who may, what is refused,
version checks, audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rumbo.core.models import AuditEvent
from rumbo.core.services import ConflictError
from rumbo.pledges import services
from rumbo.pledges.models import Pledge, PledgeUpdate

from .factories import pledge, report

pytestmark = pytest.mark.django_db


def test_an_organisations_people_record_its_pledges_and_the_secretariat_anyones(cast, orgs):
    own = pledge(cast.observer, organisation=orgs.gtm)  # only the secretariat names another
    assert own.organisation == orgs.oim
    assert own.recorded_by == cast.observer
    for_gtm = pledge(cast.secretariat, organisation=orgs.gtm)
    assert for_gtm.organisation == orgs.gtm
    assert AuditEvent.objects.for_object(for_gtm).filter(action="create").exists()
    with pytest.raises(PermissionDenied):
        pledge(cast.public)


def test_a_pledge_needs_an_amount_with_its_currency_or_something_in_kind(cast):
    with pytest.raises(ValidationError) as exc:
        pledge(cast.focal, amount=None, currency="")
    assert "amount" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        pledge(cast.focal, currency="")
    assert "currency" in exc.value.message_dict
    in_kind = pledge(cast.focal, amount=None, currency="USD", in_kind_en="Two experts")
    assert in_kind.currency == ""  # a currency without an amount says nothing
    assert in_kind.in_kind_en == "Two experts"


def test_only_its_organisation_and_the_secretariat_edit_a_pledge_with_a_version_check(cast):
    p = pledge(cast.focal)
    with pytest.raises(PermissionDenied):
        services.pledge_update(
            actor=cast.ppt, pledge=p, data={"title_es": "Otro"}, expected_version=p.version
        )
    data = {
        "title_es": "Nuevo",
        "amount": Decimal("6000"),
        "currency": "usd",
        "pledged_on": p.pledged_on,
    }
    changed = services.pledge_update(
        actor=cast.secretariat, pledge=p, data=data, expected_version=p.version
    )
    assert (changed.title_es, changed.currency, changed.version) == ("Nuevo", "USD", p.version + 1)
    with pytest.raises(ConflictError):
        services.pledge_update(
            actor=cast.focal,
            pledge=p,
            data={**data, "title_es": "Viejo"},
            expected_version=p.version,
        )
    assert Pledge.objects.get(pk=p.pk).title_es == "Nuevo"


def test_a_round_refuses_an_amount_in_another_currency(cast, settings):
    settings.LANGUAGE_CODE = "es"
    p = pledge(cast.focal)
    with pytest.raises(ValidationError) as exc:
        report(cast.focal, p, 2024, 4, delivered_amount=Decimal("100"), delivered_currency="eur")
    assert "delivered_currency" in exc.value.message_dict
    message = exc.value.message_dict["delivered_currency"][0]
    assert "USD" in message and "EUR" in message
    assert not PledgeUpdate.objects.filter(pledge=p).exists()
    done = report(cast.focal, p, 2024, 4, delivered_amount=Decimal("100"))
    assert done.delivered_currency == "USD"


def test_a_round_outside_april_june_september_december_or_before_the_pledge_is_refused(cast):
    p = pledge(cast.focal, pledged_on=dt.date(2024, 5, 2))
    with pytest.raises(ValidationError):
        report(cast.focal, p, 2024, 5)
    with pytest.raises(ValidationError):
        report(cast.focal, p, 2024, 4)  # before the pledge was made
    next_year = dt.date.today().year + 1
    with pytest.raises(ValidationError):
        report(cast.focal, p, next_year, 12)  # not come yet


def test_one_update_per_round_and_a_second_save_edits_it_with_a_version_check(cast):
    p = pledge(cast.focal)
    first = report(cast.focal, p, 2024, 6, delivered_amount=Decimal("1000"))
    with pytest.raises(ConflictError):  # a form opened before the first save
        report(cast.secretariat, p, 2024, 6, delivered_amount=Decimal("9"))
    second = report(
        cast.secretariat, p, 2024, 6, version=first.version, delivered_amount=Decimal("1500")
    )
    assert second.pk == first.pk
    assert second.version == first.version + 1
    assert second.reported_by == cast.secretariat
    with pytest.raises(ConflictError):  # the version read before the second save
        report(cast.focal, p, 2024, 6, version=first.version, delivered_amount=Decimal("2"))
    assert PledgeUpdate.objects.get(pk=first.pk).delivered_amount == Decimal("1500")
    assert PledgeUpdate.objects.filter(pledge=p).count() == 1
    assert AuditEvent.objects.for_object(first).count() == 2


def test_only_the_pledging_organisation_and_the_secretariat_report_rounds(cast):
    p = pledge(cast.focal)
    for outsider in (cast.ppt, cast.observer, cast.civil):
        with pytest.raises(PermissionDenied):
            report(outsider, p, 2024, 4)
    assert report(cast.secretariat, p, 2024, 4).pk


def test_an_in_kind_pledge_takes_no_amount_in_its_rounds(cast):
    p = pledge(cast.focal, amount=None, in_kind_es="Capacitación")
    with pytest.raises(ValidationError) as exc:
        report(cast.focal, p, 2024, 4, delivered_amount=Decimal("5"))
    assert "delivered_amount" in exc.value.message_dict
    done = report(cast.focal, p, 2024, 4, in_kind_delivered_es="Dos talleres")
    assert done.in_kind_delivered_es == "Dos talleres"


def test_the_currency_cannot_change_once_rounds_reported_amounts(cast):
    p = pledge(cast.focal)
    report(cast.focal, p, 2024, 4, delivered_amount=Decimal("5"))
    p.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.pledge_update(
            actor=cast.focal,
            pledge=p,
            data={
                "title_es": "X",
                "amount": Decimal("5000"),
                "currency": "EUR",
                "pledged_on": p.pledged_on,
            },
            expected_version=p.version,
        )
    assert "currency" in exc.value.message_dict
