"""Demo pledges for `rumbo demo`: the sources name no actual pledge (docs/data.md), so these
are made up to show the pages, each titled "[Demo] …" and recorded by the demo secretariat
account through the services (audited). Only those missing are added; one that exists is
never changed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from rumbo.core.visibility import Visibility
from rumbo.organisations.models import User
from rumbo.organisations.selectors import organisations_for
from rumbo.plans.selectors import activities_queryset

from . import services
from .selectors import gcm_objectives, pledges_for

DEMO_MARK = "[Demo]"

# title (es, en), organisation, pledge fields, rounds ((year, month), update fields)
DEMO_PLEDGES: list[dict[str, Any]] = [
    {
        "title": (
            "Apoyo técnico al seguimiento de compromisos",
            "Technical support to pledge follow-up",
        ),
        "organisation": "OIM",
        "data": {
            "amount": Decimal("50000"),
            "currency": "USD",
            "pledged_on": dt.date(2025, 3, 1),
            "ends_on": dt.date(2026, 12, 31),
        },
        "gcm": [23],
        "activity": ("un-rn-2023-2024", "BP1.3"),
        "rounds": [
            ((2025, 4), {"status": "not_started"}),
            ((2025, 6), {"status": "in_progress", "delivered_amount": Decimal("10000")}),
            ((2025, 9), {"status": "in_progress", "delivered_amount": Decimal("22500.50")}),
        ],
    },
    {
        "title": (
            "Sede y logística de un taller regional",
            "Venue and logistics of a regional workshop",
        ),
        "organisation": "GTM",
        "data": {
            "in_kind_es": "Sala, equipo y traslados para 40 personas.",
            "in_kind_en": "Room, equipment and transport for 40 people.",
            "pledged_on": dt.date(2025, 8, 15),
            "visibility": Visibility.MEMBERS,
        },
        "gcm": [5, 23],
        "activity": None,
        "rounds": [
            ((2025, 9), {"status": "in_progress", "in_kind_delivered_es": "Sala reservada."}),
        ],
    },
    {
        "title": ("Fondo para la certificación de competencias", "Fund for skills certification"),
        "organisation": "MEX",
        "data": {
            "amount": Decimal("1200000"),
            "currency": "MXN",
            "pledged_on": dt.date(2026, 1, 15),
        },
        "gcm": [18],
        "activity": None,
        "rounds": [((2026, 4), {"status": "in_progress", "delivered_amount": Decimal("300000")})],
    },
]


def ensure_demo_pledges(username: str) -> int:
    """Add the demo pledges that are missing (matched by title), recorded by the demo account
    `username` (the secretariat's); returns how many were added."""
    actor = User.objects.filter(username=username).first()
    if actor is None:
        return 0
    added = 0
    for item in DEMO_PLEDGES:
        title_es = f"{DEMO_MARK} {item['title'][0]}"
        if pledges_for(actor).filter(title_es=title_es).exists():
            continue
        organisation = organisations_for(actor).filter(code=item["organisation"]).first()
        if organisation is None:
            continue
        activities = []
        if item["activity"]:
            plan, code = item["activity"]
            activities = list(activities_queryset(actor).filter(plan__code=plan, code=code))
        pledge = services.pledge_create(
            actor=actor,
            data={
                "title_es": title_es,
                "title_en": f"{DEMO_MARK} {item['title'][1]}",
                "description_es": "Compromiso de demostración: no figura en las fuentes.",
                "description_en": "A demo pledge: it is not in the sources.",
                **item["data"],
                "gcm_objectives": list(gcm_objectives().filter(number__in=item["gcm"])),
                "activities": activities,
            },
            organisation=organisation,
        )
        for (year, month), update in item["rounds"]:
            services.round_report(
                actor=actor,
                pledge=pledge,
                year=year,
                month=month,
                data={"narrative_es": "Actualización de demostración.", **update},
                expected_version=None,
            )
        added += 1
    return added
