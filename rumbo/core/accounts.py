"""Log-in, password change and password reset: Django's auth views with Rumbo's rules.

* Where a log-in sends you back (``next``) is a local page of Rumbo, and never one of the
  account pages themselves (log-in, log-out, reset): a link to ``/es/login/?next=/es/login/``
  would bring a person back to the form they have just filled.
* A reset request never tells whether an address belongs to someone: the answer is the same
  page, and the mail is handed to the task queue so that sending it (seconds with a real mail
  server) does not make the answer slower when the address exists.
* Reset requests are throttled: past ``RESET_REQUESTS_PER_ADDRESS`` requests from one client
  address within ``RESET_WINDOW`` the form answers 429; past ``RESET_MAILS_PER_RECIPIENT``
  mails to one address, further requests are answered as usual but send nothing, so that the
  form cannot be used to flood someone's mailbox. The counts live in Django's cache (one per
  process unless a shared cache is configured): a brake, not an accounting.
* Changing a password checks the current one through ``authenticate``: wrong guesses count
  towards the lock-out as on the log-in page.
* A reset does not log the person in and does not lift a log-in lock-out (django-axes): the
  next log-in goes through the log-in page and its lock-out like any other.
"""

from __future__ import annotations

import hashlib
import math
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth import authenticate
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_tasks import task

from .lockout import client_address

# Account pages a log-in must never send back to.
NO_RETURN = frozenset(
    {
        "login",
        "logout",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
    }
)
RESET_WINDOW = timedelta(hours=1)
RESET_REQUESTS_PER_ADDRESS = 10
RESET_MAILS_PER_RECIPIENT = 3


def safe_return_path(target: str | None) -> str:
    """``target`` if it is a path of this site (no scheme, no host) that is not an account
    page, else ""."""
    # With no host allowed, Django's check lets through only URLs without a host, and also
    # refuses those a browser reads as another host ("//evil", "/\\evil").
    if (
        not target
        or not target.startswith("/")
        or not url_has_allowed_host_and_scheme(target, allowed_hosts=None)
    ):
        return ""
    try:
        match = resolve(urlsplit(target).path)
    except Resolver404:
        return target  # a page that does not exist is answered by its own 404
    return "" if match.url_name in NO_RETURN else target


def login_link(request: HttpRequest | None) -> str:
    """The log-in page's URL, with ``next`` set to the page the person is on when that is a
    page to come back to (on the log-in page itself: the ``next`` it already has)."""
    login = reverse("login")
    if request is None:
        return login
    try:
        here = resolve(request.path_info).url_name
    except Resolver404:
        here = None
    target = request.GET.get("next") if here in NO_RETURN else request.get_full_path()
    target = safe_return_path(target)
    if not target:
        return login
    return f"{login}?{urlencode({'next': target})}"


class LoginView(auth_views.LoginView):
    """Django's log-in view, never sending anyone back to an account page."""

    def get_redirect_url(self) -> str:  # type: ignore[override]  # the stub adds no arguments Django's view takes
        return safe_return_path(super().get_redirect_url())


# --- Password change ---------------------------------------------------------------------


class ChangeForm(PasswordChangeForm):
    """Django's change form, checking the current password through ``authenticate`` like every
    other password check, so that guesses at it count towards the log-in lock-out."""

    def __init__(self, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        old = self.cleaned_data["old_password"]
        username = self.user.get_username()
        if authenticate(self.request, username=username, password=old) is None:
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = ChangeForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}


# --- Password reset ---------------------------------------------------------------------


@task()
def send_reset_mail(
    *, subject: str, body: str, from_email: str | None, to: list[str], html: str | None
) -> None:
    """Send one password-reset mail (enqueued, so that the request answers at once)."""
    message = EmailMultiAlternatives(subject, body, from_email, to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


def _count(key: str) -> int:
    """Add one to a counter that lives for RESET_WINDOW from its first use; its new value."""
    seconds = int(RESET_WINDOW.total_seconds())
    if cache.add(key, 1, seconds):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, seconds)
        return 1


def _recipient_key(email: str) -> str:
    digest = hashlib.sha256(email.strip().casefold().encode()).hexdigest()
    return f"rumbo:reset:to:{digest}"


class ResetForm(PasswordResetForm):
    """Django's reset form, mailing through the task queue and at most
    RESET_MAILS_PER_RECIPIENT times per RESET_WINDOW to one address."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        if _count(_recipient_key(to_email)) > RESET_MAILS_PER_RECIPIENT:
            return
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        html = (
            loader.render_to_string(html_email_template_name, context)
            if html_email_template_name
            else None
        )
        send_reset_mail.enqueue(
            subject=subject, body=body, from_email=from_email, to=[to_email], html=html
        )


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        address = client_address(request) or "unknown"
        if _count(f"rumbo:reset:from:{address}") > RESET_REQUESTS_PER_ADDRESS:
            minutes = math.ceil(RESET_WINDOW.total_seconds() / 60)
            response = render(
                request,
                "registration/password_reset_throttled.html",
                {"minutes": minutes},
                status=429,
            )
            response["Retry-After"] = str(minutes * 60)
            return response
        return super().post(request, *args, **kwargs)
