"""Obligations and their fulfilments for the leak crawler (called from
`canaries.plant_stage`).

At each level 0–3: a working group of that level and an obligation it owes (the obligation
itself public: it is hidden by its body), from level 1 an obligation of that level
owed by the public anchor body, and a fulfilment of the seeded "each working group" report for
that level's group, with a marked note and a marked file. Level 0 is the public control.
Kinds: "obligation" (pk), "obligation_file" (pk)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from rumbo.core.services import audited_create
from rumbo.obligations import services
from rumbo.obligations.models import Obligation
from rumbo.obligations.selectors import obligations_for, occurrences_for
from rumbo.organisations.models import Body

AUTHORS = 4


def _tag(level: int, kind: str) -> str:
    return f"CANARY{level}x{kind}"


def _obligation(system: Any, level: int, body: Body, visibility: int, code: str) -> Obligation:
    marker = _tag(level, "obligation")
    return audited_create(
        actor=system,
        instance=Obligation(),
        data={
            "code": code,
            "debtor": Obligation.Debtor.BODY,
            "body": body,
            "frequency": Obligation.Frequency.ANNUAL,
            "starts_on": dt.date(2024, 1, 1),
            "ends_on": dt.date(2024, 12, 31),
            "rule": Obligation.Rule.HAND,
            "visibility": visibility,
            **{
                f"{n}_{lang}": f"{marker} {n} {lang}"
                for n in ("title", "quote", "source")
                for lang in ("es", "en")
            },
        },
    )


def plant_obligations(level: int, planted: Any, system: Any) -> None:
    if level == AUTHORS:
        return
    group = audited_create(
        actor=system,
        instance=Body(),
        data={
            "code": f"C{level}-OWG",
            "kind": Body.Kind.WORKING_GROUP,
            **{f"name_{lang}": f"{_tag(level, 'body')} name {lang}" for lang in ("es", "en")},
            "visibility": min(level, 3),
        },
    )
    planted.add("body", group.code, level)
    ob = _obligation(system, level, group, 0, f"c{level}-obligation")
    planted.add("obligation", ob.pk, level)
    if level > 0:
        on_public = _obligation(
            system, level, planted.anchors["body"], min(level, 3), f"c{level}-obligation-open"
        )
        planted.add("obligation", on_public.pk, level)
    reports = obligations_for(system).get(code="working-group-reports-grcm")
    occ = next(
        o
        for o in occurrences_for(system, [reports], today=dt.date(2025, 1, 15))
        if o.period.code == "2024" and o.debtor.body is not None and o.debtor.body.pk == group.pk
    )
    name = _tag(level, "obligation_file")
    done = services.fulfilment_record(
        actor=system,
        occurrence=occ,
        data={"done_on": dt.date(2024, 11, 1 + level), "note": f"{_tag(level, 'fulfilment')} note"},
        files=[SimpleUploadedFile(f"{name}.txt", f"{name} content".encode())],
    )
    for item in done.files.all():
        planted.add("obligation_file", item.pk, level)
