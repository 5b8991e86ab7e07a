"""Pledges for tests, made through the services (so audited, as people make them)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from rumbo.pledges import services
from rumbo.pledges.models import Pledge, PledgeUpdate


def pledge(actor: Any, title: str = "Compromiso", **extra: Any) -> Pledge:
    organisation = extra.pop("organisation", None)
    data = {
        "title_es": title,
        "title_en": "",
        "description_es": f"Descripción de {title}",
        "amount": Decimal("5000"),
        "currency": "USD",
        "pledged_on": dt.date(2024, 1, 15),
        **extra,
    }
    return services.pledge_create(actor=actor, data=data, organisation=organisation)


def report(
    actor: Any, p: Pledge, year: int, month: int, version: int | None = None, **extra: Any
) -> PledgeUpdate:
    data = {"status": PledgeUpdate.Status.IN_PROGRESS, "narrative_es": "Avance", **extra}
    return services.round_report(
        actor=actor, pledge=p, year=year, month=month, data=data, expected_version=version
    )
