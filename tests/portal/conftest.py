from __future__ import annotations

import datetime
import json

import pytest

from satuatap.core.models import DeskType
from satuatap.core.roles import Role
from satuatap.frontdesk.models import Service, VisitSlot
from satuatap.notifications.models import Message
from satuatap.people.models import Phone
from satuatap.placement.files import services as file_services
from tests.factories import DeskFactory, PersonFactory

NIK = "3209015403950001"
BIRTH = datetime.date(1995, 3, 14)
PHONE = "+6281234567890"


@pytest.fixture(autouse=True)
def sms_gateway(settings):
    """The SMS channel on (messages stay queued in these tests: nothing commits)."""
    settings.NOTIFICATION_GATEWAYS = {"sms": "http_sms"}
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/sms/send"
    settings.SATUATAP_SITE_URL = "https://satuatap.example.go.id"
    return settings


@pytest.fixture
def worker(office):
    person = PersonFactory(office=office, nik=NIK, birth_date=BIRTH, full_name="Siti Aminah")
    Phone.objects.create(person=person, number=PHONE, kind=Phone.Kind.MOBILE)
    return person


@pytest.fixture
def placement_officer(make_user):
    return make_user(Role.PLACEMENT_OFFICER)


@pytest.fixture
def placement_file(worker, placement_officer):
    return file_services.open_file(person=worker, by=placement_officer, values={"scheme": "p3mi"})


@pytest.fixture
def labour_desk(office):
    return DeskFactory(office=office, desk_type=DeskType.objects.get(code="ketenagakerjaan"))


@pytest.fixture
def registration_service(office, labour_desk):
    return Service.objects.create(
        office=office, desk=labour_desk, name_id="Pendaftaran CPMI", target_minutes=20
    )


@pytest.fixture
def head(make_user):
    return make_user(Role.OFFICE_HEAD)


@pytest.fixture
def frontdesk(make_user):
    return make_user(Role.FRONTDESK)


@pytest.fixture
def slot_today(office, labour_desk):
    """A slot on the office's today at 23:59, so that it is still to come."""
    return VisitSlot.objects.create(
        office=office,
        desk=labour_desk,
        weekday=office.today().weekday(),
        starts_at=datetime.time(23, 59),
        capacity=2,
    )


def sent_code(person) -> str:
    """The code in the last message queued to `person` (its parameters, decrypted)."""
    message = Message.objects.filter(person=person, template_code="portal_code").latest("pk")
    return json.loads(str(message.parameters))["code"]


def identify(client, *, nik=NIK, birth="14/03/1995", **extra):
    return client.post("/portal/identify/", {"nik": nik, "birth_date": birth}, **extra)


def sign_in(client, person) -> None:
    """Identify and enter the code, as a person does."""
    response = identify(client)
    assert response.status_code == 302
    response = client.post("/portal/code/", {"code": sent_code(person)})
    assert response.status_code == 302
    assert response["Location"] == "/portal/status/"
