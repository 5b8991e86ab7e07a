"""Browser tests' fixtures: Debian's chromium driven by Playwright (never a downloaded
browser), with the flags this machine's closed network needs, and a live site holding the
real data and the demo accounts. Import the fixtures into a test module to use them."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def launch(pw: Any, **options: Any) -> Any:
    """A headless chromium (Playwright gives each launch a fresh profile of its own)."""
    return pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True, **options)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # ordinary synchronous ones.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = launch(pw)
        yield chromium
        chromium.close()


@pytest.fixture
def site(live_server: Any) -> Iterator[str]:
    from django.db import connection

    from rumbo.core import db_triggers
    from rumbo.seeds.demo import ensure_demo_accounts
    from rumbo.seeds.loader import load_seeds

    db_triggers.install(connection)
    load_seeds()
    ensure_demo_accounts()
    yield live_server.url
    # The test database is emptied after a browser test; the append-only audit log would
    # (rightly) refuse that.
    db_triggers.uninstall(connection)
