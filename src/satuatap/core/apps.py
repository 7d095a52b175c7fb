from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "satuatap.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from satuatap.core import attribution, audit, checks, signals  # noqa: F401 - receivers

        audit.register_models()
        attribution.connect()

        from satuatap.core import retention

        retention.register_core_classes()
