"""The tracking matrix (matriz de seguimiento): one row per activity with the columns of the
2019–2022 Strategic Plan §4.2/§4.3, plus plan, working group and budget.

Reads go through the visibility rule; the number of queries is fixed per page (and per chunk
of rows for exports), never per row."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextField,
    Value,
)
from django.db.models.expressions import OrderBy
from django.db.models.functions import Concat
from django.db.models.lookups import Contains
from django.utils import timezone

from rumbo.core.i18n import pick
from rumbo.core.params import is_record_id
from rumbo.organisations.models import Organisation
from rumbo.organisations.selectors import organisations_for, working_groups_for
from rumbo.plans.models import Activity, ActivityParty, PlanElement
from rumbo.plans.models.activity import is_overdue, overdue_q
from rumbo.plans.selectors import (
    activities_queryset,
    budget_lines_for,
    elements_for,
    parties_for,
    plans_for,
)

SORTS: dict[str, list[Any]] = {
    "plan": ["plan__code", "id"],
    "code": ["code", "id"],
    "activity": ["title", "id"],
    "status": ["status", "id"],
    "deadline": [F("end_date").asc(nulls_last=True), "id"],
    "year": [F("plan_year").asc(nulls_last=True), "id"],
    "group": [F("working_group__code").asc(nulls_last=True), "id"],
}


@dataclass
class MatrixFilters:
    plan: str = ""
    pillar: int | None = None
    topic: int | None = None
    working_group: str = ""
    organisation: str = ""
    country: str = ""
    status: list[str] = field(default_factory=list)
    year: int | None = None
    overdue: bool = False
    q: str = ""
    sort: str = "plan"
    descending: bool = False


@dataclass
class MatrixRow:
    activity: Activity
    pillar: PlanElement | None
    topic: PlanElement | None
    leads: list[Organisation]
    accompanying: list[Organisation]
    linked: list[PlanElement]
    budget_total: Decimal | None
    budget_currency: str
    overdue: bool

    @property
    def pk(self) -> int:
        return self.activity.pk

    def responsible_text(self, name: Callable[[Organisation], str] = str) -> str:
        """Leads, then accompanying organisations in brackets; the plan's own words when
        no organisation is recorded. `name` gives an organisation's name."""
        return responsible_text(
            self.activity,
            [name(o) for o in self.leads],
            [name(o) for o in self.accompanying],
        )


def responsible_text(
    activity: Activity, leads: list[str], accompanying: list[str], lang: str | None = None
) -> str:
    """What the Responsible party column says, from the organisations' names (the import
    reads it back the same way)."""
    parts = [", ".join(leads)] if leads else []
    if accompanying:
        parts.append("(" + ", ".join(accompanying) + ")")
    return " ".join(parts) or pick(_values(activity, "responsible_note"), lang)[0]


def _values(obj: Any, name: str) -> dict[str, str]:
    return {"es": getattr(obj, f"{name}_es", ""), "en": getattr(obj, f"{name}_en", "")}


# -- search without case or accents -----------------------------------------------------------
# "migracion laboral" must find "Migración laboral", "oim" the IOM, on SQLite and PostgreSQL.
# Chosen: a folding function inside the query (lower case, accents off), the same on both
# databases: `translate(lower(…))` on PostgreSQL (built in: no unaccent extension to install),
# a Python function registered on each SQLite connection. Not a stored normalised column: a
# copy per activity of its parties' names would let a search for a members-only party find
# the public activities it is attached to; here the parties and organisations are matched
# through their readers inside the query (CKAN's rule: visibility inside the search, never
# after it), so a record the viewer may not see never matches, and nothing has to be kept
# up to date when a party, an organisation or an activity changes. The cost is a scan of
# the filtered rows, as `icontains` was (a LIKE with a leading wildcard uses no index
# either): measured by benchmarks/tracking_matrix.py.
def _fold_table() -> tuple[str, str]:
    """Every accented Latin letter (Latin-1 and Latin Extended-A/B) and its plain lower-case
    letter: the one table both databases and Python fold with."""
    source, target = [], []
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        ).lower()
        if len(base) == 1 and base.isascii() and base != char:
            source.append(char)
            target.append(base)
    return "".join(source), "".join(target)


