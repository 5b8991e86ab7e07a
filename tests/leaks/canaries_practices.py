"""Good practices for the leak crawler (called from `canaries.plant_stage`).

Stage 0: a civil-society network that no crawling viewer belongs to, and its published
practice (a public control) with a file. Stages 1–3: that public practice is linked to a
country and a strategic-plan topic of the stage's level. Stage 4 (authors): the network's
practices in every state before publication (submitted, returned, accepted, scheduled for a
date to come), each with a file: only the secretariat may read them. Kinds: "practice" (pk),
"practice_file" (pk)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from rumbo.core.services import audited_create
from rumbo.organisations.models import Organisation
from rumbo.plans import services as plan_services
from rumbo.practices import services
from rumbo.practices.models import GoodPractice

AUTHORS = 4


def _tag(level: int, kind: str) -> str:
    return f"CANARY{level}x{kind}"


def _texts(level: int) -> dict[str, str]:
    return {
        f"{name}_{lang}": f"{_tag(level, 'practice')} {name} {lang}"
        for name in ("title", "summary", "gender_notes")
        for lang in ("es", "en")
    }


def _submit(system: Any, org: Organisation, level: int) -> GoodPractice:
    name = _tag(level, "practice_file")
    return services.practice_submit(
        actor=system,
        data={**_texts(level), "gender_perspective": True, "link": "https://example.org/p"},
        files=[SimpleUploadedFile(f"{name}.txt", f"{name} content".encode())],
        organisation=org,
    )


def _add(planted: Any, p: GoodPractice, level: int) -> None:
    planted.add("practice", p.pk, level)
    for item in p.files.all():
        planted.add("practice_file", item.pk, level)


def plant_practices(level: int, planted: Any, system: Any) -> None:
    anchors = planted.anchors
    if level == 0:
        org = audited_create(
            actor=system,
            instance=Organisation(),
            data={
                "code": "C0-NET",
                "kind": Organisation.Kind.CIVIL_SOCIETY,
                "name_es": _tag(0, "net"),
                "name_en": _tag(0, "net"),
            },
        )
        anchors["practice_org"] = org
        p = _submit(system, org, 0)
        p = services.practice_accept(actor=system, practice=p, expected_version=p.version)
        p = services.practice_publish(actor=system, practice=p, expected_version=p.version)
        anchors["practice"] = p
        _add(planted, p, 0)
        return
    org = anchors["practice_org"]
    if level == AUTHORS:
        for state in ("submitted", "returned", "accepted", "scheduled"):
            p = _submit(system, org, AUTHORS)
            if state == "returned":
                p = services.practice_return(
                    actor=system,
                    practice=p,
                    comments=f"{_tag(AUTHORS, 'practice_review')} comments",
                    expected_version=p.version,
                )
            if state in {"accepted", "scheduled"}:
                p = services.practice_accept(actor=system, practice=p, expected_version=p.version)
            if state == "scheduled":
                p = services.practice_schedule(
                    actor=system,
                    practice=p,
                    publish_on=timezone.localdate() + dt.timedelta(days=30),
                    expected_version=p.version,
                )
            _add(planted, p, AUTHORS)
        return
    # A restricted country and topic linked to the public practice.
    country = audited_create(
        actor=system,
        instance=Organisation(),
        data={
            "code": f"C{level}-CTY",
            "kind": Organisation.Kind.OBSERVER_STATE,
            "name_es": _tag(level, "country"),
            "name_en": _tag(level, "country"),
            "visibility": level,
        },
    )
    topic = plan_services.element_create(
        actor=system,
        plan=anchors["strategic"],
        data={
            "code": f"C{level}-PT",
            "title_es": _tag(level, "practice_topic"),
            "title_en": _tag(level, "practice_topic"),
            "visibility": level,
        },
    )
    p = GoodPractice.objects.get(pk=anchors["practice"].pk)
    services.practice_update(
        actor=system,
        practice=p,
        data={
            **{f: getattr(p, f) for f in services.CONTENT if f not in services.LINKS},
            "countries": [*p.countries.all(), country],
            "topics": [*p.topics.all(), topic],
            "gcm_objectives": list(p.gcm_objectives.all()),
        },
        expected_version=p.version,
    )
