from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "satuatap.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from satuatap.core import audit, checks, lookups  # noqa: F401 - registers the checks

        audit.register_models()
        lookups.register()
