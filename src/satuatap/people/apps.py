from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "satuatap.people"
    verbose_name = _("Person registry")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from satuatap.people import audit, retention, sensitive, work
        from satuatap.people.name_index import (
            ensure_sqlite_index_after_migrate,
            set_similarity_threshold,
        )

        audit.register_models()
        audit.register_office_records()
        sensitive.register()
        retention.register()
        work.register()
        # SQLite drops a table's triggers when a migration rebuilds it: put the name index's back.
        post_migrate.connect(ensure_sqlite_index_after_migrate, sender=self)
        connection_created.connect(set_similarity_threshold, dispatch_uid="pg_trgm_threshold")
