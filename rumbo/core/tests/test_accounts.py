"""Every person can change their own password, and get a new one by email when they have
forgotten it, in both languages, without the reset telling who has an account or lifting the
log-in lock-out."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from rumbo.organisations.models import User
from rumbo.testing.http import url

pytestmark = pytest.mark.django_db

OLD = "pw-for-tests-only"
NEW = "a-new-Passw0rd-for-rumbo"
RESET_TEXT = {"es": "elegir una contraseña nueva", "en": "choose a new password"}


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """The reset throttle counts in the cache; each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


def log_in(client: Client, username: str, password: str, lang: str = "es"):
    return client.post(url("login", lang), {"username": username, "password": password})


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_working_group_member_changes_their_own_password(cast, lang):
    client = Client()
    assert log_in(client, "wg", OLD, lang).status_code == 302
    home = client.get(f"/{lang}/").content.decode()
    assert f'href="{url("password_change", lang)}"' in home  # in the user menu

    page = client.get(url("password_change", lang))
    assert page.status_code == 200
    assert f'<html lang="{lang}">' in page.content.decode()
    done = client.post(
        url("password_change", lang),
        {"old_password": OLD, "new_password1": NEW, "new_password2": NEW},
    )
    assert done.status_code == 302 and done["Location"] == url("password_change_done", lang)
    assert logged_in(client)  # the session survives its own password change
    assert client.get(done["Location"]).status_code == 200

    wg = User.objects.get(username="wg")
    assert wg.check_password(NEW) and not wg.check_password(OLD)
    fresh = Client()
    assert log_in(fresh, "wg", NEW, lang).status_code == 302 and logged_in(fresh)


def test_a_wrong_current_password_changes_nothing(cast):
    client = Client()
    log_in(client, "observer", OLD)
    page = client.post(
        url("password_change"),
        {"old_password": "not-it", "new_password1": NEW, "new_password2": NEW},
    )
    assert page.status_code == 200  # the form again, with its error
    assert User.objects.get(username="observer").check_password(OLD)


def test_changing_a_password_needs_a_log_in(client):
    response = client.get(url("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(url("login") + "?next=")


def reset_link(message: mail.EmailMessage) -> str:
    found = re.search(r"https?://[^/\s]+(/\S+/password/reset/\S+/)", str(message.body))
    assert found, message.body
    return found.group(1)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_forgotten_password_is_reset_through_the_email(cast, lang):
    User.objects.filter(username="focal").update(email="focal@example.org")
    client = Client()
    login_page = client.get(url("login", lang)).content.decode()
    assert f'href="{url("password_reset", lang)}"' in login_page

    sent = client.post(url("password_reset", lang), {"email": "Focal@Example.org"})
    assert sent.status_code == 302 and sent["Location"] == url("password_reset_done", lang)
    assert client.get(sent["Location"]).status_code == 200
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["focal@example.org"]
    assert RESET_TEXT[lang] in message.body and "Rumbo" in message.subject
    link = reset_link(message)
    assert link.startswith(f"/{lang}/")

    form = client.get(link, follow=True)  # Django swaps the token for a session key
    assert form.status_code == 200 and 'name="new_password1"' in form.content.decode()
    set_url = form.redirect_chain[-1][0]
    saved = client.post(set_url, {"new_password1": NEW, "new_password2": NEW})
    assert saved.status_code == 302 and saved["Location"] == url("password_reset_complete", lang)
    assert not logged_in(client)  # a reset is not a log-in: that goes through the lock-out

    assert log_in(Client(), "focal", NEW, lang).status_code == 302
    assert log_in(Client(), "focal", OLD, lang).status_code == 200  # refused
    again = Client().get(link, follow=True).content.decode()
    assert 'name="new_password1"' not in again  # a link works once


def normalised(body: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body)


def test_the_reset_does_not_tell_whether_an_address_has_an_account(cast):
    User.objects.filter(username="ppt").update(email="ppt@example.org")
    known, unknown = Client(), Client()
    a = known.post(url("password_reset"), {"email": "ppt@example.org"})
    b = unknown.post(url("password_reset"), {"email": "nobody@example.org"})
    assert (a.status_code, a["Location"]) == (b.status_code, b["Location"])
    pages = [c.get(r["Location"]) for c, r in ((known, a), (unknown, b))]
    assert normalised(pages[0].content) == normalised(pages[1].content)
    assert [m.to for m in mail.outbox] == [["ppt@example.org"]]


def test_a_reset_does_not_lift_a_log_in_lock_out(cast):
    User.objects.filter(username="civil").update(email="civil@example.org")
    attacker = Client()
    for _ in range(5):
        log_in(attacker, "civil", "guess")
    Client().post(url("password_reset"), {"email": "civil@example.org"})
    client = Client()
    form = client.get(reset_link(mail.outbox[0]), follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert User.objects.get(username="civil").check_password(NEW)
    # Same user name, same address as the failures: still locked out, even with the new one.
    assert log_in(attacker, "civil", NEW).status_code == 429
    assert not logged_in(attacker)


def test_reset_requests_are_throttled(cast):
    User.objects.filter(username="focal").update(email="focal@example.org")
    client = Client()
    answers = [
        client.post(url("password_reset"), {"email": "focal@example.org"}).status_code
        for _ in range(10)
    ]
    assert answers == [302] * 10
    assert len(mail.outbox) == 3  # at most three mails an hour to one address
    refused = client.post(url("password_reset"), {"email": "focal@example.org"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert len(mail.outbox) == 3


def settings_in_subprocess(env: dict[str, str], expression: str) -> str:
    root = Path(__file__).resolve().parents[3]
    clean = {k: v for k, v in os.environ.items() if not k.startswith("RUMBO_EMAIL")}
    clean.pop("RUMBO_DEFAULT_FROM_EMAIL", None)
    clean.update({"RUMBO_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "rumbo.settings", **env})
    code = f"from django.conf import settings as s; print(repr(({expression})))"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=clean, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_mail_goes_to_the_console_unless_a_server_is_configured():
    expression = "s.EMAIL_BACKEND, s.DEFAULT_FROM_EMAIL"
    assert "console" in settings_in_subprocess({}, expression)
    configured = settings_in_subprocess(
        {
            "RUMBO_EMAIL_HOST": "smtp.example.org",
            "RUMBO_EMAIL_PORT": "2525",
            "RUMBO_EMAIL_USER": "rumbo",
            "RUMBO_EMAIL_PASSWORD": "secret",
            "RUMBO_EMAIL_TLS": "1",
            "RUMBO_DEFAULT_FROM_EMAIL": "Rumbo <rumbo@example.org>",
        },
        "s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, s.EMAIL_USE_TLS, "
        "s.DEFAULT_FROM_EMAIL",
    )
    assert configured == (
        "('django.core.mail.backends.smtp.EmailBackend', 'smtp.example.org', 2525, 'rumbo', "
        "True, 'Rumbo <rumbo@example.org>')"
    )


def test_guesses_at_the_current_password_count_towards_the_lock_out(cast):
    client = Client()
    log_in(client, "ppt", OLD)
    wrong = {"old_password": "guess", "new_password1": NEW, "new_password2": NEW}
    answers = [client.post(url("password_change"), wrong).status_code for _ in range(5)]
    assert answers[:4] == [200] * 4  # the form again, "incorrect"
    right = {"old_password": OLD, "new_password1": NEW, "new_password2": NEW}
    assert client.post(url("password_change"), right).status_code == 429
    assert User.objects.get(username="ppt").check_password(OLD)
    assert log_in(Client(), "ppt", OLD).status_code == 429  # the log-in page is locked too
