from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "sinergi.agencies"
    label = "agencies"
    verbose_name = _("Agencies and users")

    def ready(self):
        from sinergi.agencies import plugins

        plugins.register()
