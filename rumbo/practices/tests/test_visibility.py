"""Who reads a good practice before and after it is published, and publication on a date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone

from rumbo.organisations.models import Organisation, User
from rumbo.practices.selectors import (
    get_practice_file_for,
    get_practice_for,
    practices_for,
    published_by_month,
    published_count,
    published_practices,
    review_queue_for,
    submissions_for,
)
from rumbo.testing.factories import OrganisationFactory, UserFactory

from .factories import a_file, accepted, published, scheduled, submitted

pytestmark = pytest.mark.django_db
ROLES = ["public", "civil", "observer", "focal", "ppt", "wg", "secretariat"]


@pytest.fixture
def other_network(orgs):
    """A civil-society user of another network than the cast's (RROCM)."""
    rncom = OrganisationFactory(code="RNCOM", kind=Organisation.Kind.CIVIL_SOCIETY)
    return UserFactory(username="rncom", role=User.Role.CIVIL_SOCIETY, organisation=rncom)


def test_unpublished_practice_only_for_its_organisation_and_the_secretariat(cast, other_network):
    p = submitted(cast.civil, "CANARY", files=[a_file()])
    file_id = p.files.get().pk
    allowed = {"civil", "secretariat"}
    for who in ROLES:
        user = getattr(cast, who)
        seen = p in practices_for(user)
        assert seen == (who in allowed), who
        assert p not in published_practices(user)
        if who not in allowed:
            with pytest.raises(Http404):
                get_practice_for(user, p.pk)
            with pytest.raises(Http404):
                get_practice_file_for(user, file_id)
    assert p not in practices_for(other_network)
    with pytest.raises(Http404):
        get_practice_file_for(other_network, file_id)


@pytest.mark.parametrize("state", ["submitted", "returned", "accepted", "future"])
def test_no_unpublished_state_is_public(cast, state):
    if state == "accepted":
        p = accepted(cast.focal, cast.secretariat)
    elif state == "future":
        p = scheduled(cast.focal, cast.secretariat, timezone.localdate() + dt.timedelta(days=1))
    else:
        p = submitted(cast.focal)
        if state == "returned":
            from rumbo.practices import services

            services.practice_return(
                actor=cast.secretariat, practice=p, comments="x", expected_version=1
            )
    for who in ("public", "civil", "observer", "ppt"):
        assert p not in practices_for(getattr(cast, who)), who
    assert p in practices_for(cast.focal)  # the same country (Guatemala)
    assert not get_practice_for(cast.secretariat, p.pk).is_published()


def test_scheduled_for_a_past_date_is_public_without_any_job(cast):
    p = scheduled(cast.civil, cast.secretariat, timezone.localdate() - dt.timedelta(days=3))
    assert p in practices_for(cast.public)
    assert p in published_practices(cast.observer)
    assert get_practice_for(cast.public, p.pk).is_published()


def test_scheduled_for_a_future_date_becomes_public_on_that_date(cast):
    today = timezone.localdate()
    p = scheduled(cast.civil, cast.secretariat, today + dt.timedelta(days=5))
    assert p not in practices_for(cast.public)
    assert p not in published_practices(cast.public, today=today + dt.timedelta(days=4))
    assert p in published_practices(cast.public, today=today + dt.timedelta(days=5))
    # The secretariat's queue holds it until then.
    assert p in review_queue_for(cast.secretariat)


def test_published_practice_for_everyone(cast):
    p = published(cast.civil, cast.secretariat, files=[a_file()])
    for who in ROLES:
        user = getattr(cast, who)
        assert get_practice_for(user, p.pk) == p
        assert get_practice_file_for(user, p.files.get().pk)


def test_linked_records_are_read_as_the_viewer_may_see_them(cast, orgs):
    secret_country = OrganisationFactory(
        code="SECRET", kind=Organisation.Kind.OBSERVER_STATE, visibility=3
    )
    p = published(cast.focal, cast.secretariat, countries=[orgs.gtm, secret_country])
    seen = get_practice_for(cast.public, p.pk)
    assert [c.code for c in seen.countries.all()] == ["GTM"]
    assert {c.code for c in get_practice_for(cast.focal, p.pk).countries.all()} == {
        "GTM",
        "SECRET",
    }


def test_my_submissions_and_the_review_queue(cast):
    mine = submitted(cast.civil)
    theirs = submitted(cast.focal)
    assert list(submissions_for(cast.civil)) == [mine]
    assert list(submissions_for(cast.public)) == []
    assert set(review_queue_for(cast.secretariat)) == {mine, theirs}
    assert list(review_queue_for(cast.civil)) == []


def test_published_per_month_counts_only_what_is_public(cast):
    today = timezone.localdate()
    first = today.replace(day=1)
    published(cast.civil, cast.secretariat)
    published(cast.focal, cast.secretariat)
    scheduled(cast.civil, cast.secretariat, today + dt.timedelta(days=40))
    submitted(cast.civil)
    months = published_by_month(first - dt.timedelta(days=1), today)
    assert [m.published for m in months] == [0, 2]
    assert [m.met for m in months] == [False, True]


def test_published_count_for_a_period(cast):
    today = timezone.localdate()
    published(cast.civil, cast.secretariat)
    scheduled(cast.civil, cast.secretariat, today - dt.timedelta(days=400))
    scheduled(cast.civil, cast.secretariat, today + dt.timedelta(days=2))
    submitted(cast.civil)
    assert published_count(today - dt.timedelta(days=30), today) == 1
    assert published_count(today - dt.timedelta(days=500), today + dt.timedelta(days=5)) == 2
    # Counted on its date, once that date has come.
    later = today + dt.timedelta(days=5)
    assert published_count(today, later, today=later) == 2
