"""The plans' sections of the home page: the overdue activities of a person's organisation
(their country, for officials of member countries) and working groups, and what others
changed since their previous log-in. Registered when this module is imported (by the home
view); other apps register theirs the same way (see extensions.py).

Each section reads through the readers and the visibility rule, in a fixed number of
queries whatever the amount of data."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from rumbo.core.i18n import field_values, pick
from rumbo.core.models import AuditEvent
from rumbo.core.visibility import Visibility, clearance_of
from rumbo.organisations.models import Body, User
from rumbo.organisations.selectors import bodies_for, organisations_for, working_groups_for

from .extensions import HomeItem, HomeSection, add_home_section, add_record_links, record_links
from .models.activity import is_overdue, overdue_q
from .selectors import activities_queryset, elements_for, parties_for, plans_for

# How many items a section lists; how many audit events are read to find that many records
# (several events of one record count once, and some records are no longer visible).
SHOWN = 10
EVENTS_READ = 60
LABEL_CHARS = 140


def text(obj: Any, field: str) -> str:
    """A translated field in the page's language (the other one when it is missing)."""
    return Truncator(pick(field_values(obj, field))[0]).chars(LABEL_CHARS)


def signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _matrix_url(**query: str) -> str:
    # The matrix belongs to follow-up: linked by name, never imported.
    try:
        return f"{reverse('matrix')}?{urlencode(query)}"
    except NoReverseMatch:
        return ""


# --- Overdue activities -------------------------------------------------------------------


def overdue_section(user: Any) -> HomeSection | None:
    """Open activities past their end whose working group is one of the person's, or where
    their organisation is a responsible party; most recent deadline first."""
    if not signed_in(user):
        return None
    org_id = user.organisation_id
    groups = working_groups_for(user).filter(people=user).values("pk")
    mine = Q(working_group__in=groups)
    if org_id is not None:
        mine |= Q(Exists(parties_for(user).filter(activity=OuterRef("pk"), organisation=org_id)))
    today = timezone.localdate()
    late = overdue_q(today)
    clearance = clearance_of(user)
    if clearance < Visibility.MEMBERS:
        # A restricted concept note may have moved the end date: below its level the activity
        # is read with the date it had before (redact_for), checked again once read.
        late |= Q(note_visibility__gt=clearance)
    activities = (
        activities_queryset(user)
        .filter(mine)
        .filter(late)
        .select_related("plan")  # an activity is never more visible than its plan
        .prefetch_related(Prefetch("working_group", queryset=Body.objects.visible_to(user)))
        .order_by("-end_date", "plan__code", "code", "pk")
    )
    # By the dates as read (is_overdue: each has one).
    overdue = [act for act in activities if is_overdue(act, today) and act.end_date]
    overdue.sort(key=lambda act: act.end_date or today, reverse=True)
    items = [
        HomeItem(
            label=f"{act.code} {text(act, 'title')}",
            url=reverse("activity_detail", kwargs={"pk": act.pk}),
            detail=" · ".join(
                part
                for part in (
                    _("due %(date)s") % {"date": act.end_label},
                    act.plan.code,
                    text(act.working_group, "name") if act.working_group else "",
                )
                if part
            ),
        )
        for act in overdue[:SHOWN]
    ]
    more = ""
    if org_id is not None:  # read whether needed or not: the same queries for any amount
        code = organisations_for(user).filter(pk=org_id).values_list("code", flat=True).first()
        if code and len(overdue) > SHOWN:
            more = _matrix_url(overdue="1", country=code)
    return HomeSection(
        title=(
            # Officials of member countries belong to their country (User.clean).
            _("Overdue activities of your country and working groups")
            if user.role in User.MEMBER_COUNTRY_ROLES
            else _("Overdue activities of your organisation and working groups")
        ),
        items=items,
        empty_text=_("Nothing is overdue."),
        more_url=more,
    )


# --- Changes since the previous log-in ----------------------------------------------------


def _kinds_q(kinds: list[str]) -> Q:
    q = Q(pk__in=[])
    for kind in kinds:
        app_label, model = kind.split(".", 1)
        q |= Q(app_label=app_label, model=model)
    return q


def _audit_page(user: Any) -> str:
    """The whole audit log, for those who may read it (the secretariat, in the admin)."""
    if not (getattr(user, "is_secretariat", False) and getattr(user, "is_staff", False)):
        return ""
    try:
        return reverse("admin:core_auditevent_changelist")
    except NoReverseMatch:
        return ""


