"""The API fuzzed from its own schema (schemathesis): every operation, called by an anonymous
visitor and by the secretariat with generated valid and invalid input, and by an observer
with valid input. No answer may be a server error, and every answer (status code, content
type, body) must be one the schema documents; input that breaks the schema must be refused;
and no answer to a non-member may hold members-only text.

Path ids are drawn at random and also from records that exist (visible to the caller or
not), so that reads and writes reach real records, not only 404s.

Bounded and deterministic: a fixed number of examples per operation, derandomised, no
shrinking, so a run costs the same every time (about 2,500 requests). Writes made by the
examples stay inside each test's transaction and are rolled back with it."""

from __future__ import annotations

import base64
import datetime as dt
import time
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from rumbo.approvals import services as approval_services
from rumbo.core.visibility import Visibility
from rumbo.indicators import services as indicator_services
from rumbo.meetings import services as meeting_services
from rumbo.meetings import services_agreements as agreement_services
from rumbo.obligations.models import Obligation
from rumbo.pledges import services as pledge_services
from rumbo.practices import services as practice_services
from rumbo.testing.factories import IndicatorFactory
from rumbo.tracking import services
from rumbo.wsgi import application

PASSWORD = "pw-for-tests-only"  # the factories' password: the right one, never a guess
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
MAX_EXAMPLES = 25
POSITIVE, NEGATIVE = GenerationMode.POSITIVE, GenerationMode.NEGATIVE

# The schema as the API serves it. Generating it reads no table, so it is loaded while the
# tests are collected (one test per caller, operation and kind of input).
SCHEMA = schemathesis.openapi.from_wsgi(
    "/api/schema/?format=json",
    application,
    config=schemathesis.Config.from_dict(
        {"generation": {"with-security-parameters": False, "allow-x00": False}}
    ),
)
# Every operation of the schema resolves (an `Err` here fails the module, as it should).
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]  # type: ignore[union-attr]


def can_be_invalid(operation: Any) -> bool:
    """Whether some input of the operation can break its schema: a query parameter, a body,
    a typed path parameter. Any text is a valid plan or organisation code."""
    typed_path = any(
        p.definition.get("schema", {}).get("type") != "string" for p in operation.path_parameters
    )
    return bool(list(operation.query) or list(operation.body) or typed_path)


CASES = [
    pytest.param(role, operation, mode, id=f"{role}-{operation.label}-{mode}")
    for role in ("public", "observer", "secretariat")
    for operation in OPERATIONS
    for mode in (POSITIVE, NEGATIVE)
    if mode is POSITIVE or (role != "observer" and can_be_invalid(operation))
]

requests_made: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def _report_requests(request: pytest.FixtureRequest) -> Iterator[None]:
    started = time.monotonic()
    yield
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    assert capture is not None  # pytest's own plugin, always registered
    with capture.global_and_fixture_disabled():
        print(
            f"\nschema fuzzing: {len(OPERATIONS)} operations, "
            f"{sum(requests_made.values())} requests "
            f"({', '.join(f'{k} {v}' for k, v in sorted(requests_made.items()))}) "
            f"in {time.monotonic() - started:.0f} s"
        )


