"""Consent templates in the audit trail and in the office head's trail: the office's standard
wording, no client's data, so their values are shown."""

from __future__ import annotations


def register() -> None:
    from auditlog.registry import auditlog

    from satuatap.cases.models import ConsentTemplate
    from satuatap.core.audit import show_values_of
    from satuatap.core.trail import OFFICE, register_office_records

    auditlog.register(ConsentTemplate)
    show_values_of(ConsentTemplate)
    register_office_records(
        ConsentTemplate,
        records=lambda viewer: ConsentTemplate.objects.filter(office_id=viewer.office_id_or_none),
        parent=OFFICE,
    )
