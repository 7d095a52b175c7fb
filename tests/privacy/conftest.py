from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from satuatap.core.roles import Role
from satuatap.privacy import services
from satuatap.privacy.models import DataCategory, RequestChannel, RequestType
from tests.factories import PersonFactory


@pytest.fixture
def head(make_user):
    return make_user(Role.OFFICE_HEAD)


@pytest.fixture
def frontdesk(make_user):
    return make_user(Role.FRONTDESK)


@pytest.fixture
def supervisor(make_user):
    return make_user(Role.CASE_SUPERVISOR, gender="F")


@pytest.fixture
def other_head(make_user, other_office):
    return make_user(Role.OFFICE_HEAD, organisation=other_office)


@pytest.fixture
def person(office):
    return PersonFactory(office=office, full_name="Sulastri Wulandari")


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def make_request(frontdesk, person, now):
    """A request recorded at the front desk, about `person` unless told otherwise."""

    def make(request_type=RequestType.ACCESS, *, by=None, received_at=None, **extra):
        extra.setdefault("person", person)
        return services.register_subject_request(
            by=by or frontdesk,
            request_type=request_type,
            received_at=received_at or now - datetime.timedelta(hours=1),
            channel=extra.pop("channel", RequestChannel.IN_PERSON),
            **extra,
        )

    return make


@pytest.fixture
def make_breach(frontdesk, now):
    def make(*, by=None, discovered_at=None, **extra):
        values = {
            "title": "Laptop hilang",
            "discovered_at": discovered_at or now - datetime.timedelta(hours=2),
            "data_categories": [DataCategory.IDENTITY, DataCategory.CONTACT],
            "how": "Laptop petugas dicuri dari mobil.",
            "subject_count": 120,
            "remediation": "Kata sandi akun diganti; pencurian dilaporkan ke polisi.",
        }
        values.update(extra)
        return services.report_breach(by=by or frontdesk, **values)

    return make
