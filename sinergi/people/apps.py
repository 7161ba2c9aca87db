from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "sinergi.people"
    label = "people"
    verbose_name = _("People")

    def ready(self):
        from sinergi.people import plugins

        plugins.register()