def _actor(event: AuditEvent) -> str:
    if event.actor is not None:
        return event.actor.get_full_name() or event.actor.get_username()
    if event.actor_label == "system":
        return _("Rumbo (automatic)")
    return event.actor_label


def changes_section(user: Any) -> HomeSection | None:
    """What others changed, since the person's previous log-in, in records they may see now:
    one line per record (its latest change), newest first. Who made a change is named to
    member countries and the secretariat only."""
    if not signed_in(user):
        return None
    title = _("Changed since your last visit")
    since = user.previous_login
    if since is None:
        return HomeSection(
            title=title,
            items=[],
            empty_text=_("From your next visit, what others change will be listed here."),
        )
    readers = record_links()
    events = list(
        AuditEvent.objects.visible_to(user)
        .filter(at__gt=since, content_type__in=ContentType.objects.filter(_kinds_q(list(readers))))
        .exclude(actor=user)
        .select_related("content_type", "actor")
        .order_by("-at", "-id")[: EVENTS_READ + 1]
    )
    wanted: dict[str, list[str]] = defaultdict(list)
    for event in events:
        wanted[f"{event.content_type.app_label}.{event.content_type.model}"].append(event.object_id)
    found = {kind: readers[kind](user, ids) for kind, ids in wanted.items() if kind in readers}
    named = clearance_of(user) >= Visibility.MEMBERS
    items: list[HomeItem] = []
    seen: set[tuple[str, str]] = set()
    for event in events[:EVENTS_READ]:
        kind = f"{event.content_type.app_label}.{event.content_type.model}"
        link = found.get(kind, {}).get(event.object_id)
        if link is None or (kind, event.object_id) in seen:
            continue
        seen.add((kind, event.object_id))
        action = capfirst(str(event.get_action_display()))
        items.append(
            HomeItem(
                label=link[0],
                url=link[1],
                detail=(
                    _("%(action)s by %(who)s") % {"action": action, "who": _actor(event)}
                    if named
                    else action
                ),
                when=event.at,
            )
        )
    more = len(items) > SHOWN or len(events) > EVENTS_READ
    return HomeSection(
        title=title,
        items=items[:SHOWN],
        empty_text=_("Nobody else has changed anything you can see since your last visit."),
        more_url=_audit_page(user) if more else "",
    )


# --- Where the plans' records link to -----------------------------------------------------


def _ids(ids: list[str]) -> list[int]:
    return [int(i) for i in ids if i.isdigit()]


def plan_links(user: Any, ids: list[str]) -> dict[str, tuple[str, str]]:
    return {
        str(plan.pk): (text(plan, "title"), reverse("plan_detail", kwargs={"code": plan.code}))
        for plan in plans_for(user).prefetch_related(None).filter(pk__in=_ids(ids))
    }


def element_links(user: Any, ids: list[str]) -> dict[str, tuple[str, str]]:
    return {
        str(el.pk): (
            f"{el.code} {text(el, 'title')}",
            reverse("plan_detail", kwargs={"code": el.plan.code}) + f"#el-{el.code}",
        )
        for el in elements_for(user).filter(pk__in=_ids(ids))
    }


def activity_links(user: Any, ids: list[str]) -> dict[str, tuple[str, str]]:
    return {
        str(act.pk): (
            f"{act.code} {text(act, 'title')}",
            reverse("activity_detail", kwargs={"pk": act.pk}),
        )
        for act in activities_queryset(user).filter(pk__in=_ids(ids))
    }


def organisation_links(user: Any, ids: list[str]) -> dict[str, tuple[str, str]]:
    return {
        str(org.pk): (str(org), reverse("organisation_list"))
        for org in organisations_for(user).filter(pk__in=_ids(ids))
    }


def body_links(user: Any, ids: list[str]) -> dict[str, tuple[str, str]]:
    return {
        str(body.pk): (text(body, "name"), reverse("body_list"))
        for body in bodies_for(user).prefetch_related(None).filter(pk__in=_ids(ids))
    }


def register() -> None:
    add_home_section("overdue activities", overdue_section, order=30)
    add_home_section("changes since last visit", changes_section, order=90)
    for model, reader in (
        ("plans.plan", plan_links),
        ("plans.planelement", element_links),
        ("plans.activity", activity_links),
        ("organisations.organisation", organisation_links),
        ("organisations.body", body_links),
    ):
        apps.get_model(model)  # a misspelt name fails here, not silently on the page
        add_record_links(model, reader)
