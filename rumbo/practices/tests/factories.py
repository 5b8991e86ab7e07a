"""Good practices for tests, made through the services (so audited, as people make them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from rumbo.practices import services
from rumbo.practices.models import GoodPractice


def submitted(actor: Any, title: str = "Práctica", **extra: Any) -> GoodPractice:
    files = extra.pop("files", [])
    data = {
        "title_es": title,
        "title_en": "",
        "summary_es": f"Resumen de {title}",
        **extra,
    }
    return services.practice_submit(actor=actor, data=data, files=files)


def accepted(actor: Any, reviewer: Any, **kw: Any) -> GoodPractice:
    p = submitted(actor, **kw)
    return services.practice_accept(actor=reviewer, practice=p, expected_version=p.version)


def scheduled(actor: Any, reviewer: Any, on: dt.date, **kw: Any) -> GoodPractice:
    p = accepted(actor, reviewer, **kw)
    return services.practice_schedule(
        actor=reviewer, practice=p, publish_on=on, expected_version=p.version
    )


def published(actor: Any, reviewer: Any, **kw: Any) -> GoodPractice:
    p = accepted(actor, reviewer, **kw)
    return services.practice_publish(actor=reviewer, practice=p, expected_version=p.version)


def a_file(name: str = "guia.pdf", content: bytes = b"%PDF-1.4 practice") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)
