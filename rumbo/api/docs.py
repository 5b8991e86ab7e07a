"""The API's page for people: what the API is, how to authenticate, where the schema is, and
every endpoint, read from the OpenAPI schema itself so that the page and the API cannot drift
apart. Server-rendered, in the page's language, with no script (the Swagger and Redoc pages
of drf-spectacular load theirs from a CDN, which the Content-Security-Policy forbids)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from drf_spectacular.generators import SchemaGenerator

from .pagination import MAX_LIMIT

METHODS = ("get", "post", "put", "patch", "delete")

# What each collection holds, by the first path segment after /api/v1/.
RESOURCES = {
    "plans": _("Plans: strategic, action, operational, working-group and partner plans."),
    "elements": _("Plan elements: the tree of a plan (pillars, topics, lines, actions…)."),
    "activities": _("Activities, with their schedule, status and responsible parties."),
    "organisations": _("Member states, observers, civil society and the secretariat."),
    "matrix": _("The tracking matrix: one row per activity, as in the Strategic Plan."),
    "concept-notes": _("Concept notes of activities, and their review."),
    "progress-updates": _("Progress updates of activities, with their evidence."),
    "indicators": _("Indicators of plans: their design, disaggregations and targets."),
    "indicator-values": _("Values reported for indicators, and their review."),
    "indicator-figures": _("Figures of indicators: by period, against targets, by category."),
    "meetings": _(
        "Meetings and events of the bodies: dates, place, agenda, participants by sex, documents."
    ),
    "good-practices": _("Good practices: submitted by any participant, reviewed, published."),
    "agreements": _(
        "Agreements and recommendations adopted at meetings, with each member country's "
        "follow-up (status, evidence, date)."
    ),
    "approvals": _(
        "Approval of texts by the member countries: positions on each version and the outcome."
    ),
    "pledges": _(
        "Pledges: who pledged what, in money or in kind, and each quarterly round's update."
    ),
    "obligations": _(
        "The calendar of obligations: who owes what to whom and when, each due date done, due "
        "or late."
    ),
}
# What an operation does, by the end of its operationId.
ACTIONS = {
    "list": _("List (paginated: limit and offset; filters below)"),
    "retrieve": _("One record"),
    "create": _("Create"),
    "partial_update": _("Change some fields (send the version you read)"),
    "update": _("Replace (send the version you read)"),
    "destroy": _("Delete"),
    "submit_create": _("Submit for approval"),
    "approve_create": _("Approve"),
    "return_create": _("Return with comments"),
    "targets_retrieve": _("The target table"),
    "targets_update": _("Replace the target table (send the version you read)"),
    "figures_retrieve": _("Figures: by period, total, targets and breakdown"),
    "accept_create": _("Accept (the secretariat)"),
    "schedule_create": _("Schedule the publication for a date"),
    "publish_create": _("Publish now"),
    "resubmit_create": _("Send back for review after the changes asked for"),
    "follow_up_partial_update": _("Report one country's follow-up (send the version you read)"),
    "position_create": _("Record a country's position (send the versions you read)"),
}


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    action: str
    parameters: tuple[str, ...]


@dataclass(frozen=True)
class Resource:
    name: str
    description: str
    endpoints: tuple[Endpoint, ...]


@functools.cache
def _operations() -> tuple[tuple[str, str, str, tuple[str, ...]], ...]:
    """(method, path, operationId, query parameters) of every operation in the schema.
    The schema is built once per process: it changes only with the code."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            params = tuple(
                p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"
            )
            found.append((method.upper(), path, operation.get("operationId", ""), params))
    return tuple(found)


def _action(operation_id: str) -> str:
    for suffix in sorted(ACTIONS, key=len, reverse=True):
        if operation_id.endswith(f"_{suffix}"):
            return str(ACTIONS[suffix])
    return operation_id


def api_resources() -> list[Resource]:
    """The API's endpoints grouped by collection, described in the active language."""
    groups: dict[str, list[Endpoint]] = {}
    for method, path, operation_id, params in _operations():
        name = path.removeprefix("/api/v1/").split("/", 1)[0]
        groups.setdefault(name, []).append(Endpoint(method, path, _action(operation_id), params))
    return [
        Resource(name, str(RESOURCES.get(name, "")), tuple(endpoints))
        for name, endpoints in groups.items()
    ]


def api_docs(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "api/docs.html",
        {
            "resources": api_resources(),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            "max_limit": MAX_LIMIT,
            "page_size": settings.REST_FRAMEWORK["PAGE_SIZE"],
        },
    )


def api_home(request: HttpRequest) -> HttpResponse:
    """/api/ itself: the page above, in the language of the request."""
    return redirect("api_docs")
