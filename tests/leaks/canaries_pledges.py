"""Pledges for the leak crawler (called from `canaries.plant_stage`).

Stage 0: an observer organisation that no crawling viewer belongs to (its people would read
all its pledges), and its public pledge (a control) with a round's update and a file. Stages
1–3: a pledge of the stage's level with canary text in its title, description, in-kind text,
its round's narrative and file; and the public pledge linked to an activity of that level.
Stage 4 plants nothing: a pledge has no state only its authors read. Kinds: "pledge" (pk),
"pledge_file" (pk), "pledge_round" ({pk, year, month})."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from rumbo.core.services import audited_create
from rumbo.organisations.models import Organisation
from rumbo.plans import services as plan_services
from rumbo.pledges import services
from rumbo.pledges.models import Pledge

AUTHORS = 4
PLEDGED_ON = dt.date(2024, 1, 15)  # one year for every level: the year filter stays the same


def _tag(level: int, kind: str) -> str:
    return f"CANARY{level}x{kind}"


def _texts(level: int, kind: str, *names: str) -> dict[str, str]:
    return {
        f"{name}_{lang}": f"{_tag(level, kind)} {name} {lang}"
        for name in names
        for lang in ("es", "en")
    }


def _pledge(system: Any, org: Organisation, level: int) -> Pledge:
    pledge = services.pledge_create(
        actor=system,
        data={
            **_texts(level, "pledge", "title", "description", "in_kind"),
            "amount": Decimal("1000"),
            "currency": "USD",
            "pledged_on": PLEDGED_ON,
            "visibility": level,
        },
        organisation=org,
    )
    name = _tag(level, "pledge_file")
    services.round_report(
        actor=system,
        pledge=pledge,
        year=2024,
        month=4,
        data={
            **_texts(level, "pledge_round", "narrative", "in_kind_delivered"),
            "status": "in_progress",
            "delivered_amount": Decimal("250"),
            "link": f"https://example.org/{_tag(level, 'pledge_link')}",
        },
        expected_version=None,
        files=[SimpleUploadedFile(f"{name}.txt", f"{name} content".encode())],
    )
    return pledge


def _add(planted: Any, pledge: Pledge, level: int) -> None:
    planted.add("pledge", pledge.pk, level)
    planted.add("pledge_round", {"pk": pledge.pk, "year": 2024, "month": "04"}, level)
    for update in pledge.updates.all():
        for item in update.files.all():
            planted.add("pledge_file", item.pk, level)


def plant_pledges(level: int, planted: Any, system: Any) -> None:
    anchors = planted.anchors
    if level == AUTHORS:
        return
    if level == 0:
        org = audited_create(
            actor=system,
            instance=Organisation(),
            data={
                "code": "C0-PLEDGER",
                "kind": Organisation.Kind.OBSERVER_ORG,
                "name_es": _tag(0, "pledger"),
                "name_en": _tag(0, "pledger"),
            },
        )
        anchors["pledge_org"] = org
        anchors["pledge"] = _pledge(system, org, 0)
        _add(planted, anchors["pledge"], 0)
        return
    _add(planted, _pledge(system, anchors["pledge_org"], level), level)
    # An activity of this level linked to the public pledge.
    activity = plan_services.activity_create(
        actor=system,
        plan=anchors["plan"],
        data={
            "code": f"C{level}-PLEDGE-ACT",
            **_texts(level, "pledge_activity", "title"),
            "visibility": level,
        },
    )
    planted.add("activity", activity.pk, level)
    public = Pledge.objects.get(pk=anchors["pledge"].pk)
    services.pledge_update(
        actor=system,
        pledge=public,
        data={
            **{f: getattr(public, f) for f in services.CONTENT if f not in services.LINKS},
            "gcm_objectives": list(public.gcm_objectives.all()),
            "activities": [*public.activities.all(), activity],
            "actions": list(public.actions.all()),
            "indicators": list(public.indicators.all()),
        },
        expected_version=public.version,
    )