FOLD_FROM, FOLD_TO = _fold_table()
_FOLD = str.maketrans(FOLD_FROM, FOLD_TO)
SEARCH_WORDS = 8  # a longer query is cut: each word is one more condition on every row


def fold(text: str | None) -> str:
    """Lower case without accents, exactly as the database's Fold() computes it."""
    return (text or "").lower().translate(_FOLD)


def register_fold(sender: Any, connection: Any, **kwargs: Any) -> None:
    """On `connection_created` (TrackingConfig.ready): give each new SQLite connection the
    rumbo_fold() function that Fold uses there."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("rumbo_fold", 1, fold, deterministic=True)


class Fold(Func):
    """fold() in SQL: lower case, accents off."""

    arity = 1
    output_field = TextField()

    def as_sql(  # type: ignore[override]  # no function/template arguments: one SQL form
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, tuple[Any, ...]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"translate(lower({sql}), %s, %s)", (*params, FOLD_FROM, FOLD_TO)

    def as_sqlite(
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, tuple[Any, ...]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"rumbo_fold({sql})", tuple(params)


def _joined(*names: str | OuterRef) -> Fold:
    """The folded text of several columns, separated by spaces (an empty or NULL column
    adds nothing)."""
    parts: list[Any] = []
    for name in names:
        parts += [F(name) if isinstance(name, str) else name, Value(" ")]
    return Fold(Concat(*parts[:-1], output_field=TextField()))


# What a search word is looked for in: the activity's own words, and its parties' names.
ACTIVITY_TEXT = (
    "code",
    *(f"{name}_{lang}" for name in ("title", "responsible_note") for lang in ("es", "en")),
)
ORGANISATION_TEXT = (
    "code",
    *(f"{name}_{lang}" for name in ("acronym", "name") for lang in ("es", "en")),
)


def _search(user: Any, qs: QuerySet[Activity], text: str) -> QuerySet[Activity]:
    """Activities where every word of `text` is in the code, the title or the responsible
    parties as written (either language), or names one of its visible responsible
    organisations (acronym, name or code, either language; a country is one of them)."""
    own = _joined(*ACTIVITY_TEXT)
    organisation = _joined(*ORGANISATION_TEXT)
    for word in fold(text).split()[:SEARCH_WORDS]:
        named = organisations_for(user).filter(Contains(organisation, word)).values("pk")
        qs = qs.filter(
            Q(Contains(own, word))
            | Q(Exists(parties_for(user).filter(activity=OuterRef("pk"), organisation__in=named)))
        )
    return qs


def _country(user: Any, qs: QuerySet[Activity], code: str) -> QuerySet[Activity]:
    """Activities where the country is a responsible party, or is named in the responsible
    parties as written ("Gobiernos de Guatemala y Honduras"), in either language."""
    note = _joined(*(OuterRef(f"responsible_note_{lang}") for lang in ("es", "en")))
    country = organisations_for(user).filter(code=code)
    named = Q()
    for lang in ("es", "en"):
        named |= Q(**{f"name_{lang}__gt": ""}) & Q(Contains(note, Fold(F(f"name_{lang}"))))
    return qs.filter(
        Q(Exists(parties_for(user).filter(activity=OuterRef("pk"), organisation__in=country)))
        | Q(Exists(country.filter(named)))
    )


def matrix_queryset(user: Any, filters: MatrixFilters) -> QuerySet[Activity]:
    """Visible activities matching the filters, sorted, without rows fetched yet.

    Every filter value is looked up among the records the viewer may see: a hidden plan,
    element, working group or organisation matches nothing, exactly like one that does not
    exist (a filter must not tell which public activities a hidden record is attached to)."""
    today = timezone.localdate()
    qs = activities_queryset(user)
    if filters.plan:
        qs = qs.filter(plan__in=plans_for(user).filter(code=filters.plan))
    if filters.pillar:
        pillar = elements_for(user).filter(pk=filters.pillar).values("pk")
        qs = qs.filter(
            Q(element_id__in=pillar)
            | Q(element__parent_id__in=pillar)
            | Q(element__parent__parent_id__in=pillar)
            | Q(element__parent__parent__parent_id__in=pillar)
        )
    if filters.topic:
        topic = elements_for(user).filter(pk=filters.topic).values("pk")
        qs = qs.filter(
            Q(element_id__in=topic)
            | Q(element__parent_id__in=topic)
            | Q(
                Exists(
                    Activity.linked_elements.through.objects.filter(
                        activity_id=OuterRef("pk"), planelement_id__in=topic
                    )
                )
            )
        )
    if filters.working_group:
        qs = qs.filter(
            working_group__in=working_groups_for(user).filter(code=filters.working_group)
        )
    if filters.organisation:
        qs = qs.filter(
            Exists(
                parties_for(user).filter(
                    activity=OuterRef("pk"), organisation__code=filters.organisation
                )
            )
        )
    if filters.country:
        qs = _country(user, qs, filters.country)
    if filters.status:
        qs = qs.filter(status__in=filters.status)
    if filters.year:
        y = filters.year
        qs = qs.annotate(
            _plan_calendar_year=ExpressionWrapper(
                F("plan__period_start") + F("plan_year") - 1, output_field=IntegerField()
            )
        ).filter(
            Q(_plan_calendar_year=y)
            | Q(start_date__year__lte=y, end_date__year__gte=y)
            | Q(start_date__year=y, end_date__isnull=True)
            | Q(start_date__isnull=True, end_date__year=y)
        )
    if filters.overdue:
        qs = qs.filter(overdue_q(today))
    if filters.q:
        qs = _search(user, qs, filters.q)
    order = SORTS.get(filters.sort, SORTS["plan"])
    if filters.descending:
        # New terms: OrderBy.desc() would turn the shared term of SORTS around in place (for
        # every later request) and return None. Rows without a value stay last.
        order = [
            o.expression.desc(nulls_last=o.nulls_last) if isinstance(o, OrderBy) else f"-{o}"
            for o in order
        ]
    return qs.order_by(*order)


def status_counts(user: Any, filters: MatrixFilters) -> dict[str, int]:
    qs = matrix_queryset(user, filters).order_by()
    counts: Counter[str] = Counter(
        dict(qs.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    )
    return {s: counts.get(s, 0) for s in Activity.Status.values}


# The columns a matrix row shows: loading only these halves the cost of building each row.
ROW_FIELDS = [
    "id",
    "version",
    "plan_id",
    "element_id",
    "working_group_id",
    "code",
    "plan_year",
    "start_date",
    "end_date",
    "end_precision",
    "status",
    "effective_visibility",
    "note_visibility",
    "note_fields",
    *[
        f"{name}_{lang}"
        for name in ("title", "indicators", "assumptions_risks", "responsible_note")
        for lang in ("es", "en")
    ],
]


def _with_row_data(user: Any, qs: QuerySet[Activity]) -> QuerySet[Activity]:
    budget = budget_lines_for(user).filter(activity=OuterRef("pk")).order_by().values("activity")
    return (
        # Plans and groups are attached by rows() from one lookup each: a few dozen shared by
        # thousands of rows.
        qs.only(*ROW_FIELDS).annotate(
            budget_total=Subquery(
                budget.annotate(s=Sum("amount")).values("s"),
                output_field=DecimalField(max_digits=16, decimal_places=2),
            ),
            budget_currency=Subquery(budget.values("currency")[:1]),
        )
    )


def _linked(
    user: Any, activity_ids: list[int], known: dict[int, PlanElement]
) -> dict[int, list[PlanElement]]:
    """The pillars and topics (of any plan) that some activities link to: one query for the
    links of a chunk of rows, and the elements themselves loaded once per export."""
    links = list(
        Activity.linked_elements.through.objects.filter(activity_id__in=activity_ids).values_list(
            "activity_id", "planelement_id"
        )
    )
    wanted = {el for _act, el in links} - known.keys()
    if wanted:
        known.update(elements_for(user).in_bulk(wanted))
    found: dict[int, list[PlanElement]] = defaultdict(list)
    for act, el in links:
        if el in known:
            found[act].append(known[el])
    return found


def parties_by_activity(user: Any, activity_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    """(organisation id, role) of the visible parties of some activities, leads first (the
    model's order): one query for a chunk of rows, and no model instance per party."""
    found: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for activity_id, organisation_id, role in (
        parties_for(user)
        .filter(activity_id__in=activity_ids)
        .values_list("activity_id", "organisation_id", "role")
    ):
        found[activity_id].append((organisation_id, role))
    return found


class ElementIndex:
    """Every visible element of the plans involved, loaded once, to name each row's pillar
    and topic without a query per row."""

    def __init__(self, user: Any, plan_ids: set[int]) -> None:
        self.by_id: dict[int, PlanElement] = {
            el.pk: el
            for el in PlanElement.objects.visible_to(user)
            .filter(plan_id__in=plan_ids)
            .only("id", "parent_id", "plan_id", "depth", "code", "title_es", "title_en")
        }

    def root(self, element_id: int | None) -> PlanElement | None:
        node = self.by_id.get(element_id) if element_id else None
        while node is not None and node.parent_id in self.by_id:
            node = self.by_id[node.parent_id]
        return node

    def get(self, element_id: int | None) -> PlanElement | None:
        return self.by_id.get(element_id) if element_id else None


def rows(
    user: Any,
    qs: QuerySet[Activity],
    *,
    start: int = 0,
    stop: int | None = None,
    chunk_size: int = 2000,
) -> Iterator[MatrixRow]:
    """Matrix rows for a filtered and sorted queryset (rows start..stop of it)."""
    today = timezone.localdate()
    plan_ids = set(qs.order_by().values_list("plan_id", flat=True).distinct())
    index = ElementIndex(user, plan_ids)
    # The organisations, loaded once: each row names two or three of a few dozen.
    organisations = organisations_for(user).in_bulk()
    plans = plans_for(user).in_bulk(plan_ids)
    groups = working_groups_for(user).in_bulk()
    lead, accompanying = ActivityParty.Role.LEAD, ActivityParty.Role.ACCOMPANYING
    source = _with_row_data(user, qs)[start:stop].iterator(chunk_size=chunk_size)
    linked_elements: dict[int, PlanElement] = {}
    while chunk := list(islice(source, chunk_size)):
        ids = [act.pk for act in chunk]
        parties = parties_by_activity(user, ids)
        linked = _linked(user, ids, linked_elements)
        # An organisation added while a long export runs is looked up, not missed.
        missing = {org for own in parties.values() for org, _role in own} - organisations.keys()
        if missing:
            organisations |= organisations_for(user).in_bulk(missing)
        for act in chunk:
            # Filled into the relation cache (what select_related would do), so that reading
            # act.plan or act.working_group runs no query; a group the viewer may not see is
            # not named.
            cache = act._state.fields_cache
            cache["plan"] = plans[act.plan_id]
            cache["working_group"] = groups.get(act.working_group_id)
            element = index.get(act.element_id)
            own = parties.get(act.pk, [])
            yield MatrixRow(
                activity=act,
                pillar=index.root(act.element_id),
                topic=element if element is not None and element.depth > 0 else None,
                leads=[organisations[org] for org, role in own if role == lead],
                accompanying=[organisations[org] for org, role in own if role == accompanying],
                linked=linked.get(act.pk, []),
                # The annotations of _with_row_data.
                budget_total=getattr(act, "budget_total", None),
                budget_currency=getattr(act, "budget_currency", None) or "",
                overdue=is_overdue(act, today),
            )


def filter_choices(user: Any, filters: MatrixFilters) -> dict[str, Any]:
    """What the filter form offers: only what the viewer may see."""
    plans = list(plans_for(user).order_by("-period_start", "code"))
    elements = elements_for(user)
    if filters.plan:
        elements = elements.filter(plan__code=filters.plan)
    return {
        "plans": plans,
        "pillars": list(elements.filter(depth=0).order_by("plan__code", "order")),
        "topics": list(elements.filter(depth=1).order_by("plan__code", "parent__order", "order"))
        if filters.plan
        else [],
        "working_groups": list(working_groups_for(user)),
        "organisations": list(organisations_for(user).order_by("code")),
        "countries": list(
            organisations_for(user).filter(kind=Organisation.Kind.MEMBER_STATE).order_by("code")
        ),
        "statuses": Activity.Status.choices,
        "years": list(
            range(
                min((p.period_start for p in plans), default=dt.date.today().year),
                max((p.period_end for p in plans), default=dt.date.today().year) + 1,
            )
        ),
    }


def row_for(user: Any, pk: Any) -> MatrixRow | None:
    """One row of the matrix, or None when there is no such activity for this viewer."""
    if not is_record_id(pk):
        return None
    qs = matrix_queryset(user, MatrixFilters()).filter(pk=int(pk))
    return next(rows(user, qs), None)
