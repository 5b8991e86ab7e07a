"""The leak crawler: canaries of every record kind at every level, every URL the URLconf can
produce for them, every API endpoint, filter and export, requested as each role and
anonymously. It fails on

* any canary reaching a viewer below its level (or any server error);
* any difference between a record the viewer may not see and one that does not exist
  (status and body, on record URLs and on filters);
* any change in what a viewer sees (lists, counts, totals, pages of records they may see)
  when records above their level are added.

It prints how many URL × role requests it made."""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.utils import timezone

from rumbo.organisations.models import Body, Organisation
from rumbo.plans.models import Activity, Plan, PlanElement
from rumbo.testing.http import client_for

from .canaries import AUTHORS, Planted, evidence_ids, note_ids, plant_stage, tag, update_ids
from .crawl import (
    FILTERS,
    MISSING,
    ROUTES,
    SKIPPED,
    Route,
    body_text,
    leaks,
    named_routes,
    normalised,
    url_for,
)

pytestmark = pytest.mark.django_db

# Each viewer, the highest marker level they may read, and the stage at which every record
# they may see exists.
VIEWERS = [("public", 0), ("civil", 1), ("observer", 2), ("focal", 3), ("secretariat", AUTHORS)]
HISTORY_KINDS: dict[str, tuple[type[models.Model], str]] = {
    "plan": (Plan, "code"),
    "element": (PlanElement, "pk"),
    "activity": (Activity, "pk"),
    "organisation": (Organisation, "code"),
    "body": (Body, "code"),
}


class Crawl:
    def __init__(self, cast: Any) -> None:
        self.cast = cast
        self.planted = Planted()
        self.requests = 0
        self.failures: list[str] = []
        self.timing: dict[str, float] = {}
        self.clients: dict[str, Client] = {
            who: client_for(getattr(cast, who)) for who, _level in VIEWERS
        }

    # What can fill each parameter ----------------------------------------------------------
    def values(self, kind: str) -> list[tuple[Any, int]]:
        if kind == "evidence":
            return evidence_ids()
        if kind == "note":
            return note_ids()
        if kind == "update":
            return update_ids()
        if kind == "text":
            return [(tag(level, "activity"), level) for level in (1, 2, 3)]
        return self.planted.values(kind)

    def filter_values(self, kind: str, max_level: int) -> list[tuple[Any, int]]:
        """One record of each level (up to the viewer's) per filter: enough to tell."""
        first: dict[int, tuple[Any, int]] = {}
        for value, level in self.values(kind):
            if level <= max_level:
                first.setdefault(level, (value, level))
        return list(first.values())

    def history_values(self) -> list[tuple[dict[str, Any], int]]:
        found = []
        for kind, (model, key) in HISTORY_KINDS.items():
            for value, level in self.planted.values(kind):
                pk = model._default_manager.values_list("pk", flat=True).get(**{key: value})
                found.append(({"kind": kind, "pk": pk}, level))
        return found

    def urls(self, route: Route, max_level: int) -> Iterator[tuple[str, int, Any]]:
        """(url, marker level of the record it names, the value used) for one route."""
        spec = ROUTES[route.name]
        langs = ("es", "en") if route.i18n and not spec else ("es",)
        if not spec:
            for lang in langs:
                yield url_for(route, lang, {}), 0, None
            base = url_for(route, "es", {})
            for param, kind in FILTERS.get(route.name, {}).items():
                for value, level in self.filter_values(kind, max_level):
                    yield f"{base}?{param}={value}", level, value
            return
        if spec.get("pk") == "history":
            for kwargs, level in self.history_values():
                if level <= max_level:
                    yield url_for(route, "es", kwargs), level, kwargs["pk"]
            return
        (param, kind), *_ = spec.items()
        for value, level in self.values(kind):
            if level <= max_level:
                yield url_for(route, "es", kwargs_for(param, value)), level, value

    # Requests ---------------------------------------------------------------------------------
    def get(self, who: str, url: str) -> tuple[int, str]:
        self.requests += 1
        started = time.perf_counter()
        response = self.clients[who].get(url)
        key = url.split("?")[0].split("/")[2] if url.startswith("/api/") else url.split("/")[2]
        self.timing[key] = self.timing.get(key, 0.0) + time.perf_counter() - started
        if response.status_code >= 500:
            self.failures.append(f"{who} {url}: server error {response.status_code}")
        return response.status_code, body_text(response)

    def check(self, who: str, clearance: int, url: str, value: Any) -> tuple[int, str]:
        status, text = self.get(who, url)
        # A value the viewer typed comes back in the page (a search box): not a leak.
        found = leaks(normalised(text, value if isinstance(value, str) else None), clearance)
        if found:
            self.failures.append(f"{who} {url}: {', '.join(found)}")
        return status, text

    def snapshot(self, who: str, clearance: int) -> dict[str, tuple[int, str]]:
        seen: dict[str, tuple[int, str]] = {}
        for route in self.routes:
            for url, _level, value in self.urls(route, clearance):
                status, text = self.check(who, clearance, url, value)
                seen[url] = (status, comparable(text))
        return seen

    @property
    def routes(self) -> list[Route]:
        return [r for r in named_routes() if r.name in ROUTES]


def kwargs_for(param: str, value: Any) -> dict[str, Any]:
    """A kind whose URLs take several parameters (value_place) plants their kwargs."""
    return dict(value) if isinstance(value, dict) else {param: value}


