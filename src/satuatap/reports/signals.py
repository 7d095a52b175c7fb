"""The receivers that mark the office-days a change to a source record touches.

For every source model a `Source` (`sources.py`) names the values (read from the database,
related fields included) that decide on which office-days the record counts. Before a save (and
before a delete) the row as it is in the database is read; after the save, the row as it now
is: the office-days of both are marked, so a record that moves (a case closed on another day, a
course whose last day changes) is taken out of the old day and put into the new one.

A person counts on the days of their visits, contacts, cases, files, enrolments and
registration (sex and age band come from the registry record), so a change to a person's sex,
birth date, office or merge marks all of those days, the merged record's and the survivor's.

Writes done with `QuerySet.update()` send no signal. The sources are chosen so that every
change that moves a number comes with a saved or deleted row in the same transaction (a ticket
finished creates its `ServiceRecord`; a transfer creates a ticket); what is updated alone (a
ticket called or a no-show) moves no indicator. The marks are written by
`services.rollups.mark_dirty`, in the transaction of the change.
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save

from satuatap.cases import facts as cases_facts
from satuatap.core.models import Organisation
from satuatap.people import facts as people_facts
from satuatap.reports import sources
from satuatap.reports.services.rollups import mark_dirty


def _person_pre_save(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    instance._reports_before = None if instance._state.adding else sources.read_person(instance.pk)


def _person_post_save(sender, instance, created=False, raw=False, **kwargs) -> None:
    if raw:
        return
    before = getattr(instance, "_reports_before", None)
    after = {name: sources.resolve(instance, name) for name in sources.PERSON_FIELDS}
    keys = sources.registration_key(before) | sources.registration_key(after)
    if before is not None and after is not None:
        if any(before[name] != after[name] for name in sources.PERSON_CELL_FIELDS):
            keys |= sources.person_keys(
                [instance.pk, before["merged_into_id"], after["merged_into_id"]]
            )
    mark_dirty(keys)


def _person_pre_delete(sender, instance, **kwargs) -> None:
    mark_dirty(
        sources.registration_key(sources.read_person(instance.pk))
        | sources.person_keys([instance.pk])
    )


# --- Receivers -------------------------------------------------------------------------------


def _receivers(source: sources.Source):
    def before_save(sender, instance, raw=False, **kwargs):
        if raw or instance._state.adding:
            instance._reports_keys = set()
            return
        instance._reports_keys = source.keys_of(instance.pk, source.read(instance.pk))

    def after_save(sender, instance, raw=False, **kwargs):
        if raw:
            return
        keys = getattr(instance, "_reports_keys", set())
        mark_dirty(keys | source.keys_of(instance.pk, source.read_saved(instance)))

    def before_delete(sender, instance, **kwargs):
        mark_dirty(source.keys_of(instance.pk, source.read(instance.pk)))

    return before_save, after_save, before_delete


_connected: list = []  # the receivers, kept alive (signals hold weak references by default)


def _contact_participants_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
        return
    if reverse:  # person.<related>.add(contact…): pk_set holds contacts
        contact_ids = pk_set or ()
    else:
        contact_ids = [instance.pk]
    mark_dirty(cases_facts.contact_days(contact_ids))


def connect() -> None:
    """Connect the receivers (ReportsConfig.ready)."""
    if _connected:
        return
    Person = people_facts.person_model()  # noqa: N806
    post_save.connect(sources.forget_zone, sender=Organisation, dispatch_uid="reports-office-zone")
    for source in sources.sources():
        before_save, after_save, before_delete = _receivers(source)
        uid = f"reports-{source.model._meta.label_lower}"
        pre_save.connect(before_save, sender=source.model, dispatch_uid=f"{uid}-pre")
        post_save.connect(after_save, sender=source.model, dispatch_uid=f"{uid}-post")
        pre_delete.connect(before_delete, sender=source.model, dispatch_uid=f"{uid}-delete")
        _connected.extend([before_save, after_save, before_delete])
    pre_save.connect(_person_pre_save, sender=Person, dispatch_uid="reports-person-pre")
    post_save.connect(_person_post_save, sender=Person, dispatch_uid="reports-person-post")
    pre_delete.connect(_person_pre_delete, sender=Person, dispatch_uid="reports-person-delete")
    m2m_changed.connect(
        _contact_participants_changed,
        sender=cases_facts.participants_model(),
        dispatch_uid="reports-contact-participants",
    )
