from __future__ import annotations

import datetime as dt

import pytest

from rumbo.core.visibility import Visibility
from rumbo.obligations.models import Obligation
from rumbo.organisations.models import Body
from rumbo.testing.factories import BodyFactory

# A day when the 2023–2026 obligations have come due a few times.
TODAY = dt.date(2024, 12, 31)


@pytest.fixture
def closed_group(db):
    """A working group meeting behind closed doors: members only."""
    return BodyFactory(
        code="WG-CLOSED",
        kind=Body.Kind.WORKING_GROUP,
        name_es="CANARY grupo cerrado",
        name_en="CANARY closed group",
        visibility=Visibility.MEMBERS,
        active_from=2023,
    )


@pytest.fixture
def seeded(db):
    return {ob.code: ob for ob in Obligation.objects.all()}