def comparable(text: str) -> str:
    """What must not change for a viewer when records above their level are added. For a
    workbook, its rows and their cells' texts (the hidden row-version column moves when
    restricted content is attached to a row: see docs/security.md)."""
    if "<worksheet" in text:
        rows = re.findall(r"<row [^>]*r=\"(\d+)\"", text)
        strings = re.findall(r"<t[^>]*>([^<]*)</t>", text)
        return f"rows={len(rows)} strings={sorted(strings)}"
    return normalised(text)


def test_every_route_is_crawled_or_skipped_with_a_reason():
    names = {r.name for r in named_routes()}
    unknown = names - ROUTES.keys() - SKIPPED.keys()
    assert not unknown, f"routes the leak crawler does not know: {sorted(unknown)}"
    for route in named_routes():
        if route.name in ROUTES:
            assert set(route.params) == set(ROUTES[route.name]), route


@pytest.mark.leak_crawler
def test_no_canary_reaches_a_role_below_its_level(cast, capsys, monkeypatch):
    # Thousands of expected 403s and 404s: their log lines are not what this test reads.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    # One day for the whole crawl: pages that show "today" (the roadmap, what is overdue)
    # would otherwise change between two snapshots taken on either side of midnight.
    pin_today(monkeypatch)
    crawl = Crawl(cast)
    snapshots: dict[str, dict[str, tuple[int, str]]] = {}
    for stage in range(AUTHORS + 1):
        plant_stage(stage, crawl.planted, cast.secretariat)
        for who, clearance in VIEWERS:
            if clearance == stage and who != "secretariat":
                snapshots[who] = crawl.snapshot(who, clearance)
    controls = 0
    for who, clearance in VIEWERS:
        final = crawl.snapshot(who, clearance)
        for url, before in snapshots.get(who, {}).items():
            after = final[url]
            if before != after:
                crawl.failures.append(f"{who} {url}: changed when records above them were added")
        controls += sum(tag(0, "plan") in text for _status, text in final.values())
        check_invisible_is_missing(crawl, who, clearance)
        check_export_command(crawl, who, clearance)
    with capsys.disabled():
        print(f"\nleak crawler: {crawl.requests} URL × role requests, {len(VIEWERS)} roles")
        slow = sorted(crawl.timing.items(), key=lambda kv: -kv[1])[:8]
        print("time by first path segment:", ", ".join(f"{k} {v:.1f}s" for k, v in slow))
    assert controls, "the crawler never saw a public canary: it is not reaching the pages"
    assert not crawl.failures, "\n".join(crawl.failures[:60])


def pin_today(monkeypatch: pytest.MonkeyPatch) -> None:
    real = timezone.localdate
    today = real()

    def localdate(value: Any = None, timezone: Any = None) -> dt.date:
        return today if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)


def check_invisible_is_missing(crawl: Crawl, who: str, clearance: int) -> None:
    """A record above the viewer's level answers exactly like one that does not exist."""
    for route in crawl.routes:
        spec = ROUTES[route.name]
        if spec.get("pk") == "history":
            hidden = [(kw, lvl) for kw, lvl in crawl.history_values() if lvl > clearance][:2]
            for kwargs, _level in hidden:
                a = crawl.get(who, url_for(route, "es", kwargs))
                b = crawl.get(who, url_for(route, "es", {**kwargs, "pk": MISSING["pk"]}))
                compare(crawl, who, route.name, a, b, kwargs["pk"], MISSING["pk"])
            continue
        if spec:
            (param, kind), *_ = spec.items()
            for value, _level in [v for v in crawl.values(kind) if v[1] > clearance][:3]:
                kwargs = kwargs_for(param, value)
                a = crawl.get(who, url_for(route, "es", kwargs))
                b = crawl.get(who, url_for(route, "es", {**kwargs, param: MISSING[param]}))
                compare(crawl, who, route.name, a, b, kwargs[param], MISSING[param])
            continue
        for param, kind in FILTERS.get(route.name, {}).items():
            by_id = kind in {"element", "activity", "indicator"}
            missing = MISSING["pk"] if by_id else MISSING["code"]
            if kind == "text":
                missing = tag(9, "nothing")
            base = url_for(route, "es", {})
            for value, _level in [v for v in crawl.values(kind) if v[1] > clearance][:2]:
                a = crawl.get(who, f"{base}?{param}={value}")
                b = crawl.get(who, f"{base}?{param}={missing}")
                compare(crawl, who, f"{route.name}?{param}", a, b, value, missing)


def compare(crawl: Crawl, who: str, name: str, a: Any, b: Any, value: Any, missing: Any) -> None:
    status_a, text_a = a
    status_b, text_b = b
    # Both values blanked in both answers: a small id (a first record's 1) also stands alone
    # elsewhere in a page, where it would otherwise be blanked in one answer only.
    same = comparable(normalised(text_a, value, missing)) == comparable(
        normalised(text_b, missing, value)
    )
    if status_a != status_b or not same:
        crawl.failures.append(
            f"{who} {name}: a hidden record ({value}) answers {status_a}, "
            f"a missing one {status_b}, and their bodies differ"
            if status_a != status_b
            else f"{who} {name}: hidden ({value}) and missing answers differ"
        )


def check_export_command(crawl: Crawl, who: str, clearance: int) -> None:
    """`rumbo export-plans --as USER`, the command-line export."""
    out = io.StringIO()
    args = [] if who == "public" else ["--as", getattr(crawl.cast, who).username]
    call_command("export_plans", *args, stdout=out)
    crawl.requests += 1
    found = leaks(out.getvalue(), clearance)
    if found:
        crawl.failures.append(f"{who} export-plans: {', '.join(found)}")
