from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DetectionConfig(AppConfig):
    name = "sinergi.detection"
    label = "detection"
    verbose_name = _("Early detection")

    def ready(self):
        from sinergi.detection import plugins

        plugins.register()
