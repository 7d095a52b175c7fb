"""Who a message goes to: exactly one of a person, a staff member or a partner organisation,
or none of them only for a requester's template (the public portal's receipt, to a number typed
in the portal). The service refuses the rest, and so does the database (`Message`'s check
constraint), for a write that goes around the service."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from satuatap.core.exceptions import DomainError
from satuatap.core.roles import Role
from satuatap.notifications import services
from satuatap.notifications.catalogue import TEMPLATES, requester_template_codes
from satuatap.notifications.models import Message
from tests.factories import PartnerFactory, PersonFactory

pytestmark = pytest.mark.django_db

RECEIPT = {"office": "LTSA Cirebon"}
DOCUMENT = {"document": "Paspor", "expires_on": "7 Januari 2027", "office": "LTSA Cirebon"}


def queue(office, template_code, parameters, **recipients) -> Message:
    return services.queue_message(
        office=office,
        channel="sms",
        address="081299998888",
        template_code=template_code,
        parameters=parameters,
        **recipients,
    )


def test_only_the_portals_receipt_goes_to_a_typed_number():
    assert requester_template_codes() == ("portal_received",)
    assert {t.audience for t in TEMPLATES.values()} == {"person", "staff", "partner", "requester"}


def test_a_requesters_template_is_queued_with_no_recipient(gateways, office):
    message = queue(office, "portal_received", RECEIPT)
    message.refresh_from_db()
    assert (message.person, message.staff_user, message.partner) == (None, None, None)
    assert str(message.address) == "+6281299998888"


def test_a_persons_template_with_no_recipient_is_refused(gateways, office):
    with pytest.raises(DomainError) as refused:
        queue(office, "document_expiring", DOCUMENT)
    assert refused.value.code == "invalid_message"
    assert not Message.objects.exists()


def test_a_requesters_template_never_goes_to_someone_on_record(gateways, office, make_user):
    for recipient in (
        {"person": PersonFactory(office=office)},
        {"staff_user": make_user(Role.OFFICE_HEAD)},
        {"partner": PartnerFactory()},
    ):
        with pytest.raises(DomainError) as refused:
            queue(office, "portal_received", RECEIPT, **recipient)
        assert refused.value.code == "invalid_message"
    assert not Message.objects.exists()


def test_two_recipients_are_refused(gateways, office):
    with pytest.raises(DomainError) as refused:
        queue(
            office,
            "document_expiring",
            DOCUMENT,
            person=PersonFactory(office=office),
            partner=PartnerFactory(),
        )
    assert refused.value.code == "invalid_message"


def _row(office, template_code, **recipients) -> None:
    with transaction.atomic():
        Message.objects.create(
            office=office,
            channel="sms",
            address="+6281299998888",
            address_key="k",
            template_code=template_code,
            **recipients,
        )


def test_the_database_takes_a_message_with_no_recipient_only_for_a_requesters_template(office):
    _row(office, "portal_received")
    for template_code in ("document_expiring", "staff_digest", "referral_update", ""):
        with pytest.raises(IntegrityError):
            _row(office, template_code)
    assert list(Message.objects.values_list("template_code", flat=True)) == ["portal_received"]


def test_the_database_refuses_two_recipients_even_for_a_requesters_template(office, make_user):
    person, partner = PersonFactory(office=office), PartnerFactory()
    _row(office, "document_expiring", person=person)
    _row(office, "referral_update", partner=partner)
    _row(office, "staff_digest", staff_user=make_user(Role.OFFICE_HEAD))
    for recipients in (
        {"person": person, "partner": partner},
        {"person": person, "staff_user": make_user(Role.OFFICE_HEAD)},
    ):
        for template_code in ("document_expiring", "portal_received"):
            with pytest.raises(IntegrityError):
                _row(office, template_code, **recipients)
    assert Message.objects.count() == 3
