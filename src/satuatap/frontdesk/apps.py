from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrontdeskConfig(AppConfig):
    name = "satuatap.frontdesk"
    verbose_name = _("Front desk and queues")

    def ready(self) -> None:
        from satuatap.frontdesk import audit, notices, outcomes, person_actions, retention, work

        audit.register_models()
        audit.register_office_records()
        retention.register()
        work.register()
        person_actions.register()
        notices.register()
        outcomes.register()
