"""The fixed cast every test starts from: one person per role, plus members-only canaries."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser

from rumbo.core.visibility import Visibility
from rumbo.organisations.models import Body, Organisation, User
from rumbo.testing.factories import (
    ActivityFactory,
    BodyFactory,
    ElementFactory,
    OrganisationFactory,
    PlanFactory,
    UserFactory,
)

K = Organisation.Kind
# The browser tests' `browser` and `site` fixtures.
pytest_plugins = ["rumbo.testing.browser"]


@pytest.fixture
def orgs(db):
    return SimpleNamespace(
        se=OrganisationFactory(code="SE-CRM", kind=K.SECRETARIAT),
        rrocm=OrganisationFactory(code="RROCM", kind=K.CIVIL_SOCIETY),
        oim=OrganisationFactory(code="OIM", kind=K.OBSERVER_ORG, un_system=True),
        gtm=OrganisationFactory(code="GTM", kind=K.MEMBER_STATE),
        mex=OrganisationFactory(code="MEX", kind=K.MEMBER_STATE),
        pan=OrganisationFactory(code="PAN", kind=K.MEMBER_STATE),
    )


@pytest.fixture
def bodies(orgs):
    return SimpleNamespace(
        wg_lab=BodyFactory(code="WG-LAB", kind=Body.Kind.WORKING_GROUP),
        wg_prot=BodyFactory(code="WG-PROT", kind=Body.Kind.WORKING_GROUP),
        ppt=BodyFactory(code="PPT-2023", kind=Body.Kind.PPT, country=orgs.pan, year=2023),
    )


@pytest.fixture
def cast(orgs, bodies):
    R = User.Role
    wg = UserFactory(username="wg", role=R.WG_MEMBER, organisation=orgs.mex)
    wg.working_groups.add(bodies.wg_lab)
    return SimpleNamespace(
        public=AnonymousUser(),
        civil=UserFactory(username="civil", role=R.CIVIL_SOCIETY, organisation=orgs.rrocm),
        observer=UserFactory(username="observer", role=R.OBSERVER, organisation=orgs.oim),
        focal=UserFactory(username="focal", role=R.FOCAL_POINT, organisation=orgs.gtm),
        ppt=UserFactory(username="ppt", role=R.PPT, organisation=orgs.pan),
        wg=wg,
        secretariat=UserFactory(
            username="se", role=R.SECRETARIAT, organisation=orgs.se, is_staff=True
        ),
    )


@pytest.fixture
def canary(bodies):
    """A public plan holding members-only records, and a plan that is members-only itself.
    Their titles contain CANARY so that any leak is easy to spot in a page or a response."""
    public_plan = PlanFactory(
        code="public-plan",
        title_es="Plan público",
        title_en="Public plan",
        owner_body=bodies.wg_lab,
    )
    secret_element = ElementFactory(
        plan=public_plan,
        code="S1",
        title_es="CANARY elemento",
        title_en="CANARY element",
        visibility=Visibility.MEMBERS,
    )
    child_of_secret = ElementFactory(
        plan=public_plan,
        code="S1.1",
        parent=secret_element,
        title_es="CANARY hijo",
        title_en="CANARY child",
    )
    open_element = ElementFactory(plan=public_plan, code="O1")
    secret_activity = ActivityFactory(
        plan=public_plan,
        element=open_element,
        code="SA",
        title_es="CANARY actividad",
        title_en="CANARY activity",
        visibility=Visibility.MEMBERS,
    )
    open_activity = ActivityFactory(plan=public_plan, element=open_element, code="OA")
    network_activity = ActivityFactory(
        plan=public_plan,
        element=open_element,
        code="NA",
        visibility=Visibility.NETWORK,
        title_es="Actividad de la red",
        title_en="Network activity",
    )
    closed_plan = PlanFactory(
        code="closed-plan",
        title_es="CANARY plan cerrado",
        title_en="CANARY closed plan",
        visibility=Visibility.MEMBERS,
    )
    closed_activity = ActivityFactory(plan=closed_plan, code="CA")
    return SimpleNamespace(
        public_plan=public_plan,
        secret_element=secret_element,
        child_of_secret=child_of_secret,
        open_element=open_element,
        secret_activity=secret_activity,
        open_activity=open_activity,
        network_activity=network_activity,
        closed_plan=closed_plan,
        closed_activity=closed_activity,
    )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the real data that ships with Rumbo."""
    from rumbo.seeds.loader import load_seeds

    with django_db_blocker.unblock():
        load_seeds()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language, whatever page the previous one opened."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def committed(transactional_db):
    """For code that closes the database connections when it ends, as Django's commands and
    the task worker do: the test runs outside a test transaction (which PostgreSQL could not
    use once its connection is closed), and the database is emptied afterwards. The audit
    log's append-only triggers are in place while the test runs, and lifted for that
    emptying, as the browser tests do."""
    from django.db import connection

    from rumbo.core import db_triggers

    db_triggers.install(connection)
    yield
    db_triggers.uninstall(connection)


@pytest.fixture
def media(settings, tmp_path):
    """A media folder of the test's own, so that what is left in it can be counted."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
