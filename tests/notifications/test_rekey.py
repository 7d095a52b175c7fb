"""Re-keying (issue 21): the outbox keeps a keyed hash (HMAC under SECRET_KEY) of every address.
When SECRET_KEY changes (the new one in SECRET_KEY, the old in SECRET_KEY_FALLBACKS), opt-outs
and safe contacts still match, and `rotate_encryption_keys` recomputes every stored hash."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from satuatap.core.exceptions import DomainError
from satuatap.notifications import services
from satuatap.notifications.addresses import address_key
from satuatap.notifications.models import Message, OptOut, OptOutSource, SafeContact
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

OLD, NEW = "old-secret-key-" + "x" * 40, "new-secret-key-" + "y" * 40


def test_rotation_recomputes_the_hashes_so_opt_outs_and_safe_contacts_still_match(
    settings, gateways, office, make_user
):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = OLD, []
    person = PersonFactory(office=office)
    person.phones.create(number="+6281234567890", kind="whatsapp")
    worker = make_user("counsellor")
    services.record_opt_out(
        channel="sms", address="0812-3456-7890", source=OptOutSource.DESK, person=person
    )
    services.mark_safe_contact(case_id=9, channel="whatsapp", address="+6281234567890", by=worker)
    message = services.queue_message(
        office=office,
        person=person,
        channel="whatsapp",
        address="+6281234567890",
        template_code="case_call_back",
        parameters={"office": office.name},
        case_id=9,
    )
    # An opt-out whose address was erased with its person: only its hash is left (the number
    # is still in the outbox, from a message sent before).
    services.queue_message(
        office=office,
        person=person,
        channel="sms",
        address="+6281299999999",
        template_code="document_expiring",
        parameters={},
    )
    services.record_opt_out(channel="sms", address="+6281299999999", source=OptOutSource.REPLY)
    OptOut.objects.filter(address_key=address_key("sms", "+6281299999999")).update(address="")
    old_keys = {
        "opt_out": OptOut.objects.get(person=person).address_key,
        "safe": SafeContact.objects.get().address_key,
        "message": Message.objects.get(pk=message.pk).address_key,
    }

    # The new key, the old one kept as a fallback: everything still matches before re-keying.
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW, [OLD]
    assert services.is_opted_out(channel="sms", address="+6281234567890")
    services.queue_message(
        office=office,
        person=person,
        channel="whatsapp",
        address="+6281234567890",
        template_code="case_call_back",
        parameters={"office": office.name},
        case_id=9,
    )

    out = io.StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    assert "notifications.address_keys" in out.getvalue()
    new_key = address_key("sms", "+6281234567890")
    assert OptOut.objects.get(person=person).address_key == new_key != old_keys["opt_out"]
    assert SafeContact.objects.get().address_key == address_key("whatsapp", "+6281234567890")
    message.refresh_from_db()
    assert message.address_key == address_key("whatsapp", "+6281234567890")
    assert message.address_key != old_keys["message"]

    # The old key gone for good: the opt-out and the safe contact match under the new key only.
    settings.SECRET_KEY_FALLBACKS = []
    assert services.is_opted_out(channel="sms", address="+6281234567890")
    with pytest.raises(DomainError) as refused:
        services.queue_message(
            office=office,
            person=person,
            channel="sms",
            address="+6281234567890",
            template_code="document_expiring",
            parameters={},
        )
    assert refused.value.code == "opted_out"
    assert services.queue_message(
        office=office,
        person=person,
        channel="whatsapp",
        address="+6281234567890",
        template_code="case_call_back",
        parameters={"office": office.name},
        case_id=9,
    ).is_case_related
    # The orphan opt-out was matched through the old key against the outbox's addresses.
    assert services.is_opted_out(channel="sms", address="+6281299999999")


def test_rekeying_twice_changes_nothing_the_second_time(settings, gateways, office):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = OLD, []
    services.record_opt_out(channel="sms", address="+6281234567890", source=OptOutSource.DESK)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW, [OLD]
    assert services.rekey_addresses()["opt_outs"] == 1
    assert services.rekey_addresses() == {
        "messages": 0,
        "opt_outs": 0,
        "safe_contacts": 0,
        "unmatched": 0,
    }
