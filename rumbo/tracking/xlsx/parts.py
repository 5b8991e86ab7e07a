"""The Responsible party and Budget cells of an imported matrix.

What each of these cells said when the workbook was exported is worked out again from the
same records (those visible to the importing person) as the export, so that only a cell a
person edited counts as a change.

Responsible parties are imported: organisations named by acronym, name or code, leads first,
the accompanying ones in brackets, as the export writes them. Budget cells are not: a budget
is made of lines (amount, currency, source, funder, committed, spent) and the workbook shows
only their total, so an edited total is listed as not imported, row by row, never silently
dropped."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from rumbo.core.i18n import LANGS
from rumbo.organisations.models import Organisation
from rumbo.organisations.selectors import organisations_for
from rumbo.plans import services as plan_services
from rumbo.plans.models import Activity, ActivityParty
from rumbo.plans.selectors import budget_lines_for
from rumbo.tracking.matrix import parties_by_activity, responsible_text

from . import values as v
from .columns import normalise

LEAD, ACCOMPANYING = ActivityParty.Role.LEAD.value, ActivityParty.Role.ACCOMPANYING.value


@dataclass
class ResponsibleEdit:
    """What an edited Responsible party cell does: a problem to report, or the fields that
    change (`old`: what the cell said at export time)."""

    old: str = ""
    update: dict[str, Any] = field(default_factory=dict)
    problem: str = ""


class ResponsibleParties:
    """The responsible parties of the activities a workbook names, and the organisations a
    typed cell names, each loaded once per import."""

    def __init__(self, user: Any) -> None:
        self.user = user
        # (organisation id, role) of each activity's visible parties, leads first.
        self.recorded: dict[int, list[tuple[int, str]]] = {}
        self._organisations: dict[int, Organisation] | None = None
        self._names: dict[str, dict[int, str]] = {}
        self._index: dict[str, Organisation | None] | None = None

    def load(self, activity_ids: list[int]) -> None:
        self.recorded.update(parties_by_activity(self.user, activity_ids))

    def organisations(self) -> dict[int, Organisation]:
        if self._organisations is None:
            self._organisations = organisations_for(self.user).in_bulk()
        return self._organisations

    def names(self, lang: str) -> dict[int, str]:
        """Each organisation as the workbook names it (its acronym, else its name)."""
        if lang not in self._names:
            with translation.override(lang):
                self._names[lang] = {pk: str(o) for pk, o in self.organisations().items()}
        return self._names[lang]

    def exported_text(self, act: Activity, lang: str) -> str:
        """The cell as the export wrote it."""
        names = self.names(lang)
        own = [(names[org], role) for org, role in self.recorded.get(act.pk, []) if org in names]
        return responsible_text(
            act,
            [n for n, role in own if role == LEAD],
            [n for n, role in own if role == ACCOMPANYING],
            lang,
        )

    def organisation_named(self, text: str) -> Organisation | None:
        """The visible organisation with this acronym, name or code (either language, any
        case or accents); None when there is none, or more than one."""
        if self._index is None:
            index: dict[str, Organisation | None] = {}
            for org in self.organisations().values():
                keys = {org.code}
                for lang in LANGS:
                    keys |= {getattr(org, f"acronym_{lang}", ""), getattr(org, f"name_{lang}", "")}
                for key in {normalise(k) for k in keys} - {""}:
                    # Two organisations known by the same words: name neither.
                    index[key] = None if key in index and index[key] != org else org
            self._index = index
        return self._index.get(normalise(text))

    def _organisation_list(self, text: str) -> tuple[list[Organisation], str]:
        """Comma-separated organisations (a name may hold a comma itself); the first words
        that name none are returned too."""
        tokens = [t.strip() for t in text.split(",")]
        found: list[Organisation] = []
        i = 0
        while i < len(tokens):
            for j in range(len(tokens), i, -1):
                org = self.organisation_named(", ".join(tokens[i:j]))
                if org is not None:
                    found.append(org)
                    i = j
                    break
            else:
                return found, tokens[i]
        return found, ""

    def parse(self, text: str) -> tuple[list[tuple[Organisation, str]], str]:
        """“OIM, CEPAL (ACNUR)”: leads, then the accompanying organisations in brackets.
        Returns the parties and the first words that name no organisation ("" if none)."""
        leads_text, _sep, rest = text.partition("(")
        accompanying_text, _sep, tail = rest.partition(")")
        if tail.strip():
            return [], tail.strip()
        leads, unknown = self._organisation_list(leads_text) if leads_text.strip() else ([], "")
        if unknown:
            return [], unknown
        accompanying: list[Organisation] = []
        if accompanying_text.strip():
            accompanying, unknown = self._organisation_list(accompanying_text)
            if unknown:
                return [], unknown
        parties = [(o, LEAD) for o in leads] + [(o, ACCOMPANYING) for o in accompanying]
        return parties, "" if parties else text

    def edit(self, act: Activity | None, cell: str, lang: str) -> ResponsibleEdit | None:
        """What the cell changes (`act` None: a new activity). Organisations Rumbo knows
        become the activity's responsible parties (through the same service as its page);
        words that name none stay the plan's own words when the activity has no organisation
        yet. None when the cell says what the export wrote, or names the same parties."""
        old = self.exported_text(act, lang) if act is not None else ""
        if cell == old.strip():
            return None
        recorded = self.recorded.get(act.pk, []) if act is not None else []
        if not cell:
            if not recorded:
                return None
            return ResponsibleEdit(
                problem=_(
                    "The responsible party is empty. To remove every responsible "
                    "organisation, do it on the activity's page."
                )
            )
        parties, unknown = self.parse(cell)
        wanted = [(o.pk, role) for o, role in parties]
        if len(set(wanted)) != len(wanted):
            return ResponsibleEdit(problem=_("An organisation is named twice."))
        if wanted:
            if act is not None and wanted == recorded:
                return None  # the same organisations, written differently
            if act is not None and len(plan_services.party_rows(act)) != len(recorded):
                # Replacing the list would drop parties this person cannot see (one query,
                # for an edited cell only).
                return ResponsibleEdit(
                    problem=_("Change the responsible parties of this activity on its page.")
                )
            return ResponsibleEdit(old, {"_parties": [[pk, role] for pk, role in wanted]})
        if not recorded:
            # No organisation recorded: the cell held (and holds) the plan's own words.
            return ResponsibleEdit(old, {f"responsible_note_{lang}": cell})
        return ResponsibleEdit(
            problem=_(
                "“%(words)s” is not an organisation Rumbo knows. Name organisations by "
                "acronym or name, separated by commas, the accompanying ones in brackets: "
                "“OIM, CEPAL (ACNUR)”."
            )
            % {"words": unknown}
        )


class Budgets:
    """Each activity's budget total and first currency, as the export writes them."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.exported: dict[int, tuple[Decimal, str]] = {}

    def load(self, activity_ids: list[int]) -> None:
        lines = (
            budget_lines_for(self.user)
            .prefetch_related(None)
            .filter(activity_id__in=activity_ids)
            .order_by("activity_id", "id")
            .values_list("activity_id", "amount", "currency")
        )
        for activity_id, amount, currency in lines:
            total, first = self.exported.get(activity_id, (Decimal(0), currency))
            self.exported[activity_id] = (total + amount, first)

    def not_imported(self, act: Activity | None, data: dict[str, Any]) -> list[tuple[str, str]]:
        """(column, why) for each Budget or Currency cell edited (`act` None: filled in on
        a new row)."""
        if act is None:
            why = _("Not imported: add the budget lines on the activity's page once it is created.")
            return [(key, why) for key in ("budget", "currency") if v.text(data.get(key))]
        total, currency = self.exported.get(act.pk, (None, ""))
        why = _(
            "Not imported: a budget is made of lines (amount, currency, source, funder, "
            "committed, spent), changed on the activity's page; this column shows their total."
        )
        found = []
        if "budget" in data:
            try:
                cell = v.decimal(data["budget"])
            except v.CellError:
                edited = True
            else:
                edited = cell != total
            if edited:
                found.append(("budget", _instead(v.text(data["budget"]), v.display(total), why)))
        if "currency" in data and v.text(data["currency"]) != (currency or ""):
            found.append(("currency", _instead(v.text(data["currency"]), currency or "", why)))
        return found


def _instead(new: str, old: str, why: str) -> str:
    return _("%(new)s instead of %(old)s.") % {"new": new or "—", "old": old or "—"} + " " + why
