from __future__ import annotations

import pytest

from satuatap.cases import services
from satuatap.cases.models import Category, Channel, GbvType
from satuatap.core.roles import Role
from tests.factories import PersonFactory


@pytest.fixture
def today(office):
    return office.today()


@pytest.fixture
def supervisor(make_user):
    return make_user(Role.CASE_SUPERVISOR, gender="F")


@pytest.fixture
def woman_counsellor(make_user):
    return make_user(Role.COUNSELLOR, username="cirebon.counsellor2", gender="F")


@pytest.fixture
def head(make_user):
    return make_user(Role.OFFICE_HEAD)


@pytest.fixture
def client_person(office):
    return PersonFactory(office=office, sex="F", full_name="Siti Rahayu")


@pytest.fixture
def make_case(counsellor, client_person):
    """A case opened by the counsellor (who is assigned), restricted when `gbv` is given."""

    def make(*, by=None, client=None, categories=(Category.WAGES,), gbv=(), **extra):
        return services.open_case(
            by=by or counsellor,
            client=client or client_person,
            channel=Channel.WALK_IN,
            categories=categories,
            gbv_types=gbv,
            narrative=extra.pop("narrative", "Gaji tidak dibayar selama enam bulan."),
            **extra,
        )

    return make


@pytest.fixture
def gbv_case(make_case):
    return make_case(
        categories=(Category.GBV,),
        gbv=(GbvType.PHYSICAL_ASSAULT,),
        narrative="Dipukul oleh majikan di Taipei.",
        safety_notes="Tinggal di rumah kakak, jangan hubungi nomor lama.",
    )


@pytest.fixture
def partner_worker(make_user, partner):
    return make_user(Role.PARTNER_CASEWORKER, organisation=partner)
