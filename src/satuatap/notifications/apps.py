from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "satuatap.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from satuatap.notifications import audit, checks, panels, retention, rules, tasks  # noqa: F401

        audit.register_models()
        panels.register()
        retention.register()

        from satuatap.notifications.services import erase_people_data
        from satuatap.people.data_rights.hooks import register_person_eraser

        register_person_eraser(erase_people_data)

        from satuatap.core.encryption import register_rotation_step
        from satuatap.notifications.services import rekey_addresses

        register_rotation_step("notifications.address_keys", rekey_addresses)
