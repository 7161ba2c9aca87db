from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sinergi.core"
    label = "core"
    verbose_name = "Sinergi"

    def ready(self):
        from sinergi.core import checks, registry  # noqa: F401 (checks: imported for its @register)

        # Placeholders for the modules still to come; an app that builds one registers its own entry over it.
        registry.register_core_entries()
