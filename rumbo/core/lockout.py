"""Brute-force protection for logging in, on top of django-axes.

django-axes counts failed authentications (any call to ``django.contrib.auth.authenticate``:
the log-in page, the admin's log-in page and HTTP Basic on the API) and, once a limit is
reached, refuses further attempts *before* any password is hashed. The policy is set by the
``AXES_*`` settings and explained in docs/security.md; this module holds what Rumbo adds:

* the key failures are counted under (user name case-folded, client address behind proxies),
* a ceiling on the failures from one address whatever the user names tried, so that rotating
  names cannot make the server hash passwords without end,
* the lock-out page, translated and in the site's look.

The API side (a JSON answer with status 429) is in :mod:`rumbo.core.lockout_api`.
"""

from __future__ import annotations

import ipaddress
import math
import unicodedata
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# AccessAttempt.username is a 255-character column: a longer name (HTTP Basic accepts any)
# would make PostgreSQL refuse the row, and the attempt would end in a server error.
_USERNAME_MAX = 255


def username_key(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """The user name failures are counted under: NFKC-normalised, trimmed and case-folded, so
    that guesses at ``Secretaria``, ``SECRETARIA`` and ``secretaria`` share one count."""
    field = get_user_model().USERNAME_FIELD
    name = credentials.get(field) if credentials is not None else request.POST.get(field)
    if name is None:
        return None
    return unicodedata.normalize("NFKC", str(name)).strip().casefold()[:_USERNAME_MAX]


def client_address(request: HttpRequest) -> str | None:
    """The address of the client, seen through ``RUMBO_PROXY_COUNT`` reverse proxies.

    Each proxy appends the address it received the request from to X-Forwarded-For, so the
    client is the entry that many places from the end; entries further left were written by
    the client and could be anything. Without proxies (or with a header too short to hold
    that entry) it is REMOTE_ADDR."""
    proxies: int = settings.RUMBO_PROXY_COUNT
    if proxies > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            try:
                return str(ipaddress.ip_address(hops[-proxies]))
            except ValueError:
                pass
    return request.META.get("REMOTE_ADDR")


def _address_failures(request: HttpRequest) -> int:
    """Failures from the request's address within the cool-off time, whatever the user name."""
    total = AccessAttempt.objects.filter(
        ip_address=request.axes_ip_address,  # type: ignore[attr-defined]
        attempt_time__gte=get_cool_off_threshold(request),
    ).aggregate(total=Sum("failures_since_start"))["total"]
    return int(total or 0)


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler, plus a ceiling on the failures from one address.

    Counting per (user name, address) leaves an attacker free to try many user names from one
    address, each attempt costing a password hash; past ``RUMBO_ADDRESS_FAILURE_LIMIT`` such
    failures the address is treated as locked out for every user name."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        failures = int(super().get_failures(request, credentials))
        limit = int(get_failure_limit(request, credentials))
        if failures < limit and _address_failures(request) >= settings.RUMBO_ADDRESS_FAILURE_LIMIT:
            return limit
        return failures


def lockout_minutes(request: HttpRequest | None = None) -> int:
    """How long a lock-out lasts, in whole minutes."""
    cool_off = get_cool_off(request)
    return math.ceil(cool_off.total_seconds() / 60) if cool_off else 0


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The page shown instead of the log-in form's answer when the attempt is locked out.

    429 Too Many Requests (with Retry-After), not 403: nothing is wrong with the person's
    rights, they must wait; 403 is the answer Rumbo gives when a role does not allow
    something, and it must not be confused with this."""
    minutes = lockout_minutes(request)
    response = render(
        request,
        "registration/locked_out.html",
        {"minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = str(minutes * 60)
    return response
