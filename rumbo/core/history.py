"""Reading the audit log of one record, with field names a person understands."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import audit
from .forms import LANGUAGE_LABELS
from .i18n import pick
from .models import AuditEvent
from .visibility import Visibility

Action = AuditEvent.Action

# Record kinds whose history has a page (in the URL), and the model of each.
HISTORY_KINDS = {
    "plan": ("plans", "Plan"),
    "element": ("plans", "PlanElement"),
    "activity": ("plans", "Activity"),
    "organisation": ("organisations", "Organisation"),
    "body": ("organisations", "Body"),
}
EXTRA_LABELS = {
    "responsible_parties": gettext_lazy("responsible parties"),
    "budget_lines": gettext_lazy("budget lines"),
    "statements": gettext_lazy("texts"),
    "evidence": gettext_lazy("evidence"),
    "password": gettext_lazy("password"),
}
# Fields older rows recorded that are not content (a password change is recorded on its own).
NOT_SHOWN = audit.SKIPPED - {"password"}
# Reasons older rows carry that are not reasons but the status a change moved to.
MARKER_ACTIONS = audit.STATUS_ACTIONS
ADMIN_MARKER = "admin"
SEED_PREFIX = "Loaded from "
# A text longer than this (or of several lines) is shown cut, with the whole in a <details>.
SHORT_TEXT = 120


@dataclass
class Value:
    """One side of a change, ready to show: a text (`short` is set when it is cut from
    `text`), or a list of `items` (each one such a value). Nothing is shown as a dash."""

    text: str = ""
    short: str = ""
    items: list[Value] | None = None

    @property
    def empty(self) -> bool:
        return not self.text and not self.items


@dataclass
class Change:
    field: str
    label: str
    old: Value
    new: Value
    # The values the table shows (`dataclasses.field`: `field` is a name of this class).
    sides: list[Value] = dataclasses.field(default_factory=list)


@dataclass
class Entry:
    event: AuditEvent
    action: str
    actor: str
    reason: str = ""
    note: str = ""
    changes: list[Change] = dataclasses.field(default_factory=list)
    shows_old: bool = True
    shows_new: bool = True


def may_read_history(user: Any, kind: str) -> bool:
    """Who may open the history page of a record of `kind`, and is shown links to it: the
    secretariat, which keeps the audit log (the admin's audit pages follow the same rule)."""
    return kind in HISTORY_KINDS and bool(
        getattr(user, "is_authenticated", False) and getattr(user, "is_secretariat", False)
    )


def _field(model: type[models.Model], name: str) -> Any:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _label(model: type[models.Model], name: str) -> str:
    if name in EXTRA_LABELS:
        return capfirst(str(EXTRA_LABELS[name]))
    field_ = _field(model, name)
    if field_ is None:
        return capfirst(name.replace("_", " "))
    original = getattr(field_, "translated_field", None)  # a per-language column
    language = getattr(field_, "language", None)
    if original is not None and language in LANGUAGE_LABELS:
        return f"{capfirst(str(original.verbose_name))} ({LANGUAGE_LABELS[language]})"
    if field_.auto_created and field_.is_relation and not field_.concrete:  # reverse relation
        return capfirst(str(field_.related_model._meta.verbose_name_plural))
    return capfirst(str(field_.verbose_name))


def _related_model(field_: Any) -> type[models.Model] | None:
    if field_ is None or not field_.is_relation or field_.auto_created:  # reverse relations
        return None
    if field_.many_to_one or field_.one_to_one or field_.many_to_many:
        return field_.related_model
    return None


class _Names:
    """Names of the records the values point to, fetched once per model for a whole page,
    through the model's visibility rule when it has one (a record the viewer may not see is
    not named, like one that no longer exists)."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
        self.names: dict[type[models.Model], dict[str, str]] = {}

    def want(self, model: type[models.Model], values: Iterable[Any]) -> None:
        for value in values:
            if isinstance(value, int) and not isinstance(value, bool):
                self.wanted[model].add(value)

    def fetch(self) -> None:
        for model, ids in self.wanted.items():
            qs = model._default_manager.all()
            if hasattr(qs, "visible_to"):
                qs = qs.visible_to(self.user)
            self.names[model] = {str(obj.pk): str(obj) for obj in qs.filter(pk__in=ids)}

    def name(self, model: type[models.Model], value: Any) -> str:
        if isinstance(value, str):  # already a name or a code (e.g. an organisation's)
            return value
        return self.names.get(model, {}).get(str(value)) or _("(not available)")


def _extra_columns(model: type[models.Model], name: str) -> list[tuple[str, Any]]:
    """The columns of the rows of a list the model records with its content (declared in its
    AUDIT_EXTRA_ROWS, beside its `audit_extra`), each with the field it starts from; [] for
    anything else."""
    relation, columns = getattr(model, "AUDIT_EXTRA_ROWS", {}).get(name, ("", ()))
    rel = _field(model, relation) if relation else None
    if rel is None:
        return []
    related = rel.related_model
    return [(column, _field(related, column.split(LOOKUP_SEP)[0])) for column in columns]


def _want(names: _Names, model: type[models.Model], name: str, value: Any) -> None:
    if audit.is_empty(value):
        return
    target = _related_model(_field(model, name))
    if target is not None:
        names.want(target, value if isinstance(value, list) else [value])
    for i, (_column, cell_field) in enumerate(_extra_columns(model, name)):
        target = _related_model(cell_field)
        if target is not None and isinstance(value, list):
            names.want(target, [row[i] for row in value if isinstance(row, list) and len(row) > i])


def _text_value(text: str) -> Value:
    text = audit.normal_text(text)
    if len(text) <= SHORT_TEXT and "\n" not in text:
        return Value(text=text)
    first_line = text.split("\n", 1)[0]
    cut = first_line[:SHORT_TEXT].rsplit(" ", 1)[0] if len(first_line) > SHORT_TEXT else first_line
    return Value(text=text, short=f"{cut.rstrip(' ,;:.')}…")


def _plain_text(field_: Any, value: Any, names: _Names) -> str:
    """One value of a field, in words of the page's language."""
    if audit.is_empty(value):
        return ""
    if field_ is None:
        return _json_text(value)
    if field_.choices:
        labels = {str(key): label for key, label in field_.flatchoices}
        return str(labels.get(str(value), value))
    if isinstance(field_, models.BooleanField):
        return _("Yes") if value else _("No")
    target = _related_model(field_)
    if target is not None:
        return names.name(target, value)
    if isinstance(field_, models.DateField):  # DateTimeField included
        moment = audit.as_moment(value)
        if isinstance(moment, dt.datetime):
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return formats.date_format(moment, "DATETIME_FORMAT")
        if moment is not None:
            return formats.date_format(moment, "DATE_FORMAT")
    if isinstance(field_, models.DecimalField | models.FloatField):
        number = audit.as_number(value)
        if number is not None:
            places = getattr(field_, "decimal_places", None)
            return formats.number_format(
                number, decimal_pos=places, use_l10n=True, force_grouping=True
            )
    if isinstance(field_, models.JSONField):
        return _json_text(value)
    return str(value)


def _json_text(value: Any) -> str:
    if isinstance(value, dict) and set(value) <= set(LANGUAGE_LABELS):
        return pick(value)[0]
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return "; ".join(_json_text(v) for v in value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _row_text(columns: list[tuple[str, Any]], row: Any, names: _Names) -> str:
    if not isinstance(row, list):
        return str(row)
    cells = []
    for (column, cell_field), cell in zip(columns, row, strict=False):
        if audit.is_empty(cell):
            continue
        if column == "hidden_from":
            level = Visibility(cell).label if cell in Visibility.values else cell
            cells.append(
                _("replaced by a concept note's content for “%(level)s”") % {"level": level}
            )
            continue
        label = _label(cell_field.model, cell_field.name) if cell_field is not None else column
        cells.append(f"{label}: {_plain_text(cell_field, cell, names)}")
    return " · ".join(cells)


def _value(model: type[models.Model], name: str, value: Any, names: _Names) -> Value:
    if audit.is_empty(value):
        return Value()
    columns = _extra_columns(model, name)
    if columns and isinstance(value, list):
        return Value(items=[_text_value(_row_text(columns, row, names)) for row in value])
    field_ = _field(model, name)
    if isinstance(value, list) and not isinstance(field_, models.JSONField):
        return Value(items=[_text_value(_plain_text(field_, v, names)) for v in value])
    if isinstance(field_, models.CharField | models.TextField) and not field_.choices:
        return _text_value(str(value))
    return Value(text=_plain_text(field_, value, names))


def _same(field_: Any, old: Any, new: Any) -> bool:
    """`audit.same`, and for a number or date field also two texts of one number or day
    (older rows kept "15000.50" before and "15000.5" after)."""
    if audit.same(old, new):
        return True
    if isinstance(field_, models.DecimalField | models.FloatField | models.IntegerField):
        a, b = audit.as_number(old), audit.as_number(new)
        return a is not None and a == b
    if isinstance(field_, models.DateField):  # DateTimeField included
        m, n = audit.as_moment(old), audit.as_moment(new)
        return m is not None and m == n
    return False


def _action(event: AuditEvent, changes: dict[str, Any]) -> tuple[str, str]:
    """The event's name and a note on how it came (older rows wrote these as reasons)."""
    action, reason, note = event.action, event.reason.strip(), ""
    if action in {Action.CREATE, Action.UPDATE}:
        if reason in MARKER_ACTIONS:
            action = MARKER_ACTIONS[reason]
        elif action == Action.CREATE and reason.startswith(SEED_PREFIX):
            action = Action.SEED
        elif action == Action.UPDATE:
            action = audit.status_action(changes) or action
    if reason == ADMIN_MARKER:
        note = _("Made in the administration site.")
    elif action == Action.SEED and reason.startswith(SEED_PREFIX):
        note = _("File: %(file)s") % {"file": reason.removeprefix(SEED_PREFIX)}
    try:
        label = str(Action(action).label)
    except ValueError:
        label = action
    return capfirst(label), note


def _reason(event: AuditEvent) -> str:
    reason = event.reason.strip()
    if reason in MARKER_ACTIONS or reason == ADMIN_MARKER or reason.startswith(SEED_PREFIX):
        return ""
    return reason


def _actor(event: AuditEvent) -> str:
    if event.actor is not None:
        return event.actor.get_full_name() or event.actor.get_username()
    if event.actor_label == "system":
        return _("Rumbo (automatic)")
    return event.actor_label


def history_for(user: Any, record: models.Model) -> list[Entry]:
    """The events of `record` the viewer may read, newest first, one entry per event with
    each real change once: field labels, choice labels, names of linked records, numbers and
    dates as the page's language writes them. Changes that change nothing (stored by older
    versions: None against "", the same text, "15000.50" against "15000.5") are left out,
    and so is an event made only of them. A fixed number of queries, however many events."""
    model = type(record)
    events = list(AuditEvent.objects.visible_to(user).for_object(record).select_related("actor"))
    names = _Names(user)
    real: list[dict[str, Any]] = []
    for event in events:
        changes = {
            name: values
            for name, values in (event.changes or {}).items()
            if isinstance(values, dict)
            and name not in NOT_SHOWN
            and not _same(_field(model, name), values.get("old"), values.get("new"))
        }
        for name, values in changes.items():
            _want(names, model, name, values.get("old"))
            _want(names, model, name, values.get("new"))
        real.append(changes)
    names.fetch()
    # Fields in the order the model declares them (a per-language column after its field's
    # place), then lists of related rows and anything else.
    fields = [*model._meta.concrete_fields, *model._meta.many_to_many]
    position = {f.name: i for i, f in enumerate(fields)}

    def order(name: str) -> tuple[int, str]:
        return position.get(name, len(position)), name

    entries = []
    for event, changes in zip(events, real, strict=True):
        reason = _reason(event)
        if event.changes and not changes and not reason and event.action != Action.DELETE:
            continue  # nothing but phantoms
        action, note = _action(event, changes)
        # A record created (or loaded) has no "before", a deleted one no "after".
        shows_old = not (
            event.action in {Action.CREATE, Action.SEED}
            and all(audit.is_empty(values.get("old")) for values in changes.values())
        )
        shows_new = event.action != Action.DELETE
        rows = []
        for name, values in sorted(changes.items(), key=lambda c: order(c[0])):
            old = _value(model, name, values.get("old"), names)
            new = _value(model, name, values.get("new"), names)
            sides = [v for v, shown in ((old, shows_old), (new, shows_new)) if shown]
            rows.append(Change(name, _label(model, name), old, new, sides))
        entries.append(
            Entry(
                event=event,
                action=action,
                actor=_actor(event),
                reason=reason,
                note=note,
                changes=rows,
                shows_old=shows_old,
                shows_new=shows_new,
            )
        )
    return entries
