from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "satuatap.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from satuatap.notifications import audit, panels, rules, tasks  # noqa: F401

        audit.register_models()
        panels.register()
