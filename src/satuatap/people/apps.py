from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "satuatap.people"
    verbose_name = _("Person registry")

    def ready(self) -> None:
        from satuatap.people import audit, retention, sensitive, work

        audit.register_models()
        audit.register_office_records()
        sensitive.register()
        retention.register()
        work.register()
