from __future__ import annotations

import pytest

from satuatap.core.models import DeskType
from satuatap.core.roles import Role
from satuatap.frontdesk.models import Service
from tests.factories import DeskFactory


@pytest.fixture
def desks(office):
    return {
        code: DeskFactory(office=office, desk_type=DeskType.objects.get(code=code))
        for code in ("ketenagakerjaan", "pengaduan-informasi", "keimigrasian")
    }


@pytest.fixture
def services(office, desks):
    def make(desk_code: str, name: str, *, anonymous: bool = False, minutes: int = 15):
        return Service.objects.create(
            office=office,
            desk=desks[desk_code],
            name_id=name,
            target_minutes=minutes,
            allows_anonymous=anonymous,
        )

    return {
        "registration": make("ketenagakerjaan", "Pendaftaran CPMI", minutes=20),
        "recommendation": make("ketenagakerjaan", "Rekomendasi paspor"),
        "information": make("pengaduan-informasi", "Informasi", anonymous=True, minutes=10),
        "passport": make("keimigrasian", "Permohonan paspor", minutes=30),
    }


@pytest.fixture
def frontdesk(make_user):
    return make_user(Role.FRONTDESK)


@pytest.fixture
def desk_officer(make_user, desks):
    return make_user(Role.DESK_OFFICER, desk=desks["ketenagakerjaan"])
