from auditlog.registry import auditlog

from satuatap.core.audit import encrypted_fields


def register_models() -> None:
    """Changes to the outbox, never its encrypted address or parameters (auditlog would copy
    their plain text); the services add an entry per event (queued, sent, retry, failed,
    resent, receipt) naming the channel and template, never the text."""
    from satuatap.notifications.models import LanguagePreference, Message, OptOut, SafeContact

    for model in (Message, OptOut, SafeContact, LanguagePreference):
        auditlog.register(model, exclude_fields=[*encrypted_fields(model), "address_key"])
