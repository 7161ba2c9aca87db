from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    """Analysis across cases and posts: recruiter networks, origin hotspots, the leadership dashboard."""

    name = "sinergi.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self):
        from sinergi.analytics import plugins, signals

        plugins.register()
        signals.connect()
