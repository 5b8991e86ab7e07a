from __future__ import annotations

import pytest

from rumbo.core.visibility import Visibility, clearance_of
from rumbo.plans.models import Activity, Plan, PlanElement

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "level"),
    [
        ("public", Visibility.PUBLIC),
        ("civil", Visibility.NETWORK),
        ("observer", Visibility.OBSERVERS),
        ("focal", Visibility.MEMBERS),
        ("ppt", Visibility.MEMBERS),
        ("wg", Visibility.MEMBERS),
        ("secretariat", Visibility.MEMBERS),
    ],
)
def test_each_role_has_its_clearance(cast, who, level):
    assert clearance_of(getattr(cast, who)) == level


def test_inactive_user_sees_only_public(cast):
    cast.focal.is_active = False
    assert clearance_of(cast.focal) == Visibility.PUBLIC


@pytest.mark.parametrize("who", ["public", "civil", "observer"])
def test_members_only_records_are_invisible_below_members(cast, canary, who):
    user = getattr(cast, who)
    assert not Plan.objects.visible_to(user).filter(pk=canary.closed_plan.pk).exists()
    elements = PlanElement.objects.visible_to(user)
    assert not elements.filter(pk=canary.secret_element.pk).exists()
    # a child inherits its parent's level even though its own is public
    assert not elements.filter(pk=canary.child_of_secret.pk).exists()
    activities = Activity.objects.visible_to(user)
    assert not activities.filter(pk__in=[canary.secret_activity.pk, canary.closed_activity.pk])
    assert activities.filter(pk=canary.open_activity.pk).exists()


@pytest.mark.parametrize("who", ["focal", "ppt", "wg", "secretariat"])
def test_member_roles_see_members_only_records(cast, canary, who):
    user = getattr(cast, who)
    assert Activity.objects.visible_to(user).filter(pk=canary.secret_activity.pk).exists()
    assert PlanElement.objects.visible_to(user).filter(pk=canary.child_of_secret.pk).exists()


def test_network_level_is_for_civil_society_and_above(cast, canary):
    pk = canary.network_activity.pk
    assert not Activity.objects.visible_to(cast.public).filter(pk=pk).exists()
    for who in ("civil", "observer", "focal"):
        assert Activity.objects.visible_to(getattr(cast, who)).filter(pk=pk).exists()
