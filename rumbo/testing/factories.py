from __future__ import annotations

import factory

from rumbo.core.visibility import Visibility
from rumbo.indicators.models import Indicator
from rumbo.organisations.models import Body, Organisation, User
from rumbo.plans.models import Activity, Plan, PlanElement


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"ORG{n}")
    kind = Organisation.Kind.MEMBER_STATE
    name_es = factory.LazyAttribute(lambda o: f"Organización {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Organisation {o.code}")


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"WG{n}")
    kind = Body.Kind.WORKING_GROUP
    name_es = factory.LazyAttribute(lambda o: f"Grupo {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Group {o.code}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests-only")


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    code = factory.Sequence(lambda n: f"plan-{n}")
    kind = Plan.Kind.WORKING_GROUP
    title_es = factory.Sequence(lambda n: f"Plan sintético {n}")
    title_en = factory.Sequence(lambda n: f"Synthetic plan {n}")
    period_start = 2023
    period_end = 2025
    status = Plan.Status.APPROVED
    visibility = Visibility.PUBLIC
    levels = [{"es": "Línea", "en": "Line"}, {"es": "Acción", "en": "Action"}]


class ElementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanElement

    plan = factory.SubFactory(PlanFactory)
    code = factory.Sequence(lambda n: f"E{n}")
    title_es = factory.Sequence(lambda n: f"Elemento {n}")
    title_en = factory.Sequence(lambda n: f"Element {n}")
    visibility = Visibility.PUBLIC
    effective_visibility = factory.LazyAttribute(
        lambda o: max(
            o.visibility, o.plan.visibility, o.parent.effective_visibility if o.parent else 0
        )
    )
    parent = None
    depth = factory.LazyAttribute(lambda o: o.parent.depth + 1 if o.parent else 0)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    plan = factory.SubFactory(PlanFactory)
    element = None
    code = factory.Sequence(lambda n: f"A{n}")
    title_es = factory.Sequence(lambda n: f"Actividad {n}")
    title_en = factory.Sequence(lambda n: f"Activity {n}")
    visibility = Visibility.PUBLIC
    effective_visibility = factory.LazyAttribute(
        lambda o: max(
            o.visibility, o.plan.visibility, o.element.effective_visibility if o.element else 0
        )
    )


class IndicatorFactory(factory.django.DjangoModelFactory[Indicator]):
    class Meta:
        model = Indicator

    plan = factory.SubFactory(PlanFactory)
    code = factory.Sequence(lambda n: f"I{n}")
    kind = Indicator.Kind.RESULT
    name_es = factory.Sequence(lambda n: f"Indicador {n}")
    name_en = factory.Sequence(lambda n: f"Indicator {n}")
    reported_by = Indicator.Reporter.COUNTRIES
    frequency = "year"
