from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "satuatap.portal"
    verbose_name = _("Public portal")

    def ready(self) -> None:
        from satuatap.portal import audit

        audit.register_models()
