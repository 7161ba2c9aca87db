"""Writes of event subscriptions: create (the signing secret is shown once) and switch off."""

from __future__ import annotations

import base64
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from sinergi.agencies.choices import UserKind
from sinergi.agencies.models import User
from sinergi.audit.choices import AuditAction
from sinergi.audit.services import audit_record
from sinergi.exchange.choices import EventType
from sinergi.exchange.events.access import may_manage_subscriptions
from sinergi.exchange.models import Subscription


def new_secret() -> str:
    """A Standard Webhooks signing secret: whsec_ and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def subscription_create(
    *, actor: User, name: str, endpoint_url: str, system_user: User | None, event_types: list[str]
) -> Subscription:
    """Subscribes an integrated system of the actor's agency to events; the secret is on the returned object
    (`subscription.secret`) to be shown once to the administrator."""
    if not may_manage_subscriptions(actor):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if system_user is None or system_user.kind != UserKind.SYSTEM or not system_user.is_active:
        errors["system_user"] = [_("Choose an active integrated-system account.")]
    elif not actor.is_superuser and system_user.agency_id != actor.agency_id:
        errors["system_user"] = [_("Choose an integrated system of your own agency.")]
    try:
        URLValidator(schemes=["https", "http"])(endpoint_url or "")
    except ValidationError:
        errors["endpoint_url"] = [
            _("Enter the receiver's address, for example https://sistem.example.go.id/hook.")
        ]
    unknown = [t for t in event_types if t not in EventType.values]
    if unknown or not event_types:
        errors["event_types"] = [_("Choose at least one event from the list.")]
    if not (name or "").strip():
        errors["name"] = [_("Give the subscription a name.")]
    if errors:
        raise ValidationError(errors)
    assert system_user is not None  # refused above without one
    with transaction.atomic(durable=True):
        subscription = Subscription(
            # django-stubs wants a value; a system user without an agency gives None, which full_clean()
            # below refuses.
            agency_id=system_user.agency_id,  # type: ignore[misc]
            system_user=system_user,
            name=name.strip()[:120],
            endpoint_url=endpoint_url,
            secret=new_secret(),
            event_types=sorted(set(event_types)),
            created_by=actor,
        )
        subscription.full_clean()
        subscription.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=subscription,
            summary="event subscription created",
            changes={"event_types": subscription.event_types, "system_user": system_user.pk},
        )
    return subscription


def subscription_deactivate(*, actor: User, subscription_id: int) -> Subscription:
    with transaction.atomic(durable=True):
        subscription = (
            Subscription.objects.restrict(actor, "change")
            .select_for_update()
            .filter(pk=subscription_id)
            .first()
        )
        if subscription is None:
            raise Http404
        subscription.active = False
        subscription.save(update_fields=["active"])
        audit_record(
            actor=actor, action=AuditAction.UPDATE, obj=subscription, summary="event subscription stopped"
        )
    return subscription
