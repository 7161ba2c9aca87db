from django.conf import settings
from django.utils.functional import SimpleLazyObject


def platform(request):
    def audit_link():
        from sinergi.audit.models import can_read_audit

        return can_read_audit(getattr(request, "user", None))

    def detection_links():
        from sinergi.detection.models import detection_access

        return detection_access(getattr(request, "user", None))

    def analytics_links():
        # Until the app registry of the menu lands, the two apps' own checks decide their entries.
        from sinergi.analytics.access import can_use_analytics
        from sinergi.outreach.models import can_view_outreach

        user = getattr(request, "user", None)
        return {"analytics": can_use_analytics(user), "outreach": can_view_outreach(user)}

    return {
        "SINERGI_DEMO": settings.SINERGI_DEMO,
        # The early-detection pages the user may open: the menu and the section's tabs show only those.
        "detection_links": SimpleLazyObject(detection_links),
        "analytics_links": SimpleLazyObject(analytics_links),
        "SINERGI_REQUIRE_2FA": settings.SINERGI_REQUIRE_2FA,
        # Only readers of the audit trail see its menu entry (evaluated only when a page shows the menu).
        "can_read_audit": SimpleLazyObject(audit_link),
    }
