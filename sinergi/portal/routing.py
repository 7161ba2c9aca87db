"""Which agency receives a community report from a region, and the system account that registers it.

The agency types are tried in the order of settings.SINERGI_PORTAL_INTAKE_AGENCY_TYPES (BP3MI first: it
receives migrant workers' complaints in its province); within a type, the agency whose jurisdiction is the
closest to the region wins (a regency office before the province's). A report without a region, or from a
region no such agency serves, goes to a national agency of those types; if there is none, it waits in the
portal (status "received") until one exists and `manage.py portal_intake` runs again.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction

from sinergi.agencies.choices import AgencyType, Role, UserKind
from sinergi.agencies.models import Agency, User, UserRole
from sinergi.audit.choices import AuditAction
from sinergi.audit.services import audit_record

DEFAULT_TYPES = (
    AgencyType.BP3MI,
    AgencyType.UPTD_PPA,
    AgencyType.POLRI,
    AgencyType.DINSOS,
    AgencyType.DISNAKER,
)
INTAKE_USERNAME = "portal-intake.{code}"


def intake_agency_types() -> list[str]:
    return list(getattr(settings, "SINERGI_PORTAL_INTAKE_AGENCY_TYPES", None) or DEFAULT_TYPES)


def _ancestors(region) -> list[str]:
    parts = region.code.split(".")
    return [".".join(parts[:n]) for n in range(len(parts), 0, -1)]


def responsible_agency(region) -> Agency | None:
    types = intake_agency_types()
    rank = {code: index for index, code in enumerate(types)}
    agencies = Agency.objects.filter(is_active=True, type__in=types)
    if region is not None:
        codes = _ancestors(region)
        local = list(agencies.filter(jurisdiction_id__in=codes).only("id", "type", "jurisdiction_id", "code"))
        if local:
            return min(local, key=lambda a: (rank[a.type], -len(a.jurisdiction_id), a.pk))
    national = list(agencies.filter(jurisdiction__isnull=True, country="ID").only("id", "type", "code"))
    return min(national, key=lambda a: (rank[a.type], a.pk)) if national else None


def intake_actor(agency: Agency) -> User:
    """The agency's portal intake account: a system user (it cannot sign in) holding the case-worker role,
    so that cases from the public are registered by, and led by, the agency that receives them."""
    username = INTAKE_USERNAME.format(code=agency.code)[:150]
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    try:
        with transaction.atomic(durable=True):
            user = User.objects.create(
                username=username,
                first_name="Portal",
                last_name="publik",
                agency=agency,
                kind=UserKind.SYSTEM,
                password=make_password(None),
            )
            UserRole.objects.create(user=user, role=Role.CASE_WORKER)
            audit_record(
                actor=None,
                action=AuditAction.CREATE,
                obj=user,
                agency=agency,
                summary="portal intake account",
                changes={"kind": UserKind.SYSTEM, "roles": [Role.CASE_WORKER]},
                ip_address="",
            )
    except IntegrityError:  # another worker created it first
        user = User.objects.get(username=username)
    return user
