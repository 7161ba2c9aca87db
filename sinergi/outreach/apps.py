from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    """Outreach (sosialisasi) in the regions of origin: planning, recording and measuring events."""

    name = "sinergi.outreach"
    label = "outreach"
    verbose_name = _("Outreach")

    def ready(self):
        from sinergi.outreach import plugins

        plugins.register()
