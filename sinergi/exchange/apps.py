from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    """Data exchange between agencies: spreadsheet import, record linkage, events and standard exports."""

    name = "sinergi.exchange"
    label = "exchange"
    verbose_name = _("Data exchange")

    def ready(self) -> None:
        from sinergi.audit import listeners
        from sinergi.exchange import plugins
        from sinergi.exchange.events.outbox import on_audit_entry

        plugins.register()
        listeners.register(on_audit_entry)
