"""Safety first: nothing about an MRC case goes to a number the case worker did not mark safe
for that case, and no message text names the MRC, violence or a partner."""

from __future__ import annotations

import pytest
from django.utils import translation

from satuatap.core.exceptions import DomainError
from satuatap.core.roles import Role
from satuatap.notifications import services
from satuatap.notifications.catalogue import TEMPLATES
from satuatap.notifications.models import Message
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(office):
    return PersonFactory(office=office)


def call_back(person, *, case_id, address="+6281234567890", channel="whatsapp"):
    return services.queue_message(
        office=person.office,
        person=person,
        channel=channel,
        address=address,
        template_code="case_call_back",
        parameters={"office": "LTSA"},
        case_id=case_id,
    )


def test_case_message_without_safe_contact_mark_is_refused(gateways, person):
    with pytest.raises(DomainError) as refused:
        call_back(person, case_id=7)
    assert refused.value.code == "not_a_safe_contact"
    with pytest.raises(DomainError):
        call_back(person, case_id=None)
    assert not Message.objects.exists()


def test_safe_contact_counts_only_for_its_case_channel_and_number(gateways, person, make_user):
    worker = make_user(Role.COUNSELLOR)
    services.mark_safe_contact(case_id=7, channel="whatsapp", address="0812-3456-7890", by=worker)
    with pytest.raises(DomainError):
        call_back(person, case_id=8)
    with pytest.raises(DomainError):
        call_back(person, case_id=7, channel="sms")
    with pytest.raises(DomainError):
        call_back(person, case_id=7, address="+6281111111111")
    message = call_back(person, case_id=7)
    assert message.is_case_related and message.case_id == 7


def test_case_message_is_sent_and_audited_without_its_parameters(gateways, person, make_user):
    from auditlog.models import LogEntry

    worker = make_user(Role.COUNSELLOR)
    services.mark_safe_contact(case_id=7, channel="whatsapp", address="+6281234567890", by=worker)
    message = services.attempt_delivery(message_id=call_back(person, case_id=7).pk)
    assert message.status == "sent"
    entries = LogEntry.objects.filter(content_type__model="message", object_pk=str(message.pk))
    sent = [e for e in entries if (e.additional_data or {}).get("event") == "message_sent"]
    assert sent and sent[0].additional_data["case_related"] is True
    assert "LTSA" not in str([(e.changes, e.additional_data) for e in entries])


@pytest.mark.parametrize("language", ["id", "en"])
def test_no_template_names_the_mrc_violence_a_case_or_a_partner(language):
    forbidden = [
        "mrc",
        "migrant worker resource",
        "kekerasan",
        "violence",
        "kasus",
        "case",
        "pengaduan",
        "complaint",
        "partner",
        "mitra",
        "konseling",
        "counsel",
    ]
    for template in TEMPLATES.values():
        values = {name: "" for name in template.parameters}
        subject, body = template.render(language, values)
        text = f"{subject} {body} {template.whatsapp_name}".lower()
        assert not [word for word in forbidden if word in text], template.code
    with translation.override("id"):
        pass
