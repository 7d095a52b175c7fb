from __future__ import annotations

import pytest

from satuatap.placement import demo
from satuatap.placement.models import Agency, JobOrder

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_flags_bad_licences(office, other_office):
    demo.seed()
    demo.seed()

    assert Agency.objects.count() == len(demo.AGENCIES)
    assert JobOrder.objects.count() == 2 * len(demo.JOB_ORDERS)
    today = office.today()
    assert Agency.objects.get(licence_number=demo.EXPIRED).licence_state(today) == "expired"
    assert Agency.objects.get(licence_number=demo.SUSPENDED).licence_state(today) == "suspended"
    countries = set(JobOrder.objects.values_list("country", flat=True))
    assert {"HK", "TW", "MY", "SG", "JP", "KR", "SA"} <= countries
