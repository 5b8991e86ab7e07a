"""Fixtures of the core tests."""

from __future__ import annotations

import pytest
from django.test import Client

from rumbo.organisations.models import User


@pytest.fixture
def admin_client_se(cast):
    """The secretariat in the admin, with the staff group `rumbo demo` gives it."""
    from rumbo.seeds.demo import secretariat_group

    cast.secretariat.groups.add(secretariat_group())
    client = Client()
    client.force_login(User.objects.get(pk=cast.secretariat.pk))
    return client
