"""Dashboard pages: a plan's, a working group's, a member country's and the map of the member
countries. Views only adapt HTTP to the readers in dashboards.py; each page answers
`?table=<name>&format=csv|xlsx` with one of its tables, read the same way as the page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from rumbo.core.tables import Table, table_csv_response, table_xlsx_response
from rumbo.organisations.selectors import get_body_for
from rumbo.plans.selectors import get_plan_for, plans_for

from . import dashboards, dashboards_country

DOWNLOADS = {"csv": table_csv_response, "xlsx": table_xlsx_response}


def _download(
    request: HttpRequest, read: Callable[[str], Table], prefix: str
) -> HttpResponse | None:
    """The table asked for in the query string as a file, or None when none is asked for."""
    name = request.GET.get("table")
    if not name:
        return None
    write = DOWNLOADS.get(request.GET.get("format", "csv"))
    if write is None:
        raise Http404
    table = read(name)
    # Named in the page's language, by the table's own caption ("…-indicadores.xlsx").
    return write(table, f"{prefix}-{table.caption.lower()}")


def plan_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    plan = get_plan_for(user, code)
    file = _download(request, lambda name: dashboards.plan_table(user, plan, name), plan.code)
    if file:
        return file
    board = dashboards.plan_dashboard(user, plan, page=request.GET.get("page"))
    return render(
        request, "indicators/dashboard_plan.html", {"plan": plan, "board": board, "query": ""}
    )


def body_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    body = get_body_for(user, code)
    file = _download(request, lambda name: dashboards.body_table(user, body, name), body.code)
    if file:
        return file
    board = dashboards.body_dashboard(user, body, page=request.GET.get("page"))
    return render(
        request, "indicators/dashboard_body.html", {"body": body, "board": board, "query": ""}
    )


def country_page(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    country = dashboards_country.get_country_for(user, code)
    file = _download(
        request, lambda name: dashboards_country.country_table(user, country, name), country.code
    )
    if file:
        return file
    page = dashboards_country.country_page(user, country, page=request.GET.get("page"))
    return render(
        request, "indicators/country.html", {"country": country, "page": page, "query": ""}
    )


def country_map(request: HttpRequest) -> HttpResponse:
    """The member countries coloured by one indicator's figure, chosen in a GET form: first
    a plan, then one of its indicators reported by country, and the figure to show."""
    user = request.user
    chosen = dashboards_country.map_choice(user, request.GET)
    context: dict[str, Any] = {
        "choice": chosen,
        "plans": plans_for(user).order_by("code"),
        "query": "",
    }
    if chosen.indicator is not None:
        shown = dashboards_country.country_map(user, chosen.indicator, chosen.figure)
        file = _download(
            request,
            lambda name: _only("map", name, shown.chart.table),
            f"{chosen.indicator.plan.code}-{chosen.indicator.code}",
        )
        if file:
            return file
        context["map"] = shown
        context["query"] = urlencode(
            {"indicator": str(chosen.indicator.pk), "figure": str(chosen.figure)}
        )
    elif request.GET.get("table"):
        raise Http404
    return render(request, "indicators/map.html", context)


def _only(expected: str, name: str, table: Table) -> Table:
    if name != expected:
        raise Http404
    return table
