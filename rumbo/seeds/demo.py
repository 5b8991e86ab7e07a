"""Demo accounts, one per role, so that a new user can try every view of Rumbo."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from rumbo.organisations.models import Body, Organisation, User

DEMO_PASSWORD = "rumbo-demo-2026"  # nosec B105 # the demo accounts' published password (README)
SECRETARIAT_GROUP = "Secretariat"
ADMIN_APPS = ["organisations", "plans", "indicators"]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    organisation: str
    working_groups: tuple[str, ...] = ()


DEMO_ACCOUNTS = [
    DemoAccount("secretaria", User.Role.SECRETARIAT, "SE-CRM"),
    DemoAccount("ppt", User.Role.PPT, "PAN"),
    DemoAccount("puntofocal", User.Role.FOCAL_POINT, "GTM"),
    DemoAccount("grupo", User.Role.WG_MEMBER, "MEX", ("WG-LAB",)),
    DemoAccount("observador", User.Role.OBSERVER, "OIM"),
    DemoAccount("rrocm", User.Role.CIVIL_SOCIETY, "RROCM"),
]


def secretariat_group() -> Group:
    """Staff permissions for the secretariat in the admin: every record of the domain apps.
    The audit log is not among them: nobody may change it."""
    group, _ = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
    perms = Permission.objects.filter(content_type__app_label__in=ADMIN_APPS)
    group.permissions.set(perms)
    return group


@transaction.atomic
def ensure_demo_accounts() -> list[tuple[DemoAccount, bool]]:
    """Create the demo accounts that are missing; never reset an existing password."""
    done = []
    group = secretariat_group()
    for account in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=account.username,
            defaults={
                "role": account.role,
                "organisation": Organisation.objects.get(code=account.organisation),
                "is_staff": account.role == User.Role.SECRETARIAT,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.full_clean()
            user.save()
            user.working_groups.set(Body.objects.filter(code__in=account.working_groups))
            if account.role == User.Role.SECRETARIAT:
                user.groups.add(group)
        done.append((account, created))
    return done
