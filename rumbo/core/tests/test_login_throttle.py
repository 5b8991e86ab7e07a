"""Brute-force protection: after repeated failures a user name is locked out from an address,
on the log-in page, the admin's log-in page and HTTP Basic on the API, without hashing the
password of a refused attempt."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from axes.utils import reset
from django.contrib.auth.hashers import get_hasher
from django.test import Client, RequestFactory
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from rumbo.core.lockout import client_address
from rumbo.testing.api import conforms
from rumbo.testing.http import url

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-only"
LIMIT = 5  # failures per (user name, address): docs/security.md
ADDRESS_LIMIT = 50  # failures per address, whatever the user names
API = "/api/v1/plans/"
# DRF answers a wrong Basic password with 403, not 401: the first authentication class
# (sessions) sends no WWW-Authenticate challenge.
WRONG = 403


def log_in(client: Client, username: str, password: str, lang: str = "es") -> Any:
    return client.post(url("login", lang), {"username": username, "password": password})


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def fail(client: Client, username: str, times: int, lang: str = "es") -> list[int]:
    return [log_in(client, username, "wrong", lang).status_code for _ in range(times)]


def minutes_ago(minutes: int) -> datetime:
    return timezone.now() - timedelta(minutes=minutes)


def basic(username: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


@pytest.fixture
def hashing() -> Iterator[mock.MagicMock]:
    """Counts the password hasher's work: checking a password, and hashing the password of an
    unknown user name (which Django does so that unknown names take as long)."""
    hasher = type(get_hasher())
    calls = mock.MagicMock()
    verify, encode = hasher.verify, hasher.encode

    def counted_verify(self: Any, password: str, encoded: str) -> bool:
        calls("verify")
        return verify(self, password, encoded)

    def counted_encode(self: Any, password: str, salt: str, *args: Any) -> str:
        calls("encode")
        return encode(self, password, salt, *args)

    with (
        mock.patch.object(hasher, "verify", counted_verify),
        mock.patch.object(hasher, "encode", counted_encode),
    ):
        yield calls


# -- the log-in page ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "title", "wait", "contact"),
    [
        ("es", "El inicio de sesión está bloqueado", "durante 15 minutos", "Secretaría Ejecutiva"),
        ("en", "Logging in is blocked", "for 15 minutes", "Executive Secretariat"),
    ],
)
def test_the_right_password_is_refused_after_five_wrong_ones(cast, lang, title, wait, contact):
    client = Client()
    statuses = fail(client, "focal", LIMIT, lang)
    # Four ordinary refusals; the fifth failure reaches the limit and shows the lock-out.
    assert statuses == [200] * (LIMIT - 1) + [429]
    response = log_in(client, "focal", PASSWORD, lang)
    assert response.status_code == 429
    assert not logged_in(client)
    assert response["Retry-After"] == "900"
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert f'<html lang="{lang}">' in page
    assert title in page and wait in page and contact in page


def test_the_lockout_is_per_user_name_and_address(cast):
    client = Client()
    fail(client, "focal", LIMIT)
    assert log_in(client, "focal", PASSWORD).status_code == 429
    # Someone else at the same address (a country office behind one NAT) logs in as usual...
    colleague = Client()
    assert log_in(colleague, "observer", PASSWORD).status_code == 302
    assert logged_in(colleague)
    # ...and so does the same person from elsewhere.
    elsewhere = Client(REMOTE_ADDR="192.0.2.7")
    assert log_in(elsewhere, "focal", PASSWORD).status_code == 302


def test_user_names_are_counted_without_regard_to_case(cast):
    client = Client()
    for name in ["Focal", "FOCAL", "focal", "fOcAl"]:
        assert log_in(client, name, "wrong").status_code == 200
    assert log_in(client, "FoCaL", "wrong").status_code == 429
    assert log_in(client, "focal", PASSWORD).status_code == 429


def test_after_the_cool_off_the_right_password_works(cast):
    client = Client()
    fail(client, "focal", LIMIT)
    assert log_in(client, "focal", PASSWORD).status_code == 429
    # Fourteen minutes after the last attempt the lock-out still holds...
    AccessAttempt.objects.update(attempt_time=minutes_ago(14))
    assert log_in(client, "focal", PASSWORD).status_code == 429
    # ...and since that refused attempt restarted the wait, it ends 15 minutes after it.
    AccessAttempt.objects.update(attempt_time=minutes_ago(16))
    response = log_in(client, "focal", PASSWORD)
    assert response.status_code == 302 and logged_in(client)


def test_the_secretariat_can_unlock_an_account(cast):
    client = Client()
    fail(client, "focal", LIMIT)
    assert reset(username="focal") == 1  # what `manage.py axes_reset_username focal` does
    assert log_in(client, "focal", PASSWORD).status_code == 302


def test_a_successful_log_in_resets_the_count(cast):
    client = Client()
    assert fail(client, "focal", LIMIT - 1) == [200] * (LIMIT - 1)
    assert log_in(client, "focal", PASSWORD).status_code == 302
    client.post(url("logout"))
    # Counting starts again from zero: without the reset the first of these would be the
    # fifth failure and lock the account.
    assert fail(client, "focal", LIMIT) == [200] * (LIMIT - 1) + [429]


def test_the_admin_log_in_is_protected_too(cast):
    client = Client()
    admin_login = url("admin:login")
    for _ in range(LIMIT):
        client.post(admin_login, {"username": "se", "password": "wrong"})
    response = client.post(admin_login, {"username": "se", "password": PASSWORD})
    assert response.status_code == 429
    assert not logged_in(client)


def test_failures_and_the_lockout_are_recorded(cast):
    fail(Client(), "focal", LIMIT)
    log = AccessFailureLog.objects.order_by("attempt_time")
    assert log.count() == LIMIT
    assert [entry.locked_out for entry in log] == [False] * (LIMIT - 1) + [True]
    assert {entry.username for entry in log} == {"focal"}


# -- HTTP Basic on the API ---------------------------------------------------------------------


def test_basic_auth_is_refused_with_429_after_five_failures(cast):
    client = APIClient()
    statuses = [client.get(API, **basic("focal", "wrong")).status_code for _ in range(LIMIT)]
    assert statuses == [WRONG] * (LIMIT - 1) + [429]
    response = client.get(API, **basic("focal", PASSWORD), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "900"
    assert response.json()["detail"].startswith("Too many failed authentication attempts")
    assert "15 minutes" in response.json()["detail"]
    # Another user at the same address is served.
    assert client.get(API, **basic("observer", PASSWORD)).status_code == 200


def test_the_api_lockout_message_is_translated(cast):
    client = APIClient()
    for _ in range(LIMIT):
        client.get(API, **basic("focal", "wrong"))
    response = client.get(API, **basic("focal", PASSWORD), HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 429
    assert "durante 15 minutos" in response.json()["detail"]


def test_the_api_lockout_is_documented_and_the_answer_conforms(cast):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert "429" in operation["responses"], f"{method} {path}"
    assert "429" in schema["components"]["securitySchemes"]["basicAuth"]["description"]
    client = APIClient()
    for _ in range(LIMIT):
        client.get(API, **basic("focal", "wrong"))
    response = client.get(API, **basic("focal", PASSWORD))
    conforms(schema, "LockedOut", response.json())


def test_a_locked_out_basic_attempt_hashes_no_password(cast, hashing):
    client = APIClient()
    assert client.get(API, **basic("focal", "wrong")).status_code == WRONG
    assert hashing.called  # an ordinary failure checks the password: that is the cost
    for _ in range(LIMIT - 1):
        client.get(API, **basic("focal", "wrong"))
    hashing.reset_mock()
    for password in ["wrong", PASSWORD, "another guess"]:
        assert client.get(API, **basic("focal", password)).status_code == 429
    assert hashing.call_count == 0


def test_a_locked_out_unknown_user_name_hashes_nothing_either(db, hashing):
    client = APIClient()
    assert client.get(API, **basic("nobody", "guess")).status_code == WRONG
    assert hashing.called  # Django hashes the guess anyway, so that unknown names take as long
    for _ in range(LIMIT - 1):
        client.get(API, **basic("nobody", "guess"))
    hashing.reset_mock()
    assert client.get(API, **basic("nobody", "guess")).status_code == 429
    assert hashing.call_count == 0


def test_rotating_user_names_from_one_address_is_stopped_too(cast, hashing):
    """Without a ceiling per address, a new user name per attempt would never reach the limit
    and every attempt would cost a password hash."""
    client = APIClient()
    for i in range(ADDRESS_LIMIT - 1):
        assert client.get(API, **basic(f"guess{i}", "guess")).status_code == WRONG
    assert client.get(API, **basic("one-more", "guess")).status_code == 429
    hashing.reset_mock()
    assert client.get(API, **basic("focal", PASSWORD)).status_code == 429
    assert log_in(Client(), "observer", PASSWORD).status_code == 429
    assert hashing.call_count == 0
    # Other addresses are not affected.
    other = APIClient(REMOTE_ADDR="192.0.2.7")
    assert other.get(API, **basic("focal", PASSWORD)).status_code == 200


# -- the client address ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),  # no proxy: the header is the client's own words
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the left entry is spoofable
        (2, "198.51.100.1, 203.0.113.9, 10.0.0.5", "203.0.113.9"),
        (1, "", "10.0.0.1"),
        (1, "not-an-address", "10.0.0.1"),
    ],
)
def test_the_client_address_behind_proxies(settings, proxies, forwarded, expected):
    settings.RUMBO_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected
