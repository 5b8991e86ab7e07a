"""Who reads a pledge and what it links to: its level and its organisation's, its own
organisation always; linked records only as the viewer may see them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.http import Http404

from rumbo.core.visibility import Visibility
from rumbo.pledges import services
from rumbo.pledges.selectors import get_pledge_for, pledges_for, update_files_for

from .factories import pledge

pytestmark = pytest.mark.django_db


def test_a_members_only_pledge_is_hidden_below_members_but_not_from_its_organisation(cast, orgs):
    secret = pledge(
        cast.secretariat, "CANARY", organisation=orgs.oim, visibility=Visibility.MEMBERS
    )
    for viewer in (cast.public, cast.civil):
        assert not pledges_for(viewer).filter(pk=secret.pk).exists()
        with pytest.raises(Http404):
            get_pledge_for(viewer, secret.pk)
    assert get_pledge_for(cast.observer, secret.pk)  # OIM made it
    assert get_pledge_for(cast.focal, secret.pk)


def test_a_pledge_is_never_more_visible_than_its_organisation(cast, orgs):
    orgs.rrocm.visibility = Visibility.OBSERVERS
    orgs.rrocm.save()
    p = pledge(cast.secretariat, organisation=orgs.rrocm, visibility=Visibility.PUBLIC)
    assert not pledges_for(cast.public).filter(pk=p.pk).exists()
    assert pledges_for(cast.observer).filter(pk=p.pk).exists()


def test_linked_records_come_only_as_the_viewer_may_see_them(cast, canary):
    p = pledge(
        cast.focal,
        activities=[canary.secret_activity, canary.open_activity],
        actions=[],
    )
    public = get_pledge_for(cast.public, p.pk)
    assert [a.pk for a in public.activities.all()] == [canary.open_activity.pk]
    member = get_pledge_for(cast.focal, p.pk)
    assert {a.pk for a in member.activities.all()} == {
        canary.secret_activity.pk,
        canary.open_activity.pk,
    }


def test_an_edit_keeps_the_links_its_author_could_not_see(cast, orgs, canary):
    p = pledge(cast.secretariat, organisation=orgs.oim, activities=[canary.secret_activity])
    services.pledge_update(
        actor=cast.observer,
        pledge=p,
        data={
            "title_es": "Otro",
            "amount": Decimal("1"),
            "currency": "USD",
            "pledged_on": p.pledged_on,
            "activities": [canary.open_activity],
        },
        expected_version=p.version,
    )
    member = get_pledge_for(cast.secretariat, p.pk)
    assert {a.pk for a in member.activities.all()} == {
        canary.secret_activity.pk,
        canary.open_activity.pk,
    }


def test_a_rounds_files_are_as_visible_as_its_pledge(cast, orgs):
    from django.core.files.uploadedfile import SimpleUploadedFile

    secret = pledge(cast.focal, visibility=Visibility.MEMBERS)
    services.round_report(
        actor=cast.focal,
        pledge=secret,
        year=2024,
        month=4,
        data={"status": "in_progress"},
        expected_version=None,
        files=[SimpleUploadedFile("informe.pdf", b"%PDF informe")],
    )
    assert update_files_for(cast.focal).count() == 1
    assert update_files_for(cast.observer).count() == 0
    assert update_files_for(cast.public).count() == 0
