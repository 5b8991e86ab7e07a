"""Organisations, the bodies of the process, and the people who use Rumbo."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from rumbo.core.models import VersionedModel
from rumbo.core.visibility import Visibility, VisibleQuerySet

if TYPE_CHECKING:
    from rumbo.core.visibility import VisibleManager


class Organisation(VersionedModel):
    class Kind(models.TextChoices):
        MEMBER_STATE = "member_state", _("Member country")
        OBSERVER_STATE = "observer_state", _("Observer country")
        OBSERVER_ORG = "observer_org", _("Observer organisation")
        CIVIL_SOCIETY = "civil_society", _("Civil-society network")
        SECRETARIAT = "secretariat", _("Secretariat")
        UN_AGENCY = "un_agency", _("UN agency")
        NETWORK = "network", _("Regional network or process")
        OTHER = "other", _("Other organisation")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    un_system = models.BooleanField(_("part of the UN system"), default=False)
    name = models.CharField(_("name"), max_length=300)
    acronym = models.CharField(_("acronym"), max_length=60, blank=True)
    source = models.TextField(_("source"), blank=True)
    visibility = models.PositiveSmallIntegerField(
        _("visible to"), choices=Visibility.choices, default=Visibility.PUBLIC
    )

    objects: ClassVar[VisibleManager[Organisation]] = VisibleQuerySet.as_manager()
    if TYPE_CHECKING:
        # The per-language columns modeltranslation adds (translation.py); its
        # managers are built at run time, so the default one is declared too.
        name_es: str | None
        name_en: str | None
        acronym_es: str | None
        acronym_en: str | None
        source_es: str | None
        source_en: str | None
        _default_manager: ClassVar[VisibleManager[Organisation]]

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.acronym or self.name

    @property
    def is_member_state(self) -> bool:
        return self.kind == self.Kind.MEMBER_STATE


class Body(VersionedModel):
    """A body of the process: Vice-Ministerial Meeting, GRCM, working groups, Troika, PPT."""

    class Kind(models.TextChoices):
        VICE_MINISTERIAL = "vice_ministerial", _("Vice-Ministerial Meeting")
        GRCM = "grcm", _("Regional Consultation Group on Migration")
        WORKING_GROUP = "working_group", _("Working group")
        AD_HOC_GROUP = "ad_hoc_group", _("Ad hoc group")
        TROIKA = "troika", _("Troika")
        PPT = "ppt", _("Presidency Pro-Tempore")
        LIAISON_NETWORK = "liaison_network", _("Liaison officers network")
        FOCAL_POINTS = "focal_points", _("Focal points")
        MECHANISM = "mechanism", _("Coordination mechanism")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=300)
    mandate = models.TextField(_("mandate"), blank=True)
    country = models.ForeignKey(
        Organisation,
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="presidencies",
        limit_choices_to={"kind": Organisation.Kind.MEMBER_STATE},
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    active_from = models.PositiveSmallIntegerField(_("active from"), null=True, blank=True)
    active_to = models.PositiveSmallIntegerField(_("active until"), null=True, blank=True)
    members = models.ManyToManyField(
        Organisation, verbose_name=_("members"), blank=True, related_name="bodies"
    )
    visibility = models.PositiveSmallIntegerField(
        _("visible to"), choices=Visibility.choices, default=Visibility.PUBLIC
    )

    objects: ClassVar[VisibleManager[Body]] = VisibleQuerySet.as_manager()
    if TYPE_CHECKING:
        # The per-language columns modeltranslation adds (translation.py); its
        # managers are built at run time, so the default one is declared too.
        name_es: str | None
        name_en: str | None
        mandate_es: str | None
        mandate_en: str | None
        _default_manager: ClassVar[VisibleManager[Body]]

    class Meta:
        ordering = ["kind", "year", "name"]
        verbose_name = _("body")
        verbose_name_plural = _("bodies")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == self.Kind.PPT and (self.country_id is None or self.year is None):
            raise ValidationError(_("A Presidency Pro-Tempore needs a country and a year."))
        if self.active_from and self.active_to and self.active_from > self.active_to:
            raise ValidationError({"active_to": _("The end year cannot be before the start year.")})


class User(AbstractUser):
    """A person using Rumbo, with one role in the process."""

    class Role(models.TextChoices):
        SECRETARIAT = "secretariat", _("Executive Secretariat")
        PPT = "ppt", _("Presidency Pro-Tempore")
        FOCAL_POINT = "focal_point", _("Focal point")
        WG_MEMBER = "wg_member", _("Working-group member")
        OBSERVER = "observer", _("Observer")
        CIVIL_SOCIETY = "civil_society", _("Civil society (RNCOM)")

    CLEARANCE: dict[str, Visibility] = {
        Role.SECRETARIAT: Visibility.MEMBERS,
        Role.PPT: Visibility.MEMBERS,
        Role.FOCAL_POINT: Visibility.MEMBERS,
        Role.WG_MEMBER: Visibility.MEMBERS,
        Role.OBSERVER: Visibility.OBSERVERS,
        Role.CIVIL_SOCIETY: Visibility.NETWORK,
    }
    # Roles held by officials of member countries: they see members-only content.
    MEMBER_COUNTRY_ROLES = {Role.PPT, Role.FOCAL_POINT, Role.WG_MEMBER}

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    working_groups = models.ManyToManyField(
        Body,
        verbose_name=_("working groups"),
        blank=True,
        related_name="people",
        limit_choices_to={"kind__in": ["working_group", "ad_hoc_group"]},
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=5,
        choices=[("es", "Español"), ("en", "English")],
        default="es",
    )
    # The log-in before the current one: what "since your last visit" counts from (set with
    # last_login at each log-in, see apps.py).
    previous_login = models.DateTimeField(
        _("previous log-in"), null=True, blank=True, editable=False
    )

    @property
    def clearance(self) -> int:
        if self.is_superuser:
            return Visibility.MEMBERS
        return int(self.CLEARANCE.get(self.role, Visibility.PUBLIC))

    @property
    def is_secretariat(self) -> bool:
        return self.is_active and (self.is_superuser or self.role == self.Role.SECRETARIAT)

    def clean(self) -> None:
        super().clean()
        org = self.organisation
        if self.role in self.MEMBER_COUNTRY_ROLES and (org is None or not org.is_member_state):
            raise ValidationError(
                {"organisation": _("This role is held by an official of a member country.")}
            )
        if self.role == self.Role.OBSERVER and (
            org is None
            or org.kind
            not in {
                Organisation.Kind.OBSERVER_ORG,
                Organisation.Kind.OBSERVER_STATE,
                Organisation.Kind.UN_AGENCY,
            }
        ):
            raise ValidationError(
                {"organisation": _("An observer belongs to an observer organisation or country.")}
            )
