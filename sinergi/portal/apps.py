from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The public portal: check a job offer, check a company, report safely. No account needed."""

    name = "sinergi.portal"
    label = "portal"
    verbose_name = _("Public portal")

    def ready(self):
        from sinergi.portal import plugins

        plugins.register()
