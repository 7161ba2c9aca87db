from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "sinergi.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self):
        from sinergi.audit import plugins

        plugins.register()
