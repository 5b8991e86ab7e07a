"""The home page: each person lands on their own work (what is overdue in their country or
working groups, what others changed since their previous log-in), then the plans; the
public sees the plans only. Through the visibility rule, in both languages, in a fixed
number of queries."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rumbo.core import audit
from rumbo.core.models import AuditEvent
from rumbo.core.visibility import Visibility
from rumbo.organisations.models import User
from rumbo.plans import services
from rumbo.plans.extensions import HomeItem, HomeSection, add_home_section, home_sections
from rumbo.plans.extensions import _home_sections as registry
from rumbo.plans.home import SHOWN, changes_section, overdue_section
from rumbo.plans.models import ActivityParty
from rumbo.testing.factories import ActivityFactory, PlanFactory
from rumbo.testing.http import client_for, url

pytestmark = pytest.mark.django_db

OVERDUE = {"es": "Actividades vencidas de su país", "en": "Overdue activities of your country"}
CHANGED = {"es": "Cambios desde su última visita", "en": "Changed since your last visit"}
YOUR_WORK = {"es": "Su trabajo", "en": "Your work"}


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def overdue_activity(code: str, *, party=None, group=None, **kwargs):
    activity: Any = ActivityFactory(
        plan=kwargs.pop("plan", None) or PlanFactory(),
        code=code,
        end_date=kwargs.pop("end_date", days_ago(1)),
        working_group=group,
        **kwargs,
    )
    if party is not None:
        ActivityParty.objects.create(activity=activity, organisation=party, role="lead")
    return activity


def page(who, lang: str = "es") -> str:
    """The home page for a person (a user, logged in now) or a client (logged in before)."""
    client = who if isinstance(who, Client) else client_for(who)
    response = client.get(url("home", lang))
    assert response.status_code == 200
    return response.content.decode()


def section(body: str, title: str) -> str:
    """The HTML of the section whose heading starts with `title` ("" when there is none)."""
    match = re.search(
        r'<section class="home-section"[^>]*>\s*<h3[^>]*>' + re.escape(title) + r".*?</section>",
        body,
        re.S,
    )
    return match.group(0) if match else ""


def since_now(user: User) -> None:
    """As if `user` had logged in a moment ago, then again now (a client logs in first: a
    log-in moves previous_login)."""
    User.objects.filter(pk=user.pk).update(previous_login=timezone.now())
    user.refresh_from_db()


def change(actor, activity, text: str) -> None:
    services.activity_update(
        actor=actor, activity=activity, data={"description_es": text}, expected_version=None
    )


# --- Log-in --------------------------------------------------------------------------------


def test_logging_in_keeps_the_previous_log_in_and_audits_nothing(cast):
    user = cast.focal
    assert user.last_login is None and user.previous_login is None
    events = AuditEvent.objects.count()

    def log_in() -> None:
        response = Client().post(
            url("login"), {"username": "focal", "password": "pw-for-tests-only"}
        )
        assert response.status_code == 302

    log_in()
    user.refresh_from_db()
    first = user.last_login
    assert first is not None and user.previous_login is None
    log_in()
    user.refresh_from_db()
    assert user.previous_login == first and user.last_login > first
    assert AuditEvent.objects.count() == events  # bookkeeping, not a change anyone made
    # Nor is it content an edit of the person (in the admin) would record.
    assert "previous_login" not in audit.snapshot(user)


# --- Overdue -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_focal_point_sees_the_overdue_activities_of_their_country(cast, orgs, lang):
    late = overdue_activity("LATE-GTM", party=orgs.gtm, title_es="Taller tardío", title_en="Late")
    overdue_activity("LATE-MEX", party=orgs.mex)  # another country's
    overdue_activity("DONE-GTM", party=orgs.gtm, status="finished")  # finished in time or not
    overdue_activity("SOON-GTM", party=orgs.gtm, end_date=days_ago(-10))  # not yet due
    body = page(cast.focal, lang)
    assert YOUR_WORK[lang] in body
    mine = section(body, OVERDUE[lang])
    assert f'href="{url("activity_detail", lang, pk=late.pk)}"' in mine
    assert ("Taller tardío" if lang == "es" else "Late") in mine
    # The deadline as the language writes it.
    due = late.end_date
    assert (f"{due:%d/%m/%Y}" if lang == "es" else f"{due:%m/%d/%Y}") in mine
    for other in ("LATE-MEX", "DONE-GTM", "SOON-GTM"):
        assert other not in mine


def test_a_working_group_member_sees_the_overdue_activities_of_their_group(cast, bodies):
    ours = overdue_activity("LATE-LAB", group=bodies.wg_lab)
    overdue_activity("LATE-PROT", group=bodies.wg_prot)
    items = overdue_section(cast.wg).items
    codes = {item.label.split()[0] for item in items}
    assert "LATE-LAB" in codes and "LATE-PROT" not in codes
    assert any(item.url.endswith(f"/activities/{ours.pk}/") for item in items)
    assert "LATE-LAB" in section(page(cast.wg, "en"), "Overdue activities of your country")


def test_a_long_list_shows_the_latest_deadlines_and_links_to_the_matrix(cast, orgs):
    for i in range(SHOWN + 3):
        overdue_activity(f"L{i:02d}", party=orgs.gtm, end_date=days_ago(1 + i))
    result = overdue_section(cast.focal)
    assert [item.label.split()[0] for item in result.items] == [f"L{i:02d}" for i in range(SHOWN)]
    assert result.more_url == url("matrix") + "?overdue=1&country=GTM"


@pytest.mark.parametrize("who", ["civil", "observer"])
def test_members_only_overdue_activities_stay_with_the_members(cast, orgs, canary, who):
    viewer = getattr(cast, who)
    party = viewer.organisation
    overdue_activity(
        "CANARY-LATE",
        party=party,
        plan=canary.public_plan,
        title_es="CANARY tarde",
        title_en="CANARY late",
        visibility=Visibility.MEMBERS,
    )
    seen = overdue_activity("OPEN-LATE", party=party, plan=canary.public_plan)
    result = overdue_section(viewer)
    assert [item.label.split()[0] for item in result.items] == ["OPEN-LATE"]
    assert result.title == "Actividades vencidas de su organización y sus grupos de trabajo"
    body = page(viewer)
    assert "CANARY" not in body
    assert url("activity_detail", pk=seen.pk) in body


# --- Changes since the previous log-in -----------------------------------------------------


@pytest.mark.parametrize("lang", ["es", "en"])
def test_changes_by_others_since_the_previous_log_in(cast, canary, lang):
    activity = canary.open_activity
    client = client_for(cast.focal)
    earlier = ActivityFactory(plan=canary.public_plan, code="EARLIER")
    change(cast.secretariat, earlier, "Antes de la última visita")
    since_now(cast.focal)
    change(cast.secretariat, activity, "Después")
    change(cast.focal, ActivityFactory(plan=canary.public_plan, code="OWN"), "Propio")

    result = changes_section(cast.focal)
    assert [item.label.split()[0] for item in result.items] == [activity.code]
    body = page(client, lang)
    mine = section(body, CHANGED[lang])
    assert f'href="{url("activity_detail", lang, pk=activity.pk)}"' in mine
    assert ("Modificado por" if lang == "es" else "Changed by") in mine
    assert "EARLIER" not in mine and "OWN" not in mine
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT', mine)


def test_the_first_visit_says_changes_come_from_the_next_one(cast):
    result = changes_section(cast.wg)
    assert result is not None and result.items == []
    assert "próxima visita" in result.empty_text


@pytest.mark.parametrize("who", ["civil", "observer"])
def test_changes_to_members_only_records_stay_with_the_members(cast, canary, who):
    viewer = getattr(cast, who)
    client = client_for(viewer)
    since_now(viewer)
    change(cast.secretariat, canary.secret_activity, "CANARY cambio")
    change(cast.secretariat, canary.closed_activity, "CANARY cambio")
    # A change recorded while the activity was public, to an activity now members-only.
    raised = ActivityFactory(plan=canary.public_plan, code="RAISED", title_es="CANARY subida")
    change(cast.secretariat, raised, "Público entonces")
    services.activity_update(
        actor=cast.secretariat,
        activity=raised,
        data={"visibility": Visibility.MEMBERS},
        expected_version=None,
    )
    change(cast.secretariat, canary.open_activity, "Abierto")
    result = changes_section(viewer)
    assert [item.label.split()[0] for item in result.items] == [canary.open_activity.code]
    assert result.items[0].detail == "Modificado"  # who changed it is not named to them
    body = page(client)
    assert canary.open_activity.code in section(body, CHANGED["es"])
    assert "CANARY" not in body and "secretariat" not in body.split('class="who"')[0]
    # Members see them, and who made them.
    since_now(cast.focal)
    change(cast.secretariat, canary.secret_activity, "Otro")
    labels = [item.label for item in changes_section(cast.focal).items]
    assert any(label.startswith("SA ") for label in labels)


def test_many_changes_show_the_latest_ten_and_link_the_audit_log(cast, canary):
    since_now(cast.secretariat)
    for i in range(SHOWN + 2):
        change(cast.ppt, ActivityFactory(plan=canary.public_plan, code=f"C{i:02d}"), "x")
    result = changes_section(cast.secretariat)
    assert [item.label.split()[0] for item in result.items] == [
        f"C{i:02d}" for i in range(SHOWN + 1, 1, -1)
    ]
    assert result.more_url == "/es/admin/core/auditevent/"
    assert changes_section(cast.ppt).more_url == ""  # ppt made them: nothing for them


# --- The page as a whole -------------------------------------------------------------------


def test_the_public_sees_the_plans_and_no_personal_section(cast, canary):
    body = page(cast.public, "en")
    assert "Your work" not in body and 'class="home-section"' not in body
    assert "Public plan" in body and "CANARY" not in body
    assert home_sections(cast.public) == []


def test_a_section_that_means_nothing_for_a_role_is_left_out(cast):
    def for_focal_points(user):
        if getattr(user, "role", "") != User.Role.FOCAL_POINT:
            return None
        return HomeSection(
            title="Values due from your country",
            items=[HomeItem(label="Indicator 1", url="/es/", when=dt.date(2026, 1, 31))],
            empty_text="Nothing due.",
        )

    add_home_section("test values due", for_focal_points, order=1000)
    try:
        titles = [s.title for s in home_sections(cast.focal)]
        assert titles[-1] == "Values due from your country"  # in the order registered
        assert titles.index(
            "Actividades vencidas de su país y sus grupos de trabajo"
        ) < titles.index("Cambios desde su última visita")
        assert "Values due from your country" not in [s.title for s in home_sections(cast.ppt)]
        assert "31/01/2026" in page(cast.focal)  # a day, as Spanish writes it
        assert "01/31/2026" in page(cast.focal, "en")
    finally:
        registry.pop("test values due")


ROLES = ["public", "civil", "observer", "focal", "ppt", "wg", "secretariat"]


def build(orgs, bodies, cast, n: int) -> None:
    """n of each thing the home page lists, for every role."""
    plan = PlanFactory(owner_body=bodies.wg_lab)
    for i in range(n):
        for org in (orgs.gtm, orgs.pan, orgs.mex, orgs.oim, orgs.rrocm, orgs.se):
            act = overdue_activity(f"Q{n}-{org.code}-{i}", party=org, plan=plan)
        act = overdue_activity(f"Q{n}-G-{i}", group=bodies.wg_lab, plan=plan)
        change(cast.ppt, act, f"cambio {i}")
        change(cast.focal, act, f"otro cambio {i}")


@pytest.mark.parametrize("who", ROLES)
def test_the_home_page_runs_the_same_queries_whatever_the_data(cast, orgs, bodies, who):
    user = getattr(cast, who)
    client = client_for(user)
    if user.is_authenticated:
        since_now(user)
    build(orgs, bodies, cast, 1)
    client.get(url("home"))  # warm the session and the content types
    with CaptureQueriesContext(connection) as few:
        client.get(url("home"))
    build(orgs, bodies, cast, 15)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url("home"))
    assert response.status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(response.content) < 150_000


# Session and person (2), plans with their owners and parents (4); then, by role: notes
# waiting (1) and returned (1); overdue activities (1), their working groups (1, when one
# has a group) and the organisation's code (1); changes (1) and their records (1 per kind).
EXPECTED_QUERIES = {
    "public": 4,
    "civil": 11,
    "observer": 11,
    "focal": 11,
    "ppt": 12,
    "wg": 12,
    "secretariat": 12,
}


@pytest.fixture
def plans_and_follow_up_sections():
    """The home page with the sections of plans and follow-up only: other apps' sections
    (evaluation's values due, say) count their own queries in their own tests."""
    saved = dict(registry)
    ours = {
        "overdue activities",
        "changes since last visit",
        "concept notes waiting",
        "concept notes returned",
    }
    for name in set(registry) - ours:
        registry.pop(name)
    assert set(registry) == ours
    yield
    registry.clear()
    registry.update(saved)


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.usefixtures("plans_and_follow_up_sections")
def test_the_home_page_query_count_per_role(cast, orgs, bodies, who, django_assert_num_queries):
    user = getattr(cast, who)
    client = client_for(user)
    if user.is_authenticated:
        since_now(user)
    build(orgs, bodies, cast, 3)
    client.get(url("home"))
    with django_assert_num_queries(EXPECTED_QUERIES[who]):
        client.get(url("home"))
