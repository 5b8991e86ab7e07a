"""The matrix page's columns, as officials read it on a laptop: sensible default columns that
fit, a column chooser that works without JavaScript and is kept by every link, plan names
instead of slugs, sortable headers, and a printable table."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rumbo.organisations.models import Body
from rumbo.plans.models import Activity, BudgetLine
from rumbo.testing.factories import ActivityFactory, PlanFactory
from rumbo.testing.http import client_for, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(cast):
    plan = PlanFactory(
        code="x-plan-2023-2024", short_title_es="Plan corto", short_title_en="Short plan"
    )
    group = Body.objects.get(code="WG-LAB")
    statuses = ["in_progress", "not_started", "finished"]
    for i, status in enumerate(statuses):
        act = ActivityFactory(
            plan=plan,
            code=f"C{i}",
            status=status,
            working_group=group,
            assumptions_risks_es=f"Supuesto {i}",
        )
        BudgetLine.objects.create(activity=act, amount=1500 + i, currency="USD")
    return plan


def headers(html: str) -> list[str]:
    thead = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    return [
        re.sub(r"<[^>]+>|\s+\(.*?\)|[▲▼]", "", h).strip()
        for h in re.findall(r"<th scope=\"col\".*?</th>", thead, re.S)
    ]


def page(user, query: str, lang: str = "es") -> str:
    response = client_for(user).get(url("matrix", lang) + query)
    assert response.status_code == 200
    return response.content.decode()


def test_default_columns_show_status_and_group_and_leave_long_texts_to_choose(cast, plan):
    html = page(cast.public, "?plan=x-plan-2023-2024")
    assert headers(html) == [
        "Plan",
        "Tema",
        "Actividad",
        "Parte responsable",
        "Plazo",
        "Estado",
        "Grupo de Trabajo",
    ]
    # Every column can be chosen, from a plain form field (no JavaScript).
    chooser = re.findall(r'<input type="checkbox" name="cols" value="(\w+)"( checked)?', html)
    assert [key for key, _on in chooser] == [
        "plan",
        "pillar",
        "topic",
        "activity",
        "indicators",
        "responsible",
        "deadline",
        "status",
        "assumptions",
        "group",
        "budget",
    ]
    assert {key for key, on in chooser if on} == {
        "plan",
        "topic",
        "activity",
        "responsible",
        "deadline",
        "status",
        "group",
    }
    en = page(cast.public, "?plan=x-plan-2023-2024", "en")
    assert "Status" in headers(en) and "Working group" in headers(en)


def test_chosen_columns_are_shown_and_kept_by_links_and_export(cast, plan):
    query = "?plan=x-plan-2023-2024&cols=status&cols=assumptions&cols=budget&size=50"
    html = page(cast.secretariat, query)
    # The activity names the row: it is always there.
    assert headers(html) == ["Actividad", "Estado", "Supuestos o riesgos", "Presupuesto"]
    assert "Supuesto 1" in html and re.search(r">1\W501 USD<", html)
    assert '<td class="col-plan">' not in html
    export = re.search(r'href="([^"]*/matrix/export\.xlsx\?[^"]*)"', html).group(1)
    assert "cols=assumptions" in export and "cols=budget" in export
    for link in re.findall(r'<th scope="col"[^>]*><a href="([^"]+)"', html):
        assert "cols=assumptions" in link and "plan=x-plan-2023-2024" in link
    # Unknown columns are ignored; none valid gives the defaults.
    assert "Estado" in headers(page(cast.public, "?cols=nonsense"))
    assert len(headers(page(cast.public, "?cols=nonsense"))) == 7


def test_plans_are_named_by_their_short_title_not_their_slug(cast, plan):
    es = page(cast.public, "?plan=x-plan-2023-2024")
    assert '<td class="col-plan">Plan corto</td>' in es
    assert ">x-plan-2023-2024<" not in es
    en = page(cast.public, "?plan=x-plan-2023-2024", "en")
    assert '<td class="col-plan">Short plan</td>' in en


def row_codes(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a [^>]*><span class="code">([^<]+)</span>', html)


def test_headers_sort_with_the_filters_and_say_how(cast, plan):
    html = page(cast.public, "?plan=x-plan-2023-2024&sort=status")
    status = re.search(r'<th scope="col" class="col-status"([^>]*)><a href="([^"]+)"', html)
    assert status.group(1) == ' aria-sort="ascending"'
    link = status.group(2).replace("&amp;", "&")
    assert "sort=status" in link and "desc=on" in link and "plan=x-plan-2023-2024" in link
    assert row_codes(html) == ["C2", "C0", "C1"]  # Finished, In progress, Not started
    html = page(cast.public, link)
    assert ' aria-sort="descending"' in html
    assert row_codes(html) == ["C1", "C0", "C2"]
    # Other headers start ascending and carry no aria-sort.
    plan_header = re.search(r'<th scope="col" class="col-plan"([^>]*)><a href="([^"]+)"', html)
    assert plan_header.group(1) == ""
    assert "desc=on" not in plan_header.group(2)
    # Columns that do not sort are plain headers.
    assert re.search(r'<th scope="col" class="col-responsible">[^<]+</th>', html)


def test_columns_cost_no_query(cast, plan):
    client = client_for(cast.secretariat)
    client.get(url("matrix") + "?plan=x-plan-2023-2024")
    with CaptureQueriesContext(connection) as default:
        client.get(url("matrix") + "?plan=x-plan-2023-2024")
    every = "&".join(
        f"cols={c}" for c in ("plan", "pillar", "topic", "indicators", "assumptions", "budget")
    )
    with CaptureQueriesContext(connection) as chosen:
        client.get(url("matrix") + f"?plan=x-plan-2023-2024&{every}&sort=group&desc=on")
    assert len(chosen) == len(default)


def test_print_styles_hide_the_controls_and_repeat_the_header(cast, plan):
    html = page(cast.public, "?plan=x-plan-2023-2024")
    assert '<details class="filters no-print"' in html
    assert '<div class="actions no-print">' in html  # the export's form may sit in it
    css = (Path(__file__).resolve().parents[2] / "core/static/rumbo/rumbo.css").read_text()
    printed = css.split("/* Tracking matrix, printed", 1)[1].split("/* --- end", 1)[0]
    assert ".no-print" in printed and "display:none" in printed
    assert "table.matrix thead { display:table-header-group; }" in printed


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")
def test_default_columns_fit_the_screen_and_print_without_controls(live_server):
    """In a real browser at 1366 and 1920 px, every default column is on screen; printed,
    the table is there and the buttons and forms are not."""
    from django.db import connection
    from playwright.sync_api import sync_playwright

    from rumbo.core import db_triggers
    from rumbo.seeds.loader import load_seeds
    from rumbo.testing.browser import launch

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    db_triggers.install(connection)
    load_seeds()
    Activity.objects.filter(code="BP1.1").update(status="in_progress")
    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            for width in (1366, 1920):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(f"{live_server.url}/es/matrix/?plan=un-rn-2023-2024")
                for header in page.locator("table.matrix thead th").all():
                    box = header.bounding_box()
                    assert box and box["x"] + box["width"] <= width, header.inner_text()
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                page.emulate_media(media="print")
                assert page.locator("table.matrix").is_visible()
                assert not page.locator("details.filters").is_visible()
                assert not page.get_by_role("link", name=re.compile("Descargar Excel")).is_visible()
                assert not page.locator("nav.main").is_visible()
                page.close()
        finally:
            browser.close()
            # The test database is emptied afterwards; the append-only audit log would
            # (rightly) refuse that.
            db_triggers.uninstall(connection)
