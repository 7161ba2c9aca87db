"""What an event tells its receiver: built through the case access policy for the receiving system's user,
so that a receiver learns nothing about a case it may not see, and no more than a summary of one it may: the
case's fields and the event's codes pass `policy.redact` with the field groups the receiver sees."""

from __future__ import annotations


def event_payload(event, system_user) -> dict | None:
    """The JSON body for `system_user`, or None when that user may not see the event's case."""
    body = {
        "id": event.event_id,
        "offset": event.pk,
        "type": event.event_type,
        "occurred_at": event.occurred_at.isoformat(),
        "data": dict(event.data or {}),
    }
    if event.case_id is not None:
        from sinergi.cases import policy
        from sinergi.cases.access import case_view
        from sinergi.cases.models import Case

        case = Case.objects.select_related("lead_agency").filter(pk=event.case_id).first()
        view = case_view(system_user, case) if case is not None else None
        if view is None:
            return None
        summary = {
            "id": case.pk,
            "reference": case.reference,
            "stage": case.stage,
            "status": case.status,
            "lead_agency": case.lead_agency.code,
            "intake_channel": case.intake_channel,
            "destination_country": case.destination_country,
            # Grouped fields: the receiver's relation, widened by a data-sharing agreement in force, decides.
            "destination_city": case.destination_city,
            "legal_stage": case.legal_stage,
        }
        body["case"] = {
            **policy.redact(policy.Kind.CASE, summary, view.groups),
            "field_groups": sorted(view.groups),
        }
        body["data"] = policy.redact(policy.Kind.CASE, body["data"], view.groups)
        if event.object_type == "cases.referral":
            body["referral"] = {"id": int(event.object_id)}
    elif event.object_type == "people.person":
        from sinergi.people.models import Person

        # A merge concerns people: told only to a receiver that may see the surviving record.
        if not Person.objects.restrict(system_user, "view").filter(pk=event.object_id).exists():
            return None
        body["person"] = {"id": int(event.object_id)}
    elif event.object_type == "detection.screenedpost":
        from sinergi.detection.models import ScreenedPost

        # A post is in the shared queue, open only to those the policy lets read posts.
        if not ScreenedPost.objects.restrict(system_user, "view").filter(pk=event.object_id).exists():
            return None
        body["post"] = {"id": int(event.object_id)}
    return body
