"""The review of a good practice, step by step, and who may take each step."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rumbo.core.models import AuditEvent
from rumbo.core.services import ConflictError
from rumbo.practices import services
from rumbo.practices.models import GoodPractice
from rumbo.practices.selectors import get_practice_for, practices_for

from .factories import accepted, submitted

pytestmark = pytest.mark.django_db
S = GoodPractice.Status


def events(practice: GoodPractice) -> list[str]:
    return list(
        AuditEvent.objects.for_object(practice)
        .order_by("at", "id")
        .values_list("action", flat=True)
    )


def test_civil_society_submits_for_its_network_and_each_step_is_audited(cast):
    p = submitted(cast.civil, "Ventanilla única")
    assert p.status == S.SUBMITTED
    assert p.organisation == cast.civil.organisation
    assert p.submitted_by == cast.civil
    p = services.practice_return(
        actor=cast.secretariat, practice=p, comments="Añadir resultados", expected_version=1
    )
    assert p.status == S.RETURNED and p.review_comments == "Añadir resultados"
    p = services.practice_update(
        actor=cast.civil,
        practice=get_practice_for(cast.civil, p.pk),
        data={"title_es": "Ventanilla única", "summary_es": "Con resultados"},
        expected_version=p.version,
    )
    p = services.practice_resubmit(actor=cast.civil, practice=p, expected_version=p.version)
    assert p.status == S.SUBMITTED
    p = services.practice_accept(actor=cast.secretariat, practice=p, expected_version=p.version)
    assert p.status == S.ACCEPTED and p.reviewed_by == cast.secretariat
    on = timezone.localdate() + dt.timedelta(days=10)
    p = services.practice_schedule(
        actor=cast.secretariat, practice=p, publish_on=on, expected_version=p.version
    )
    assert p.status == S.SCHEDULED and p.publish_on == on
    p = services.practice_publish(actor=cast.secretariat, practice=p, expected_version=p.version)
    assert p.status == S.PUBLISHED and p.publish_on == timezone.localdate()
    assert events(p) == ["create", "return", "update", "submit", "status", "status", "status"]


@pytest.mark.parametrize("who", ["civil", "observer", "focal", "ppt", "wg"])
def test_only_the_secretariat_reviews(cast, who):
    p = submitted(cast.focal)
    user = getattr(cast, who)
    for step in (
        lambda: services.practice_accept(actor=user, practice=p, expected_version=1),
        lambda: services.practice_return(actor=user, practice=p, comments="x", expected_version=1),
        lambda: services.practice_schedule(
            actor=user, practice=p, publish_on=timezone.localdate(), expected_version=1
        ),
        lambda: services.practice_publish(actor=user, practice=p, expected_version=1),
    ):
        with pytest.raises(PermissionDenied):
            step()
    assert GoodPractice.objects.get(pk=p.pk).status == S.SUBMITTED


def test_anonymous_may_not_submit(cast):
    with pytest.raises(PermissionDenied):
        services.practice_submit(actor=cast.public, data={"title_es": "x", "summary_es": "y"})


def test_another_organisation_may_not_edit_or_resubmit(cast):
    p = submitted(cast.civil)
    p = services.practice_return(
        actor=cast.secretariat, practice=p, comments="Más datos", expected_version=1
    )
    for other in (cast.focal, cast.observer):
        with pytest.raises(PermissionDenied):
            services.practice_update(
                actor=other,
                practice=p,
                data={"title_es": "x", "summary_es": "y"},
                expected_version=p.version,
            )
        with pytest.raises(PermissionDenied):
            services.practice_resubmit(actor=other, practice=p, expected_version=p.version)


def test_the_organisation_may_not_edit_once_accepted(cast):
    p = accepted(cast.civil, cast.secretariat)
    with pytest.raises(PermissionDenied):
        services.practice_update(
            actor=cast.civil,
            practice=p,
            data={"title_es": "x", "summary_es": "y"},
            expected_version=p.version,
        )


def test_steps_out_of_order_are_refused(cast):
    p = submitted(cast.civil)
    with pytest.raises(ValidationError):
        services.practice_publish(actor=cast.secretariat, practice=p, expected_version=1)
    with pytest.raises(ValidationError):
        services.practice_resubmit(actor=cast.civil, practice=p, expected_version=1)


def test_a_title_and_summary_in_one_language_are_enough_but_not_none(cast):
    p = services.practice_submit(
        actor=cast.civil, data={"title_en": "One-stop shop", "summary_en": "Summary"}
    )
    assert p.title_en == "One-stop shop" and not p.title_es
    with pytest.raises(ValidationError) as exc:
        services.practice_submit(actor=cast.civil, data={"title_es": "", "summary_es": ""})
    assert set(exc.value.message_dict) == {"title_es", "summary_es"}


def test_a_gender_perspective_needs_its_text(cast):
    with pytest.raises(ValidationError) as exc:
        submitted(cast.civil, gender_perspective=True)
    assert "gender_notes_es" in exc.value.message_dict


def test_returning_needs_comments(cast):
    p = submitted(cast.civil)
    with pytest.raises(ValidationError) as exc:
        services.practice_return(
            actor=cast.secretariat, practice=p, comments="  ", expected_version=1
        )
    assert "review_comments" in exc.value.message_dict


def test_a_stale_step_is_a_conflict_and_changes_nothing(cast):
    p = submitted(cast.civil)
    services.practice_accept(actor=cast.secretariat, practice=p, expected_version=1)
    with pytest.raises(ConflictError):
        services.practice_return(
            actor=cast.secretariat, practice=p, comments="Tarde", expected_version=1
        )
    fresh = GoodPractice.objects.get(pk=p.pk)
    assert fresh.status == S.ACCEPTED and fresh.review_comments == ""


def test_a_stale_edit_is_a_conflict(cast):
    p = submitted(cast.civil)
    services.practice_update(
        actor=cast.secretariat,
        practice=p,
        data={"title_es": "A", "summary_es": "B"},
        expected_version=1,
    )
    with pytest.raises(ConflictError):
        services.practice_update(
            actor=cast.civil,
            practice=p,
            data={"title_es": "C", "summary_es": "D"},
            expected_version=1,
        )
    assert GoodPractice.objects.get(pk=p.pk).title_es == "A"


def test_the_secretariat_submits_on_behalf_of_another_organisation(cast, orgs):
    p = services.practice_submit(
        actor=cast.secretariat, data={"title_es": "x", "summary_es": "y"}, organisation=orgs.gtm
    )
    assert p.organisation == orgs.gtm
    assert p in practices_for(cast.focal)
    # Others may not: their own organisation is used whatever they name.
    q = services.practice_submit(
        actor=cast.civil, data={"title_es": "x", "summary_es": "y"}, organisation=orgs.gtm
    )
    assert q.organisation == orgs.rrocm


def test_an_edit_keeps_the_links_its_author_may_not_see(cast, orgs):
    from rumbo.testing.factories import OrganisationFactory

    secret = OrganisationFactory(code="SECRET", kind="observer_state", visibility=3)
    p = services.practice_submit(
        actor=cast.secretariat,
        data={"title_es": "x", "summary_es": "y", "countries": [orgs.gtm, secret]},
        organisation=orgs.rrocm,
    )
    services.practice_update(
        actor=cast.civil,
        practice=get_practice_for(cast.civil, p.pk),
        data={"title_es": "x2", "summary_es": "y", "countries": [orgs.mex]},
        expected_version=p.version,
    )
    assert {c.code for c in GoodPractice.objects.get(pk=p.pk).countries.all()} == {
        "MEX",
        "SECRET",
    }