@pytest.fixture(autouse=True)
def _keep_the_connection() -> Iterator[None]:
    """Django closes the database connection when a request ends (CONN_MAX_AGE=0), which
    would end the test's transaction; the test client keeps it open, and so must these
    calls to the WSGI application."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def known(cast: Any, canary: Any) -> dict[str, list[Any]]:
    """Path values of existing records, by collection: visible to everyone or to members."""
    se = cast.secretariat
    notes = [
        services.concept_note_save(actor=se, activity=activity, data={"objective_es": text})
        for activity, text in [
            (canary.open_activity, "Intercambio"),
            (canary.secret_activity, "CANARY nota"),  # members-only, as its activity
        ]
    ]
    update = services.progress_update_create(
        actor=se,
        activity=canary.open_activity,
        data={"date": dt.date(2024, 6, 1), "text_es": "Avance"},
    )
    activities = [canary.open_activity.pk, canary.network_activity.pk, canary.secret_activity.pk]
    indicators = [
        IndicatorFactory.create(plan=canary.public_plan, code="I-OPEN"),
        IndicatorFactory.create(
            plan=canary.public_plan,
            code="I-SECRET",
            name_es="CANARY indicador",
            name_en="CANARY indicator",
            visibility=Visibility.MEMBERS,
        ),
    ]
    values = [
        indicator_services.measurement_save(
            actor=se,
            indicator=indicator,
            period="2024",
            country=None,
            given=indicator_services.ValueInput(value=Decimal(3), comment=comment),
        )
        for indicator, comment in zip(indicators, ["Informe", "CANARY valor"], strict=True)
    ]
    indicator_services.measurement_approve(actor=se, measurement=values[0])
    # A published practice (everyone's), and one still waiting (its organisation's only).
    published = practice_services.practice_submit(
        actor=cast.civil, data={"title_es": "Ventanilla única", "summary_es": "Resumen"}
    )
    published = practice_services.practice_accept(
        actor=se, practice=published, expected_version=published.version
    )
    published = practice_services.practice_publish(
        actor=se, practice=published, expected_version=published.version
    )
    waiting = practice_services.practice_submit(
        actor=cast.civil, data={"title_es": "CANARY práctica", "summary_es": "Resumen"}
    )
    return {
        "activities": activities,
        "matrix": activities,
        "elements": [canary.open_element.pk, canary.secret_element.pk],
        "concept-notes": [note.pk for note in notes],
        "progress-updates": [update.pk],
        "plans": [canary.public_plan.code, canary.closed_plan.code],
        "organisations": ["OIM", "GTM"],
        "indicators": [indicator.pk for indicator in indicators],
        "indicator-values": [value.pk for value in values],
        "meetings": [
            meeting_services.meeting_create(actor=se, data={"title_es": t, "visibility": v}).pk
            for t, v in [("Foro", Visibility.PUBLIC), ("CANARY reunión", Visibility.MEMBERS)]
        ],
        "good-practices": [published.pk, waiting.pk],
        "approvals": [
            approval_services.question_open(
                actor=se, data={"plan": plan, "rule": "unanimity", "title_es": t, "visibility": v}
            ).pk
            for plan, t, v in [
                (canary.public_plan, "Consulta", Visibility.PUBLIC),
                (canary.closed_plan, "CANARY consulta", Visibility.MEMBERS),
            ]
        ],
        "agreements": [
            agreement_services.agreement_create(
                actor=se,
                meeting=meeting_services.meeting_create(
                    actor=se, data={"title_es": t, "visibility": v}
                ),
                data={"code": "1", "text_es": t},
            ).pk
            for t, v in [("Acuerdo", Visibility.PUBLIC), ("CANARY acuerdo", Visibility.MEMBERS)]
        ],
        "pledges": [
            pledge_services.pledge_create(
                actor=se,
                organisation=cast.focal.organisation,
                data={
                    "title_es": t,
                    "amount": Decimal("1"),
                    "currency": "USD",
                    "pledged_on": dt.date(2024, 1, 1),
                    "visibility": v,
                },
            ).pk
            for t, v in [
                ("Compromiso", Visibility.PUBLIC),
                ("CANARY compromiso", Visibility.MEMBERS),
            ]
        ],
        # A public obligation, and the members-only one (concept notes are members only).
        "obligations": [
            Obligation.objects.get(code=code).pk
            for code in ("network-pledge-follow-up", "concept-note-before-activity")
        ],
    }


def cases(operation: Any, mode: GenerationMode, known: dict[str, list[Any]]) -> Any:
    """Generated requests; for an operation on one record, also ones aimed at known records
    (with invalid input, only where a body can carry it)."""
    strategies = [operation.as_strategy(generation_mode=mode)]
    [path_parameter] = list(operation.path_parameters) or [None]
    if path_parameter is not None and (mode is POSITIVE or list(operation.body)):
        collection = operation.path.split("/")[3]  # /api/v1/<collection>/{id}/...
        strategies += [
            operation.as_strategy(generation_mode=mode, path_parameters={path_parameter.name: v})
            for v in known[collection]
        ]
    return st.one_of(strategies)


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "operation", "mode"), CASES)
def test_every_operation_answers_as_documented(
    role: str, operation: Any, mode: GenerationMode, cast: Any, known: dict[str, list[Any]]
) -> None:
    headers: dict[str, str] = {}
    if role != "public":
        user = getattr(cast, role)
        token = base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"

    @given(case=cases(operation, mode, known))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case) -> None:
        requests_made[role] += 1
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        if role != "secretariat":  # members-only records are marked CANARY (conftest.py)
            assert "CANARY" not in response.text, f"{case.method} {case.path}: {response.text}"

    run()
