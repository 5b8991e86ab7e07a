"""Changing pledges: recording one, editing it, and reporting a round's update.

Every change is one transaction, audited, refused with ConflictError when the record moved on
since the form was read (`expected_version`), and checks who may make it (PermissionDenied):
the pledging organisation's people, or the secretariat on anyone's behalf."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from rumbo.core.files import files_change
from rumbo.core.i18n import LANGS
from rumbo.core.services import ConflictError, audited_create, audited_update
from rumbo.indicators.models import Indicator
from rumbo.organisations.models import Organisation
from rumbo.plans.models import Activity, PlanElement
from rumbo.tracking.services import evidence_check_sizes, evidence_discard, evidence_store

from .access import can_edit, is_secretariat, may_record
from .models import Pledge, PledgeUpdate, PledgeUpdateFile
from .rounds import Round, is_round
from .selectors import is_reportable

# What a person writes about a pledge.
CONTENT = (
    *(f"{name}_{lang}" for name in ("title", "description", "in_kind") for lang in LANGS),
    "gcm_objectives",
    "amount",
    "currency",
    "activities",
    "actions",
    "indicators",
    "visibility",
    "pledged_on",
    "ends_on",
)
LINKS = ("gcm_objectives", "activities", "actions", "indicators")
# What a person writes for a round.
REPORT = (
    *(f"{name}_{lang}" for name in ("narrative", "in_kind_delivered") for lang in LANGS),
    "delivered_amount",
    "delivered_currency",
    "status",
    "link",
)
FILES = "files"


def _check_pledge(data: Mapping[str, Any]) -> dict[str, Any]:
    """The pledge's fields of `data`, checked: a title in at least one language (the other
    shows it with a “translation pending” mark), the currency upper-cased."""
    clean = {k: v for k, v in data.items() if k in CONTENT}
    if not any((clean.get(f"title_{lang}") or "").strip() for lang in LANGS):
        raise ValidationError({"title_es": _("Give the title in Spanish or in English.")})
    clean["currency"] = (clean.get("currency") or "").strip().upper()
    if clean.get("amount") is None:
        clean["currency"] = ""  # a currency without an amount says nothing
    return clean


def pledge_create(
    *, actor: Any, data: Mapping[str, Any], organisation: Organisation | None = None
) -> Pledge:
    """Record a pledge for the actor's organisation (the secretariat names the organisation
    that made it)."""
    if not may_record(actor):
        raise PermissionDenied
    if organisation is None or not is_secretariat(actor):
        organisation = actor.organisation
    if organisation is None:
        raise ValidationError({"organisation": _("Say which organisation made the pledge.")})
    clean = _check_pledge(data)
    with transaction.atomic():
        return audited_create(
            actor=actor,
            instance=Pledge(),
            data={
                **clean,
                "organisation": organisation,
                "recorded_by": actor,
                "recorded_at": timezone.now(),
            },
        )


def _keep_hidden_links(actor: Any, pledge: Pledge, data: dict[str, Any]) -> dict[str, Any]:
    """A person replaces the links they see; those they may not see (a members-only activity
    or indicator, say) stay as they were."""
    readers: dict[str, QuerySet[Any]] = {
        "activities": Activity.objects.visible_to(actor),
        "actions": PlanElement.objects.visible_to(actor),
        "indicators": Indicator.objects.visible_to(actor),
    }
    for name, visible in readers.items():
        if name not in data:
            continue
        linked = set(
            getattr(Pledge, name)
            .through.objects.filter(pledge_id=pledge.pk)
            .values_list(f"{getattr(Pledge, name).field.m2m_reverse_field_name()}_id", flat=True)
        )
        seen = set(visible.filter(pk__in=linked).values_list("pk", flat=True))
        data[name] = [*data[name], *sorted(linked - seen)]
    return data


@transaction.atomic
def pledge_update(
    *, actor: Any, pledge: Pledge, data: Mapping[str, Any], expected_version: int | None
) -> Pledge:
    """Change what a pledge says (its organisation's people, the secretariat). The currency
    cannot change once a round has reported an amount in it."""
    if not can_edit(actor, pledge):
        raise PermissionDenied
    if expected_version is None:
        raise ConflictError(pledge)
    clean = _keep_hidden_links(actor, pledge, _check_pledge(data))
    if (
        clean.get("currency") != pledge.currency
        and PledgeUpdate.objects.filter(pledge=pledge, delivered_amount__isnull=False).exists()
    ):
        raise ValidationError(
            {
                "currency": _(
                    "Rounds have already reported amounts in %(currency)s: the currency "
                    "cannot change."
                )
                % {"currency": pledge.currency}
            }
        )
    return audited_update(
        actor=actor, instance=pledge, data=clean, expected_version=expected_version
    )


def _check_report(pledge: Pledge, data: Mapping[str, Any]) -> dict[str, Any]:
    clean = {k: v for k, v in data.items() if k in REPORT}
    currency = (clean.get("delivered_currency") or "").strip().upper()
    amount = clean.get("delivered_amount")
    if amount is not None:
        if pledge.amount is None:
            raise ValidationError(
                {
                    "delivered_amount": _(
                        "This pledge has no amount of money: report what was delivered in kind."
                    )
                }
            )
        currency = currency or pledge.currency
        if currency != pledge.currency:
            raise ValidationError(
                {
                    "delivered_currency": _(
                        "The pledge is in %(pledged)s: report what was delivered in %(pledged)s, "
                        "not in %(given)s (convert it first)."
                    )
                    % {"pledged": pledge.currency, "given": currency}
                }
            )
    else:
        currency = ""
    clean["delivered_currency"] = currency
    if clean.get("status") not in PledgeUpdate.Status.values:
        raise ValidationError({"status": _("Choose the progress of the pledge.")})
    return clean


def round_report(
    *,
    actor: Any,
    pledge: Pledge,
    year: int,
    month: int,
    data: Mapping[str, Any],
    expected_version: int | None,
    files: Sequence[UploadedFile] = (),
    remove_files: Sequence[int] = (),
) -> PledgeUpdate:
    """Report a round's update for a pledge: delivered so far (cumulative, in the pledge's
    currency), in kind, progress, narrative, link, files. The first save of a round creates
    its update (`expected_version` None); a later save edits it and must send the version it
    read, so two people reporting the same round never overwrite each other unseen."""
    if not can_edit(actor, pledge):
        raise PermissionDenied
    if not is_round(year, month):
        raise ValidationError(_("Rounds are in April, June, September and December."))
    rnd = Round(year, month)
    if not is_reportable(pledge, rnd):
        raise ValidationError(_("This round is before the pledge was made or has not come yet."))
    clean = _check_report(pledge, data)
    evidence_check_sizes(files, field=FILES)
    stored = evidence_store(files, model=PledgeUpdateFile)
    try:
        return _report(
            actor=actor,
            pledge=pledge,
            rnd=rnd,
            data=clean,
            expected_version=expected_version,
            stored=stored,
            remove_files=remove_files,
        )
    except BaseException:
        evidence_discard(stored)
        raise


@transaction.atomic
def _report(
    *,
    actor: Any,
    pledge: Pledge,
    rnd: Round,
    data: dict[str, Any],
    expected_version: int | None,
    stored: list[PledgeUpdateFile],
    remove_files: Sequence[int],
) -> PledgeUpdate:
    current = (
        PledgeUpdate.objects.select_for_update()
        .filter(pledge=pledge, round_year=rnd.year, round_month=rnd.month)
        .first()
    )
    stamp = {"reported_by": actor, "reported_at": timezone.now()}
    if current is None:
        if expected_version is not None:
            raise ConflictError(pledge)  # the form edited an update that is gone
        if remove_files:
            raise ValidationError({"remove_files": _("That file is not one of this update's.")})
        update = audited_create(
            actor=actor,
            instance=PledgeUpdate(pledge=pledge, round_year=rnd.year, round_month=rnd.month),
            data={**data, **stamp},
        )
        removing: list[PledgeUpdateFile] = []
    else:
        if expected_version is None or expected_version != current.version:
            raise ConflictError(current)
        removing = [f for f in current.files.all() if f.pk in set(remove_files)]
        if len(removing) != len(set(remove_files)):
            raise ValidationError({"remove_files": _("That file is not one of this update's.")})
        before = current.version
        update = audited_update(
            actor=actor, instance=current, data={**data, **stamp}, expected_version=before
        )
        if (stored or removing) and update.version == before:
            # Only files changed: the version still moves on, so a form read before is refused.
            moved = PledgeUpdate.objects.filter(pk=update.pk, version=before).update(
                version=F("version") + 1
            )
            if not moved:
                raise ConflictError(update)
            update.version += 1
    files_change(
        actor=actor, record=update, link="update", stored=stored, removing=removing, field=FILES
    )
    return update
